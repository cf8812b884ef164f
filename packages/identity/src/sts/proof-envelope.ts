// Step 1 of proof validation: the `rgsts1.` envelope — `rgsts1.<base64url of the presigned URL>`,
// optionally followed by `.<nonce>`: the value of the signed `x-rolegate-nonce` header, which makes
// two proofs of one key made in the same second two proofs (SigV4 is deterministic). Everything
// here runs before any parsing of the URL, on bounded input.
import { IdentityError } from '../errors.ts';

export const STS_PROOF_PREFIX = 'rgsts1.';
export const MAX_PROOF_BYTES = 8 * 1024;

const BASE64URL = /^[A-Za-z0-9_-]+$/;
// Printable ASCII without space: a URL needs nothing else, and this shuts out CR/LF, NUL, tabs,
// and look-alike Unicode in one test.
const URL_CHARACTERS = /^[\x21-\x7e]+$/;

/** 128 to 384 random bits in base64url: enough to be unique, short enough to stay a header. */
const NONCE = /^[A-Za-z0-9_-]{22,64}$/;

export interface ProofEnvelope {
  /** The presigned URL text. */
  readonly url: string;
  /** The `x-rolegate-nonce` value the URL's signature covers; absent in the older form. */
  readonly nonce: string | undefined;
}

/** Decodes the envelope into the presigned URL text and the nonce. */
export function openProofEnvelope(proof: string): ProofEnvelope {
  if (proof.length > MAX_PROOF_BYTES) throw new IdentityError('proof.too_large');
  if (!proof.startsWith(STS_PROOF_PREFIX)) throw new IdentityError('proof.bad_prefix');
  const rest = proof.slice(STS_PROOF_PREFIX.length);
  const dot = rest.indexOf('.');
  const body = dot < 0 ? rest : rest.slice(0, dot);
  const nonce = dot < 0 ? undefined : rest.slice(dot + 1);
  if (nonce !== undefined && !NONCE.test(nonce)) throw new IdentityError('proof.bad_nonce');
  // Length ≡ 1 (mod 4) cannot come from any byte string; Buffer would silently drop the tail.
  if (!BASE64URL.test(body) || body.length % 4 === 1) throw new IdentityError('proof.bad_encoding');
  const bytes = Buffer.from(body, 'base64url');
  // Reject non-canonical encodings (stray bits in the last character): one proof, one spelling.
  if (bytes.toString('base64url') !== body) throw new IdentityError('proof.bad_encoding');
  const url = bytes.toString('latin1');
  if (!URL_CHARACTERS.test(url)) throw new IdentityError('proof.bad_characters');
  return { url, nonce };
}
