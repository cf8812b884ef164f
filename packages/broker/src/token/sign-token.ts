// Signs claims as a compact JWS with the ring's active key. jose signs through WebCrypto, which
// runs RSA and ECDSA on libuv's thread pool, off the event loop.
import { SignJWT } from 'jose';
import type { RingKey } from '../keys/key-ring.ts';
import type { TokenClaims } from './claims.ts';

export async function signToken(claims: TokenClaims, key: RingKey): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .sign(key.privateKey);
}
