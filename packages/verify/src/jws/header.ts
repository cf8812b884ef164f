// The JOSE header, read by allow-list: the algorithm must be one the verifier allows, and every
// header that could bring its own key (`jku`, `x5u`, `jwk`, `x5c`) or change how the token is
// processed (`crit`, `b64`, `zip`, `enc`) is refused. Keys come only from the verifier's key set.
// Headers repeat from token to token (one per signing key), so each distinct one is parsed once.

import { VerifyError } from '../errors.ts';
import type { Algorithm } from './algorithms.ts';
import { decodeJsonPart } from './compact.ts';

export interface JoseHeader {
  readonly alg: Algorithm;
  readonly kid?: string;
}

const REFUSED = ['crit', 'jku', 'x5u', 'jwk', 'x5c', 'b64', 'zip', 'enc'] as const;

function readHeader(part: string, allowed: ReadonlySet<string>): JoseHeader {
  const header = decodeJsonPart(part, 'header');
  for (const name of REFUSED) {
    if (Object.hasOwn(header, name)) {
      throw new VerifyError('token.bad_header', `header parameter "${name}" is not accepted`);
    }
  }
  const { alg, kid, typ } = header;
  if (typeof alg !== 'string') throw new VerifyError('token.bad_header', 'alg is missing');
  if (!allowed.has(alg)) {
    throw new VerifyError('token.algorithm_not_allowed', `alg ${JSON.stringify(alg)}`);
  }
  if (kid !== undefined && (typeof kid !== 'string' || kid === '')) {
    throw new VerifyError('token.bad_header', 'kid must be a non-empty string');
  }
  // RFC 7519 §5.1: `typ`, when present, says JWT (media types compare case-insensitively).
  if (typ !== undefined && (typeof typ !== 'string' || typ.toUpperCase() !== 'JWT')) {
    throw new VerifyError('token.bad_header', 'typ must be JWT');
  }
  return kid === undefined ? { alg: alg as Algorithm } : { alg: alg as Algorithm, kid };
}

/** Parses and checks headers, remembering up to `max` distinct good ones. */
export class HeaderReader {
  private readonly seen = new Map<string, JoseHeader>();

  constructor(
    private readonly allowed: ReadonlySet<string>,
    private readonly max = 64,
  ) {}

  read(part: string): JoseHeader {
    let header = this.seen.get(part);
    if (header === undefined) {
      header = readHeader(part, this.allowed);
      // Only good headers are kept, and few signing keys exist: a full map means junk headers
      // signed by nobody are being tried, so start over rather than evict one by one.
      if (this.seen.size >= this.max) this.seen.clear();
      this.seen.set(part, header);
    }
    return header;
  }
}
