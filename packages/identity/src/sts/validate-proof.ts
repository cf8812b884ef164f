// Validates an `rgsts1.` proof into pieces the broker trusts, in a fixed order, without any
// network traffic. What comes out is enough to rebuild the request to STS from scratch.
import type { StsHost } from './endpoints.ts';
import { openProofEnvelope } from './proof-envelope.ts';
import { parseProofQuery } from './proof-query.ts';
import { type CheckedProof, checkProofParameters } from './proof-rules.ts';
import { parseProofUrl } from './proof-url.ts';

export interface ValidatedProof extends CheckedProof {
  readonly endpoint: StsHost;
}

export interface ProofValidationOptions {
  readonly allowList: ReadonlyMap<string, StsHost>;
  readonly nowSeconds: number;
  readonly maxFutureSkewSeconds: number;
}

export function validateStsProof(proof: string, options: ProofValidationOptions): ValidatedProof {
  const { url, nonce } = openProofEnvelope(proof);
  const { endpoint, rawQuery } = parseProofUrl(url, options.allowList);
  const query = parseProofQuery(rawQuery);
  const checked = checkProofParameters(
    query,
    endpoint,
    nonce,
    options.nowSeconds,
    options.maxFutureSkewSeconds,
  );
  return { ...checked, endpoint };
}
