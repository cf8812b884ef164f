// The one request check every adapter runs, free of any framework: bearer token → verify →
// authorize → allowed, or a Refusal to send. Options are checked when the guard is built, so a
// misconfigured service fails at start-up, not on its first request.
//
// Without `policies` the guard only authenticates: a valid token is required. With `policies`,
// a request without a token is evaluated as `Anonymous` (a policy may let it through, e.g. a
// health check); if the policies do not allow it, the answer is 401 with a challenge, since
// credentials might change the outcome. A token that is present but bad is always 401: a bad
// token is never downgraded to anonymous.

import {
  type AuthorizationResult,
  type AuthorizeOptions,
  type Authorizer,
  createAuthorizer,
  type Policies,
} from '../authorize/authorize.ts';
import type { HttpRequestInfo } from '../authorize/request-info.ts';
import { VerifyError } from '../errors.ts';
import type { Principal } from '../token/principal.ts';
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

export type Guard = (
  authorizationHeader: string | undefined,
  request: () => HttpRequestInfo,
) => Promise<GuardOutcome>;

export function createGuard(options: GuardOptions, who: string): Guard {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${who}: options must be an object`);
  }
  const { verifier, policies, onRefusal } = options;
  if (typeof verifier?.verify !== 'function') {
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

  return async function rolegateGuard(header, request) {
    let principal: Principal | null = null;
    try {
      const token = bearerToken(header);
      if (token !== undefined) principal = await verifier.verify(token);
      else if (authorizer === undefined) return refuse(new VerifyError('token.missing'));
      if (authorizer === undefined)
        return { ok: true, auth: { principal, authorization: undefined } };
      const authorization = authorizer.authorize(principal, request());
      if (authorization.allowed) return { ok: true, auth: { principal, authorization } };
      return refuse(
        principal === null
          ? new VerifyError('token.missing', `anonymous request: ${authorization.decision}`)
          : new VerifyError('request.denied', `${principal.arn}: ${authorization.decision}`),
      );
    } catch (error) {
      if (error instanceof VerifyError) return refuse(error);
      throw error;
    }
  };
}
