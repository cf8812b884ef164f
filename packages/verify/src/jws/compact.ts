// Splits a compact JWS (RFC 7515 §7.1) into its three parts and decodes them with Node's own
// base64url codec. Buffer's decoder is lenient (it skips characters outside the alphabet and
// accepts non-zero trailing bits), so each part must re-encode to exactly itself: one token has
// one spelling, and nothing unsigned can ride along in a part.

import { TextDecoder } from 'node:util';
import { JsonSyntaxError, type JsonValue, parseJsonStrict } from '@rolegate/core';
import { VerifyError } from '../errors.ts';

export interface CompactParts {
  /** The first part, still encoded: headers repeat from token to token and are cached by it. */
  readonly header: string;
  /** The second part, still encoded: decoded only after the signature checks. */
  readonly payload: string;
  /** `header.payload` as bytes: what the signature covers. */
  readonly signingInput: Buffer;
  readonly signature: Buffer;
}

/** Splits `token` and decodes its signature; header and payload stay encoded for later steps. */
export function splitCompact(token: string, maxLength: number): CompactParts {
  if (token.length > maxLength) {
    throw new VerifyError('token.too_large', `token is ${token.length} characters`);
  }
  const first = token.indexOf('.');
  const second = first < 0 ? -1 : token.indexOf('.', first + 1);
  if (second < 0 || token.indexOf('.', second + 1) >= 0) {
    throw new VerifyError('token.malformed', 'a compact JWS has exactly three parts');
  }
  const header = token.slice(0, first);
  const payload = token.slice(first + 1, second);
  const encodedSignature = token.slice(second + 1);
  if (header === '' || payload === '' || encodedSignature === '') {
    // An empty signature is what `alg: none` looks like: never a signed token.
    throw new VerifyError('token.malformed', 'a part of the token is empty');
  }
  const signature = decodePart(encodedSignature, 'signature');
  // Every part re-encoded to itself, so the whole input is ASCII and latin1 copies it byte for byte.
  return {
    header,
    payload,
    signingInput: Buffer.from(token.slice(0, second), 'latin1'),
    signature,
  };
}

/** Strict unpadded base64url: the part must be the canonical encoding of what it decodes to. */
export function decodePart(part: string, what: string): Buffer {
  const bytes = Buffer.from(part, 'base64url');
  if (bytes.toString('base64url') !== part) {
    throw new VerifyError('token.malformed', `the ${what} is not canonical unpadded base64url`);
  }
  return bytes;
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The header is read before anything is authenticated: strict unpadded base64url, strict UTF-8,
 * strict JSON (RFC 8259, duplicate keys refused), an object.
 */
export function decodeJsonPart(part: string, what: 'header'): { readonly [k: string]: JsonValue } {
  const text = utf8(decodePart(part, what), what);
  let value: JsonValue;
  try {
    value = parseJsonStrict(text, { maxDepth: 16 });
  } catch (cause) {
    const detail = cause instanceof JsonSyntaxError ? cause.code : 'json';
    throw new VerifyError('token.malformed', `the ${what} is not strict JSON (${detail})`, {
      cause,
    });
  }
  return asObject(value, what);
}

/**
 * The payload is read only after its signature has been checked: the signature covers its
 * encoded text exactly, so it is what the broker wrote with JSON.stringify and needs neither the
 * canonical-encoding check nor the strict parser (together two thirds of the cost of reading it,
 * which matters when the whole check is budgeted against the RSA operation itself).
 */
export function decodeSignedPayload(part: string): { readonly [k: string]: JsonValue } {
  let value: JsonValue;
  try {
    value = JSON.parse(utf8(Buffer.from(part, 'base64url'), 'payload')) as JsonValue;
  } catch (cause) {
    throw new VerifyError('token.malformed', 'the payload is not JSON', { cause });
  }
  return asObject(value, 'payload');
}

/** Strict UTF-8 (RFC 7519 §7.2); a token is never read with replacement characters. */
function utf8(bytes: Buffer, what: string): string {
  const text = bytes.toString('utf8');
  // Buffer replaces bad UTF-8 with U+FFFD; only then pay for the fatal decoder to tell which.
  if (!text.includes('\uFFFD')) return text;
  try {
    return fatalUtf8.decode(bytes);
  } catch (cause) {
    throw new VerifyError('token.malformed', `the ${what} is not UTF-8`, { cause });
  }
}

function asObject(value: JsonValue, what: string): { readonly [k: string]: JsonValue } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new VerifyError('token.malformed', `the ${what} is not a JSON object`);
  }
  return value;
}
