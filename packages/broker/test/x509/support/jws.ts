// Tools to bend a compact JWS the way attackers do: swap the header or payload (keeping or
// dropping the signature), forge `alg: none`, re-encode with non-canonical base64url. jose's
// base64url does the encoding; nothing here is used to make a valid token.
import { type KeyObject, sign } from 'node:crypto';
import { base64url } from 'jose';

export const b64u = (value: unknown): string =>
  base64url.encode(typeof value === 'string' ? value : JSON.stringify(value));

export function decodeSegments(token: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signature: string;
} {
  const [h, p, s] = token.split('.') as [string, string, string];
  const text = (segment: string) => new TextDecoder().decode(base64url.decode(segment));
  return { header: JSON.parse(text(h)), payload: JSON.parse(text(p)), signature: s };
}

/** The token with its header and/or payload replaced (as objects or raw JSON text); same signature. */
export function rewrite(
  token: string,
  changes: {
    header?: Record<string, unknown> | string;
    payload?: Record<string, unknown> | string;
    signature?: string;
  },
): string {
  const [h, p, s] = token.split('.') as [string, string, string];
  return [
    changes.header === undefined ? h : b64u(changes.header),
    changes.payload === undefined ? p : b64u(changes.payload),
    changes.signature === undefined ? s : changes.signature,
  ].join('.');
}

/** Flips one bit in the middle of the signature. */
export function corruptSignature(token: string): string {
  const [h, p, s] = token.split('.') as [string, string, string];
  const bytes = base64url.decode(s);
  bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
  return [h, p, base64url.encode(bytes)].join('.');
}

/**
 * Signs without jose, for the keys jose will not sign with (RSA-1024, secp256k1): the broker must
 * refuse the key before it ever checks such a signature.
 */
export function signRaw(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: KeyObject,
): string {
  const input = `${b64u(header)}.${b64u(payload)}`;
  const signature =
    key.asymmetricKeyType === 'ec'
      ? sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
      : sign('sha256', Buffer.from(input), key);
  return `${input}.${base64url.encode(signature)}`;
}
