// Strict base64 decoding (JWS segments, `x5c`, SPIFFE bundles). Node's decoder skips characters it does not know and ignores bad padding,
// so two different strings can decode to the same bytes; here a string decodes only if it is the
// one canonical encoding of its bytes (re-encoding gives it back exactly).

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Standard base64 with padding (RFC 4648 §4), as JWS `x5c` and bundle entries use. */
export function decodeBase64Strict(text: string): Uint8Array | undefined {
  if (!BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? new Uint8Array(bytes) : undefined;
}

/** Unpadded base64url (RFC 4648 §5, RFC 7515 §2), as the segments of a compact JWS use. */
export function decodeBase64urlStrict(text: string): Uint8Array | undefined {
  if (!BASE64URL.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? new Uint8Array(bytes) : undefined;
}
