// Signs claims as a compact JWS with the ring's active key. Local keys go through jose, which
// signs through WebCrypto on libuv's thread pool, off the event loop. KMS signs remotely, so for a
// KMS key the compact JWS (RFC 7515 §7.1) is put together here around the signature KMS returns.

import type { TokenClaims } from '@rolegate/core';
import { SignJWT } from 'jose';
import type { RingKey } from '../keys/key-ring.ts';

export async function signToken(claims: TokenClaims, key: RingKey): Promise<string> {
  const header = { alg: key.alg, kid: key.kid, typ: 'JWT' };
  if (key.source === 'file') {
    return new SignJWT({ ...claims }).setProtectedHeader(header).sign(key.privateKey);
  }
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = await key.signer.sign(Buffer.from(signingInput, 'ascii'));
  return `${signingInput}.${Buffer.from(signature).toString('base64url')}`;
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
