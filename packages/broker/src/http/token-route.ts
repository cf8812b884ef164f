// POST /v1/token — RFC 8693 token exchange. Parameters are read from a strict form body (each at
// most once); the proof is validated and confirmed by STS; the login policy decides; the token is
// signed with the active key.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BrokerError } from '../errors/broker-error.ts';
import type { LoginPolicy } from '../identity/login-policy.ts';
import type { KeyRing } from '../keys/key-ring.ts';
import type { StsLogin } from '../sts/sts-login.ts';
import { buildClaims } from '../token/claims.ts';
import { signToken } from '../token/sign-token.ts';
import type { BrokerMetrics } from './metrics.ts';
import { sendOAuthError, toBrokerError } from './oauth-error.ts';

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const STS_PROOF_TOKEN_TYPE = 'urn:rolegate:token-type:aws-sts-presigned';
export const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt';
const AUDIENCE = /^[\x21-\x7e]{1,512}$/;
const FORM_PARAMETERS = ['grant_type', 'subject_token', 'subject_token_type', 'audience'] as const;
type FormParameter = (typeof FORM_PARAMETERS)[number];

export interface TokenRouteDeps {
  /** Token requests per client IP per minute; 0 = unlimited. */
  readonly rateLimitPerMinute: number;
  readonly issuer: string;
  readonly ttlSeconds: number;
  readonly stsLogin: StsLogin;
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
  app.post('/v1/token', { config }, async (request, reply) => {
    const stopTimer = deps.metrics.tokenDuration.startTimer();
    try {
      const token = await issue(request, deps);
      deps.metrics.tokenRequests.inc({ outcome: 'issued' });
      reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
      return {
        access_token: token,
        issued_token_type: JWT_TOKEN_TYPE,
        token_type: 'Bearer',
        expires_in: deps.ttlSeconds,
      };
    } catch (error) {
      const failure = toBrokerError(error);
      deps.metrics.tokenRequests.inc({ outcome: failure.code });
      const log =
        failure.spec.status >= 500
          ? request.log.error.bind(request.log)
          : request.log.warn.bind(request.log);
      log({ rolegate_code: failure.code, reason: failure.message }, 'token request refused');
      return sendOAuthError(reply, failure);
    } finally {
      stopTimer();
    }
  });
}

async function issue(request: FastifyRequest, deps: TokenRouteDeps): Promise<string> {
  const form = readForm(request.body);
  if (form.grant_type !== TOKEN_EXCHANGE_GRANT)
    throw new BrokerError('request.unsupported_grant_type');
  if (form.subject_token_type !== STS_PROOF_TOKEN_TYPE)
    throw new BrokerError('request.unsupported_token_type');
  if (!AUDIENCE.test(form.audience)) throw new BrokerError('request.invalid_audience');

  const { principal, proof, stsRequestId } = await deps.stsLogin.authenticate(form.subject_token);
  const nowMs = deps.now();
  const allowed = deps.loginPolicy.allows({
    principal,
    audience: form.audience,
    sourceIp: request.ip,
    nowMs,
    secureTransport: request.protocol === 'https',
  });
  request.log.info(
    {
      sts_host: proof.endpoint.host,
      sts_request_id: stsRequestId,
      access_key_id: proof.credential.accessKeyId,
      arn: principal.sessionArn,
      unique_id: principal.uniqueId,
      audience: form.audience,
      allowed,
    },
    'sts login',
  );
  if (!allowed) throw new BrokerError('policy.denied', `${principal.arn} for ${form.audience}`);

  const key = deps.keyRing().active;
  const claims = buildClaims({
    issuer: deps.issuer,
    audience: form.audience,
    principal,
    nowSeconds: Math.floor(nowMs / 1000),
    ttlSeconds: deps.ttlSeconds,
    jti: randomUUID(),
  });
  try {
    return await signToken(claims, key);
  } catch (cause) {
    // The KMS signer already says why, with its own Retry-After.
    if (cause instanceof BrokerError && cause.code === 'broker.signing_unavailable') throw cause;
    throw new BrokerError('broker.signing_unavailable', (cause as Error).message, {
      retryAfterSeconds: 1,
      cause,
    });
  }
}

function readForm(body: unknown): Record<FormParameter, string> {
  if (!(body instanceof URLSearchParams)) throw new BrokerError('request.unsupported_media_type');
  const form = {} as Record<FormParameter, string>;
  for (const name of FORM_PARAMETERS) {
    const values = body.getAll(name);
    if (values.length === 0 || values[0] === '')
      throw new BrokerError('request.missing_parameter', name);
    if (values.length > 1) throw new BrokerError('request.duplicate_parameter', name);
    form[name] = values[0]!;
  }
  return form;
}
