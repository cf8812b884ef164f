// Step 3: the query string, with our own tokenizer. Generic parsers differ on `+`, on empty
// pairs, on repeated names and on case (CVE-2022-2385 came from STS and the verifier reading
// different copies of X-Amz-Credential), so we accept one spelling only.
import { IdentityError } from '../errors.ts';

export const PROOF_PARAMETERS = [
  'Action',
  'Version',
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Security-Token',
  'X-Amz-Signature',
] as const;

export type ProofParameter = (typeof PROOF_PARAMETERS)[number];
export type ProofQuery = Readonly<Partial<Record<ProofParameter, string>>>;

const ALLOWED = new Set<string>(PROOF_PARAMETERS);
// RFC 3986 unreserved characters and percent escapes: what every SigV4 presigner emits. A literal
// `+` (space to some parsers, plus to others) and every other character are refused.
const ENCODED_COMPONENT = /^(?:[A-Za-z0-9\-._~]|%[0-9A-Fa-f]{2})*$/;
// Twice the allowed set: enough to name a duplicate or unknown precisely, still bounded.
const MAX_PAIRS = 2 * PROOF_PARAMETERS.length;

export function parseProofQuery(rawQuery: string): ProofQuery {
  if (rawQuery === '') throw new IdentityError('proof.bad_query', 'empty query');
  const pairs = rawQuery.split('&');
  if (pairs.length > MAX_PAIRS) throw new IdentityError('proof.bad_query', 'too many parameters');
  const seen = new Set<string>();
  const query: Partial<Record<ProofParameter, string>> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new IdentityError('proof.bad_query', 'a parameter has no name or no =');
    const rawName = pair.slice(0, eq);
    const rawValue = pair.slice(eq + 1);
    if (!ENCODED_COMPONENT.test(rawName) || !ENCODED_COMPONENT.test(rawValue)) {
      throw new IdentityError(
        'proof.bad_query',
        'a parameter has characters outside RFC 3986 unreserved',
      );
    }
    const name = decode(rawName);
    const value = decode(rawValue);
    const folded = name.toLowerCase();
    if (seen.has(folded)) throw new IdentityError('proof.duplicate_parameter', `${name} repeated`);
    seen.add(folded);
    if (!ALLOWED.has(name))
      throw new IdentityError('proof.unknown_parameter', `parameter ${JSON.stringify(name)}`);
    query[name as ProofParameter] = value;
  }
  return query;
}

function decode(component: string): string {
  try {
    return decodeURIComponent(component);
  } catch {
    throw new IdentityError('proof.bad_query', 'a percent escape is not valid UTF-8');
  }
}
