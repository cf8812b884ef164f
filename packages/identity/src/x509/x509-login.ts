// The whole X.509 login, in the order of docs/specs/x509.md §1: assertion and signature, claims, a
// replay pre-check, path validation and SPIFFE rules, profile — and only when all of that holds,
// the `jti` is claimed (atomically: of two concurrent uses exactly one wins).
import { createHash } from 'node:crypto';
import { IdentityError } from '../errors.ts';
import type { ReplayCache } from '../replay/replay-cache.ts';
import { replayOp } from '../replay/replay-op.ts';
import { identityTracer, inSpan } from '../tracing/spans.ts';
import { type CertificateIdentity, identifyCertificate } from './certificate-identity.ts';
import type { Profiles } from './profiles.ts';
import type { TrustStore } from './trust-store.ts';
import { checkAssertionClaims, verifyAssertionSignature } from './x509-assertion.ts';

export interface CertificateLoginOptions {
  readonly store: TrustStore;
  readonly profiles: Profiles;
  readonly replay: ReplayCache;
  readonly loginAudience: string;
  readonly skewSeconds: number;
  readonly now?: () => number;
}

export class X509Login {
  readonly #options: CertificateLoginOptions;
  readonly #now: () => number;

  constructor(options: CertificateLoginOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  async authenticate(assertion: string): Promise<CertificateIdentity> {
    const options = this.#options;
    const nowMs = this.#now();
    const { leaf, presented, jti, exp } = await inSpan(
      identityTracer,
      'rolegate.proof.validate',
      {},
      async (span) => {
        if (span.isRecording()) span.setAttribute('rolegate.proof_type', 'x509-assertion');
        const verified = await verifyAssertionSignature(assertion);
        const checked = checkAssertionClaims(verified.claims, {
          audience: options.loginAudience,
          nowSeconds: Math.floor(nowMs / 1000),
          skewSeconds: options.skewSeconds,
        });
        return { ...verified, ...checked };
      },
    );
    // jti is unique per signer: keying on the certificate too means nobody can burn the jti
    // values of another workload's future assertions.
    const replayKey = `x509:${createHash('sha256').update(`${leaf.fingerprint}\n${jti}`).digest('base64url')}`;
    if (await replayOp(this.#options.replay, (cache) => cache.seen(replayKey)))
      throw new IdentityError('assertion.replayed');
    const identity = identifyCertificate({
      leaf,
      presented,
      store: options.store,
      profiles: options.profiles,
      clock: { nowMs, skewMs: options.skewSeconds * 1000 },
    });
    const holdUntilMs = (exp + options.skewSeconds) * 1000;
    // Charged to the account of the profile's role: the operator's mapping, after path validation.
    const { partition, account } = identity.principal;
    if (
      !(await replayOp(
        this.#options.replay,
        (cache) => cache.claim(replayKey, holdUntilMs, `${partition}:${account}`),
        'claim',
      ))
    )
      throw new IdentityError('assertion.replayed', 'lost a race for the same assertion');
    return identity;
  }
}
