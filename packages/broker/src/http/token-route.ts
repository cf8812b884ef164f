// POST /v1/token — RFC 8693 token exchange. Parameters are read from a strict form body (each at
// most once); the subject token is validated by the login its type names (a presigned STS proof
// confirmed by STS, an X.509 assertion, a SPIFFE JWT-SVID, or the TLS client certificate of the
// connection); the login policy decides; the token is signed with the active key.
import { randomUUID } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { AuthMethod } from '@rolegate/core';
import {
  JWT_TOKEN_TYPE,
  STS_PROOF_TOKEN_TYPE,
  TLS_CLIENT_CERTIFICATE_TOKEN_TYPE,
  TOKEN_EXCHANGE_GRANT,
  TOKEN_PATH,
  X509_ASSERTION_TOKEN_TYPE,
} from '@rolegate/core';
import {
  type AwsPrincipal,
  type CertificateAuthenticator,
  type CertificateIdentity,
  type CertificatePrincipal,
  describeName,
  type JwtSvidLogin,
  peerCertificateChain,
  type StsLogin,
  tagValueProblem,
  type X509Login,
} from '@rolegate/identity';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BrokerError } from '../errors/broker-error.ts';
import type { LoginPolicy } from '../identity/login-policy.ts';
import type { KeyRing } from '../keys/key-ring.ts';
import { buildClaims } from '../token/claims.ts';
import { signToken } from '../token/sign-token.ts';
import {
  markTokenRequestFailed,
  traceLogin,
  traceLoginPolicy,
  traceSigning,
  traceTokenRequest,
} from '../tracing/token-spans.ts';
import type { BrokerMetrics } from './metrics.ts';
import { sendOAuthError, toBrokerError } from './oauth-error.ts';
import { noteOutcome } from './request-log.ts';

const AUDIENCE = /^[\x21-\x7e]{1,512}$/;
const FORM_PARAMETERS = ['grant_type', 'subject_token', 'subject_token_type', 'audience'] as const;
type FormParameter = (typeof FORM_PARAMETERS)[number];

export interface TokenRouteDeps {
  /** Token requests per client IP per minute; 0 = unlimited. */
  readonly rateLimitPerMinute: number;
  readonly issuer: string;
  readonly ttlSeconds: number;
  readonly stsLogin: StsLogin;
  /** Absent when the broker has no `x509` configuration: the token type is then unsupported. */
  readonly x509Login?: X509Login;
  readonly jwtSvidLogin?: JwtSvidLogin;
  /** Present when the broker listens with TLS and has an `x509` configuration. */
  readonly tlsLogin?: CertificateAuthenticator;
  readonly loginPolicy: LoginPolicy;
  readonly keyRing: () => KeyRing;
  readonly metrics: BrokerMetrics;
  readonly now: () => number;
}

export function registerTokenRoute(app: FastifyInstance, deps: TokenRouteDeps): void {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 16 * 1024 },
    (_request, body, done) => done(null, new URLSearchParams(body as string)),
  );

  const config: { rateLimit?: { max: number; timeWindow: number } } = {};
  if (deps.rateLimitPerMinute > 0)
    config.rateLimit = { max: deps.rateLimitPerMinute, timeWindow: 60_000 };
  const answer = async (request: FastifyRequest, reply: FastifyReply) => {
    const stopTimer = deps.metrics.tokenDuration.startTimer();
    try {
      const { token, expiresIn } = await issue(request, deps);
      deps.metrics.tokenRequests.inc({ outcome: 'issued' });
      reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
      return {
        access_token: token,
        issued_token_type: JWT_TOKEN_TYPE,
        token_type: 'Bearer',
        expires_in: expiresIn,
      };
    } catch (error) {
      const failure = toBrokerError(error);
      deps.metrics.tokenRequests.inc({ outcome: failure.code });
      const log =
        failure.spec.status >= 500
          ? request.log.error.bind(request.log)
          : request.log.warn.bind(request.log);
      log({ rolegate_code: failure.code, reason: failure.message }, 'token request refused');
      markTokenRequestFailed(failure);
      return sendOAuthError(reply, failure);
    } finally {
      stopTimer();
    }
  };
  app.post(TOKEN_PATH, { config }, (request, reply) =>
    traceTokenRequest(request, reply, TOKEN_PATH, () => answer(request, reply)),
  );
}

