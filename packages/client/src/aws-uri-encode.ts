// SigV4 canonical query encoding (RFC 3986): everything but unreserved characters is %XX-escaped,
// so a URL built from it is byte-for-byte what was signed.
export function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
