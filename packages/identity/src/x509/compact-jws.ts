// Reads a compact JWS (RFC 7515 §7.1) before any key is chosen: three canonical base64url
// segments, a header and a payload that are strict JSON objects (a duplicated `alg` or `aud` is
// refused rather than resolved), and a header with no parameter outside an allow-list. jose then
// verifies the signature; this module only decides what is read and how strictly.
import { decodeBase64urlStrict, type JsonValue, parseJsonStrict } from '@rolegate/core';
import type { IdentityErrorCode } from '../errors.ts';
import { IdentityError } from '../errors.ts';

export type JsonObject = { readonly [k: string]: JsonValue };

export interface CompactJws {
  readonly header: JsonObject;
  /** The payload as JSON, read before the signature is checked: only for routing to a key. */
  readonly unverifiedPayload: JsonObject;
}

export interface CompactJwsRules {
  readonly maxBytes: number;
  /** Header parameters allowed; `alg` is always required. */
  readonly headerParameters: ReadonlySet<string>;
  readonly tooLarge: IdentityErrorCode;
  readonly malformed: IdentityErrorCode;
  readonly badHeader: IdentityErrorCode;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

export function readCompactJws(token: string, rules: CompactJwsRules): CompactJws {
  if (token.length > rules.maxBytes)
    throw new IdentityError(rules.tooLarge, `${token.length} bytes`);
  const parts = token.split('.');
  if (parts.length !== 3) throw new IdentityError(rules.malformed, `${parts.length} segments`);
  const [h, p, s] = parts as [string, string, string];
  if (h === '' || p === '' || s === '')
    throw new IdentityError(rules.malformed, 'empty segment (unsigned or detached JWS)');
  const header = json(h, 'header', rules.malformed);
  const unverifiedPayload = json(p, 'payload', rules.malformed);
  if (decodeBase64urlStrict(s) === undefined)
    throw new IdentityError(rules.malformed, 'signature is not strict base64url');
  for (const name of Object.keys(header)) {
    if (!rules.headerParameters.has(name))
      throw new IdentityError(rules.badHeader, `header parameter ${JSON.stringify(name)}`);
  }
  if (typeof header['alg'] !== 'string') throw new IdentityError(rules.badHeader, 'alg missing');
  return { header, unverifiedPayload };
}

function json(segment: string, what: string, code: IdentityErrorCode): JsonObject {
  const bytes = decodeBase64urlStrict(segment);
  if (bytes === undefined) throw new IdentityError(code, `${what} is not strict base64url`);
  let value: JsonValue;
  try {
    value = parseJsonStrict(decoder.decode(bytes));
  } catch (cause) {
    throw new IdentityError(code, `${what}: ${(cause as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new IdentityError(code, `${what} is not a JSON object`);
  return value;
}