interface Login {
  readonly principal: AwsPrincipal;
  readonly method: AuthMethod;
  readonly tags?: Readonly<Record<string, string>>;
  readonly sourceIdentity?: string;
  readonly notAfterMs?: number;
  readonly ttlSeconds: number;
}

async function issue(
  request: FastifyRequest,
  deps: TokenRouteDeps,
): Promise<{ token: string; expiresIn: number }> {
  const form = readForm(request.body);
  // The certificate of the connection is the subject: a token beside it would be a second,
  // ignored credential, and a client that sends one has misunderstood something.
  if (form.subject_token_type === TLS_CLIENT_CERTIFICATE_TOKEN_TYPE) {
    if (form.subject_token !== undefined)
      throw new BrokerError('request.unexpected_parameter', 'subject_token');
  } else if (form.subject_token === undefined) {
    throw new BrokerError('request.missing_parameter', 'subject_token');
  }
  if (form.grant_type !== TOKEN_EXCHANGE_GRANT)
    throw new BrokerError('request.unsupported_grant_type');
  const login = loginFor(form.subject_token_type, deps);
  if (!AUDIENCE.test(form.audience)) throw new BrokerError('request.invalid_audience');

  const who = await traceLogin(form.subject_token_type, () =>
    login(request, form.subject_token ?? '', form.audience),
  );
  const nowMs = deps.now();
  const allowed = traceLoginPolicy(form.audience, () =>
    deps.loginPolicy.allows({
      principal: who.principal,
      audience: form.audience,
      sourceIp: request.ip,
      nowMs,
      secureTransport: request.protocol === 'https',
      tags: who.tags,
      sourceIdentity: who.sourceIdentity,
    }),
  );
  request.log.info(
    { arn: who.principal.sessionArn, audience: form.audience, allowed },
    'login decided',
  );
  noteOutcome(request, { principal: who.principal.sessionArn });
  if (!allowed) throw new BrokerError('policy.denied', `${who.principal.arn} for ${form.audience}`);

  const nowSeconds = Math.floor(nowMs / 1000);
  const claims = buildClaims({
    issuer: deps.issuer,
    audience: form.audience,
    principal: who.principal,
    nowSeconds,
    ttlSeconds: who.ttlSeconds,
    jti: randomUUID(),
    method: who.method,
    tags: who.tags,
    sourceIdentity: who.sourceIdentity,
    notAfterSeconds: who.notAfterMs === undefined ? undefined : Math.floor(who.notAfterMs / 1000),
  });
  // A credential in its last second (or within the clock skew past its end) would give a token
  // that is born expired.
  if (claims.exp <= nowSeconds) {
    throw new BrokerError(
      who.method === 'jwt-svid' ? 'jwt_svid.expired' : 'cert.expired',
      'ends now',
    );
  }
  const key = deps.keyRing().active;
  try {
    const token = await traceSigning(key, () => signToken(claims, key));
    return { token, expiresIn: claims.exp - nowSeconds };
  } catch (cause) {
    // The KMS signer already says why, with its own Retry-After.
    if (cause instanceof BrokerError && cause.code === 'broker.signing_unavailable') throw cause;
    throw new BrokerError('broker.signing_unavailable', (cause as Error).message, {
      retryAfterSeconds: 1,
      cause,
    });
  }
}

type LoginStep = (
  request: FastifyRequest,
  subjectToken: string,
  audience: string,
) => Promise<Login>;

