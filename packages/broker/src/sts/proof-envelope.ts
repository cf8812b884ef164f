// Step 1 of proof validation: the `rgsts1.` envelope. Everything here runs before any parsing of
// the URL, on bounded input.
import { BrokerError } from '../errors/broker-error.ts';

export const STS_PROOF_PREFIX = 'rgsts1.';
export const MAX_PROOF_BYTES = 8 * 1024;

const BASE64URL = /^[A-Za-z0-9_-]+$/;
// Printable ASCII without space: a URL needs nothing else, and this shuts out CR/LF, NUL, tabs,
// and look-alike Unicode in one test.
const URL_CHARACTERS = /^[\x21-\x7e]+$/;

/** Decodes the envelope and returns the presigned URL text. */
export function openProofEnvelope(proof: string): string {
  if (proof.length > MAX_PROOF_BYTES) throw new BrokerError('proof.too_large');
  if (!proof.startsWith(STS_PROOF_PREFIX)) throw new BrokerError('proof.bad_prefix');
  const body = proof.slice(STS_PROOF_PREFIX.length);
  // Length ≡ 1 (mod 4) cannot come from any byte string; Buffer would silently drop the tail.
  if (!BASE64URL.test(body) || body.length % 4 === 1) throw new BrokerError('proof.bad_encoding');
  const bytes = Buffer.from(body, 'base64url');
  // Reject non-canonical encodings (stray bits in the last character): one proof, one spelling.
  if (bytes.toString('base64url') !== body) throw new BrokerError('proof.bad_encoding');
  const url = bytes.toString('latin1');
  if (!URL_CHARACTERS.test(url)) throw new BrokerError('proof.bad_characters');
  return url;
}
