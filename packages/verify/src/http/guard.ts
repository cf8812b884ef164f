// The one request check every adapter runs, free of any framework: bearer token → verify →
// authorize → allowed, or a Refusal to send. Options are checked when the guard is built, so a
// misconfigured service fails at start-up, not on its first request.
//
// Without `policies` the guard only authenticates: a valid token is required. With `policies`,
// a request without a token is evaluated as `Anonymous` (a policy may let it through, e.g. a
// health check); if the policies do not allow it, the answer is 401 with a challenge, since
// credentials might change the outcome. A token that is present but bad is always 401: a bad
// token is never downgraded to anonymous.

import type { Principal } from '@rolegate/core';
import {
  type AuthorizationResult,
  type AuthorizeOptions,
  type Authorizer,
  createAuthorizer,
  type Policies,
} from '../authorize/authorize.ts';
import type { HttpRequestInfo } from '../authorize/request-info.ts';
import { VerifyError } from '../errors.ts';
import type { Verifier } from '../verifier.ts';
import { bearerToken, isQuotable, type Refusal, refusalFor } from './challenge.ts';

export interface GuardOptions extends AuthorizeOptions {
  /** Required: from `createVerifier`. */
  readonly verifier: Verifier;
  /** Policies (Lattice tiers) to evaluate for every request; absent = authentication only. */
  readonly policies?: Policies;
  /** `realm` of the `WWW-Authenticate` challenge. Default `rolegate`. */
  readonly realm?: string;
  /** Called for every refusal with the precise reason (for logs); must not throw. */
  readonly onRefusal?: (refusal: Refusal) => void;
}

/** What a protected request carries on: who called (null: anonymous) and the decision, if any. */
export interface RolegateAuth {
  readonly principal: Principal | null;
  /** Present when policies were evaluated. */
  readonly authorization: AuthorizationResult | undefined;
}

export type GuardOutcome =
  | { readonly ok: true; readonly auth: RolegateAuth }
  | { readonly ok: false; readonly refusal: Refusal };

/** Answers synchronously when it can (the token's key is held), else with a promise. */
export type Guard = (
  authorizationHeader: string | undefined,
  request: () => HttpRequestInfo,
) => GuardOutcome | Promise<GuardOutcome>;

export function createGuard(options: GuardOptions, who: string): Guard {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${who}: options must be an object`);
  }
  const { verifier, policies, onRefusal } = options;
  if (typeof verifier?.verifyNow !== 'function') {
    throw new TypeError(`${who}: verifier must come from createVerifier`);
  }
  const realm = options.realm ?? 'rolegate';
  if (typeof realm !== 'string' || !isQuotable(realm)) {
    throw new TypeError(`${who}: realm must be printable ASCII without " or \\`);
  }
  if (onRefusal !== undefined && typeof onRefusal !== 'function') {
    throw new TypeError(`${who}: onRefusal must be a function`);
  }
  const authorizer: Authorizer | undefined =
    policies === undefined ? undefined : createAuthorizer(policies, options);

  const refuse = (error: VerifyError): GuardOutcome => {
    const refusal = refusalFor(error, realm);
    onRefusal?.(refusal);
    return { ok: false, refusal };
  };

  const decide = (principal: Principal | null, request: () => HttpRequestInfo): GuardOutcome => {
    if (authorizer === undefined)
      return { ok: true, auth: { principal, authorization: undefined } };
    const authorization = authorizer.authorize(principal, request());
    if (authorization.allowed) return { ok: true, auth: { principal, authorization } };
    return refuse(
      principal === null
        ? new VerifyError('token.missing', `anonymous request: ${authorization.decision}`)
        : new VerifyError('request.denied', `${principal.arn}: ${authorization.decision}`),
    );
  };
  const fail = (error: unknown): GuardOutcome => {
    if (error instanceof VerifyError) return refuse(error);
    throw error;
  };

  // Synchronous whenever the verifier holds the token's key (nearly always): a microtask per
  // request is measurable next to the RSA check this path is budgeted against.
  return function rolegateGuard(header, request) {
    try {
      const token = bearerToken(header);
      if (token === undefined) {
        return authorizer === undefined
          ? refuse(new VerifyError('token.missing'))
          : decide(null, request);
      }
      const verified = verifier.verifyNow(token);
      if (verified instanceof Promise) {
        return verified.then((principal) => decide(principal, request)).catch(fail);
      }
      return decide(verified, request);
    } catch (error) {
      return fail(error);
    }
  };
}