/** The login for a subject_token_type, or `request.unsupported_token_type`. */
function loginFor(tokenType: string, deps: TokenRouteDeps): LoginStep {
  const { x509Login, jwtSvidLogin, tlsLogin } = deps;
  if (tokenType === STS_PROOF_TOKEN_TYPE)
    return (request, token, audience) => stsLogin(request, token, audience, deps);
  if (tokenType === X509_ASSERTION_TOKEN_TYPE && x509Login) {
    return async (request, token, audience) =>
      certificateLogin(request, await x509Login.authenticate(token), audience, deps);
  }
  if (tokenType === TLS_CLIENT_CERTIFICATE_TOKEN_TYPE && tlsLogin) {
    return async (request, _token, audience) => {
      const socket = request.raw.socket as Partial<TLSSocket>;
      // Plain HTTP (or a listener without TLS) has no handshake that proved anything.
      if (socket.encrypted !== true) throw new BrokerError('cert.not_presented', 'not TLS');
      const chain = peerCertificateChain(socket as TLSSocket);
      return certificateLogin(request, tlsLogin.authenticate(chain), audience, deps);
    };
  }
  if (tokenType === JWT_TOKEN_TYPE && jwtSvidLogin) {
    return async (request, token, audience) => {
      const principal = await jwtSvidLogin.authenticate(token);
      request.log.info(
        {
          method: 'jwt-svid',
          trust_source: principal.trustSource,
          profile: principal.profile,
          spiffe_id: principal.spiffeId,
          arn: principal.sessionArn,
          audience,
        },
        'jwt-svid login',
      );
      const reason = tagValueProblem(principal.spiffeId);
      if (reason !== undefined)
        request.log.warn(
          { dropped_tags: [{ key: 'x509SAN/URI', reason }] },
          'certificate tags dropped',
        );
      return certificateLoginFor(principal, deps);
    };
  }
  throw new BrokerError('request.unsupported_token_type');
}

async function stsLogin(
  request: FastifyRequest,
  subjectToken: string,
  audience: string,
  deps: TokenRouteDeps,
): Promise<Login> {
  const { principal, proof, stsRequestId } = await deps.stsLogin.authenticate(subjectToken);
  request.log.info(
    {
      sts_host: proof.endpoint.host,
      sts_request_id: stsRequestId,
      access_key_id: proof.credential.accessKeyId,
      arn: principal.sessionArn,
      unique_id: principal.uniqueId,
      audience,
    },
    'sts login',
  );
  return { principal, method: 'aws-sts', ttlSeconds: deps.ttlSeconds };
}

function certificateLogin(
  request: FastifyRequest,
  identity: CertificateIdentity,
  audience: string,
  deps: TokenRouteDeps,
): Login {
  const { principal, droppedTags, path } = identity;
  const leaf = path[0]!;
  request.log.info(
    {
      method: 'x509',
      trust_source: principal.trustSource,
      profile: principal.profile,
      subject: describeName(leaf.subject),
      issuer: describeName(leaf.issuer),
      serial: principal.sessionName,
      spiffe_id: principal.spiffeId,
      fingerprint: leaf.fingerprint,
      arn: principal.sessionArn,
      audience,
    },
    'x509 login',
  );
  // Tags STS would refuse are left out; which ones, and why, goes to the log (not the value).
  if (droppedTags.length > 0)
    request.log.warn({ dropped_tags: droppedTags }, 'certificate tags dropped');
  return certificateLoginFor(principal, deps);
}

function certificateLoginFor(principal: CertificatePrincipal, deps: TokenRouteDeps): Login {
  return {
    principal,
    method: principal.method,
    tags: principal.tags,
    sourceIdentity: principal.sourceIdentity,
    notAfterMs: principal.notAfterMs,
    ttlSeconds: Math.min(deps.ttlSeconds, principal.profileTtlSeconds ?? deps.ttlSeconds),
  };
}

/** Every parameter at most once and never empty; only `subject_token` may be missing. */
function readForm(
  body: unknown,
): Record<Exclude<FormParameter, 'subject_token'>, string> & { subject_token?: string } {
  if (!(body instanceof URLSearchParams)) throw new BrokerError('request.unsupported_media_type');
  const form = {} as Record<FormParameter, string>;
  for (const name of FORM_PARAMETERS) {
    const values = body.getAll(name);
    if (values.length === 0 && name === 'subject_token') continue;
    if (values.length === 0 || values[0] === '')
      throw new BrokerError('request.missing_parameter', name);
    if (values.length > 1) throw new BrokerError('request.duplicate_parameter', name);
    form[name] = values[0]!;
  }
  return form;
}
