// Who is calling: the one place that reads the caller's credential. Each kind of credential is its
// own module (jwt-kind.ts, sts-kind.ts behind the CredentialKind interface, chosen by the
// Authorization scheme; x509-kind.ts for the TLS client certificate, read only when there is no
// Authorization header: an explicit credential says who the request is from). The rules hold for
// every kind: no credential at all is an anonymous caller (null); a credential that is present but
// fails is a 401, never an anonymous caller; a scheme no configured kind reads is refused.

import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Principal } from '@rolegate/core';
import { STS_PROOF_PREFIX } from '@rolegate/core';
import { GatewayError } from '../errors/gateway-error.ts';
import type { CertificateKind } from './x509-kind.ts';

/** How the caller proved itself to the gateway. */
export type CredentialKindName = 'jwt' | 'sts' | 'x509';

/** What a service tells a credential kind about itself. */
export interface CredentialAudience {
  /** Accepted token audiences; the first is also the login audience of STS proofs. */
  readonly audiences: ReadonlySet<string>;
  readonly loginAudience: string;
}

export interface CredentialKind {
  readonly name: CredentialKindName;
  /** The Authorization scheme this kind reads, lower case (`bearer`, `rolegate-sts`). */
  readonly scheme: string;
  /**
   * The verified caller, or a GatewayError (401, or 503) thrown or rejected. Synchronous when it
   * can be (a bearer token whose key is held): no microtask on the hot path.
   */
  authenticate(credential: string, service: CredentialAudience): Principal | Promise<Principal>;
  /** Fetches what the kind needs ahead of the first request; resolves false when it could not. */
  warmUp(): Promise<boolean>;
}

export interface Caller {
  readonly kind: CredentialKindName;
  readonly principal: Principal;
  /** The credential as sent, kept only to forward a bearer token when a service asks for it ('' for a certificate). */
  readonly credential: string;
}

/**
 * Whether an Authorization value may carry a presigned STS proof: the `RoleGate-STS` scheme (any
 * case), or `rgsts1.` anywhere in it — under another scheme, after a tab or a comma, a proof would
 * still be redeemable at a broker.
 */
export function isStsProof(authorization: string): boolean {
  return (
    authorization.trimStart().slice(0, 12).toLowerCase() === 'rolegate-sts' ||
    authorization.includes(STS_PROOF_PREFIX)
  );
}

/** `Authorization: <scheme> <one token68>`, split; throws for a header we will not guess about. */
export function splitAuthorization(header: string): { scheme: string; credential: string } {
  const space = header.indexOf(' ');
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const credential = space < 0 ? '' : header.slice(space + 1).trim();
  if (scheme === '' || credential === '' || /\s/.test(credential)) {
    throw new GatewayError(
      scheme === 'bearer' ? 'token.malformed' : 'credential.unsupported_scheme',
      'Authorization needs a scheme and exactly one credential',
    );
  }
  return { scheme, credential };
}

/**
 * The caller of a request: null when it carries no credential (anonymous). `kinds` maps a lower-case
 * scheme to the configured kind; any other scheme is refused. Throws (or rejects) a GatewayError.
 */
export function identifyCaller(
  authorization: string | undefined,
  kinds: ReadonlyMap<string, CredentialKind>,
  service: CredentialAudience,
  socket: Socket,
  certificates: CertificateKind | undefined,
): Caller | null | Promise<Caller> {
  if (authorization === undefined) {
    if (certificates === undefined || (socket as Partial<TLSSocket>).encrypted !== true)
      return null;
    const principal = certificates.identify(socket as TLSSocket, service);
    return principal === null ? null : { kind: 'x509', principal, credential: '' };
  }
  const { scheme, credential } = splitAuthorization(authorization);
  const kind = kinds.get(scheme);
  if (kind === undefined) {
    throw new GatewayError('credential.unsupported_scheme', `scheme ${scheme.slice(0, 32)}`);
  }
  const principal = kind.authenticate(credential, service);
  return principal instanceof Promise
    ? principal.then((p) => ({ kind: kind.name, principal: p, credential }))
    : { kind: kind.name, principal, credential };
}
