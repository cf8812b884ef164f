// The whole STS login: validate the proof offline, refuse replays, let STS confirm it, read the
// answer strictly, cross-check the identity, and only then mark the proof as used. Each step is a
// span under the caller's (rolegate.proof.validate, rolegate.replay.*, STS/GetCallerIdentity).
import { createHash } from 'node:crypto';
import { IdentityError } from '../errors.ts';
import {
  type AwsPrincipal,
  type PrincipalRules,
  principalFromAnswer,
} from '../principal/principal.ts';
import type { ReplayCache } from '../replay/replay-cache.ts';
import { replayOp } from '../replay/replay-op.ts';
import { identityTracer, inSpan } from '../tracing/spans.ts';
import type { StsHost } from './endpoints.ts';
import { MAX_PROOF_AGE_SECONDS } from './proof-rules.ts';
import type { StsCaller } from './sts-caller.ts';
import { callSts } from './sts-span.ts';
import { type ValidatedProof, validateStsProof } from './validate-proof.ts';

export interface StsLoginOptions {
  readonly allowList: ReadonlyMap<string, StsHost>;
  readonly caller: StsCaller;
  readonly replay: ReplayCache;
  readonly loginAudience: string;
  readonly principalRules: PrincipalRules;
  readonly maxFutureSkewSeconds: number;
  readonly now?: () => number;
}

export interface StsLoginResult {
  readonly principal: AwsPrincipal;
  readonly proof: ValidatedProof;
  readonly stsRequestId: string;
}

export class StsLogin {
  readonly #options: StsLoginOptions;
  readonly #now: () => number;

  constructor(options: StsLoginOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  async authenticate(subjectToken: string): Promise<StsLoginResult> {
    const options = this.#options;
    const proof = inSpan(identityTracer, 'rolegate.proof.validate', {}, (span) => {
      if (span.isRecording()) span.setAttribute('rolegate.proof_type', 'aws-sts');
      return validateStsProof(subjectToken, {
        allowList: options.allowList,
        nowSeconds: Math.floor(this.#now() / 1000),
        maxFutureSkewSeconds: options.maxFutureSkewSeconds,
      });
    });
    // The signature is an HMAC over the whole canonical request, so it names this proof uniquely
    // across partitions, accounts and keys.
    const replayKey = `sts:${createHash('sha256').update(proof.signature).digest('base64url')}`;
    if (await replayOp(this.#options.replay, (cache) => cache.seen(replayKey)))
      throw new IdentityError('proof.replayed');

    const answer = await callSts(options.caller, proof, options.loginAudience);
    const principal = principalFromAnswer(answer, proof.endpoint, options.principalRules);

    const holdUntilMs =
      (proof.signedAt + MAX_PROOF_AGE_SECONDS + options.maxFutureSkewSeconds) * 1000;
    // The claim comes after STS, so the account charged for it is the one STS confirmed, never
    // one the caller merely named (docs/specs/replay-quota.md).
    const account = `${principal.partition}:${principal.account}`;
    if (
      !(await replayOp(
        this.#options.replay,
        (cache) => cache.claim(replayKey, holdUntilMs, account),
        'claim',
      ))
    ) {
      throw new IdentityError('proof.replayed', 'lost a race for the same proof');
    }
    return { principal, proof, stsRequestId: answer.requestId };
  }
}
