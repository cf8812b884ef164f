// Authenticates one received STS request the way STS does, in a fixed order: parse the auth
// parameters, check algorithm, date and credential scope, the ±15 minute window, the access key
// and session token, then recompute the signature over the request as received. X-Amz-Expires is
// deliberately not checked: STS accepts a presigned GetCallerIdentity for ~15 minutes whatever it
// says. The KMS emulator reuses it with `service: 'kms'` and maps the STS error codes to its own
// (the AWS authentication layer words its messages the same for every service).
import { createHash } from 'node:crypto';
import { type AuthParams, parseAuth } from './auth-params.ts';
import type { StsIdentity } from './identity.ts';
import { headerValue, type ReceivedRequest } from './received.ts';
import { constantTimeEqual, expectedSignature, formatAmzDate, parseAmzDate } from './sigv4.ts';
import { incomplete, invalidToken, MESSAGES, StsError, signatureMismatch } from './sts-error.ts';

/** What authentication needs of a caller's credential; an StsIdentity is one. */
export type SigningCredential = Pick<
  StsIdentity,
  'accessKeyId' | 'secretAccessKey' | 'sessionToken' | 'sessionExpiration'
>;

export interface AuthContext<T extends SigningCredential = StsIdentity> {
  /** The signing region of the (already validated) Host the request was sent to. */
  region: string;
  /** The signing service name the credential scope must carry. Default `sts`. */
  service?: string;
  identityFor(accessKeyId: string): T | undefined;
  now: Date;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const SERVICE = 'sts';
const TERMINATOR = 'aws4_request';
const WINDOW_MS = 15 * 60 * 1000;

export async function authenticate<T extends SigningCredential = StsIdentity>(
  req: ReceivedRequest,
  query: URLSearchParams,
  ctx: AuthContext<T>,
): Promise<T> {
  const auth = parseAuth(req, query);
  if (auth.algorithm !== ALGORITHM) {
    throw incomplete(`Unsupported AWS 'algorithm': '${auth.algorithm}'`);
  }
  const signedAt = parseAmzDate(auth.amzDate);
  if (!signedAt) {
    throw incomplete(
      `Date must be in ISO-8601 'basic format'. Got '${auth.amzDate}'. ` +
        'See http://en.wikipedia.org/wiki/ISO_8601',
    );
  }
  checkScope(auth, ctx.region, ctx.service ?? SERVICE);
  checkWindow(auth.amzDate, signedAt, ctx.now);
  const identity = ctx.identityFor(auth.scope.accessKeyId);
  if (!identity) throw invalidToken();
  checkSessionToken(identity, auth.securityToken, ctx.now);
  if (!auth.signedHeaders.includes('host')) {
    throw incomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  const signedHeaders = collectSignedHeaders(req, auth.signedHeaders);
  checkPayloadHash(signedHeaders, req.body);
  const expected = await expectedSignature(
    {
      method: req.method,
      path: req.path,
      query: queryRecord(query),
      signedHeaders,
      body: req.body,
    },
    {
      accessKeyId: identity.accessKeyId,
      secretAccessKey: identity.secretAccessKey,
      longDate: auth.amzDate,
      region: auth.scope.region,
      service: auth.scope.service,
    },
  );
  if (!constantTimeEqual(expected, auth.signature)) throw signatureMismatch();
  return identity;
}

function checkScope({ scope, amzDate }: AuthParams, region: string, service: string): void {
  if (scope.date !== amzDate.slice(0, 8)) {
    throw new StsError(
      'SignatureDoesNotMatch',
      'Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from ' +
        `HTTP: '${scope.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  if (scope.region !== region) {
    throw new StsError(
      'SignatureDoesNotMatch',
      `Credential should be scoped to a valid region, not '${scope.region}'. `,
    );
  }
  if (scope.service !== service) {
    throw new StsError(
      'SignatureDoesNotMatch',
      `Credential should be scoped to correct service: '${service}'. `,
    );
  }
  if (scope.terminator !== TERMINATOR) {
    throw new StsError(
      'SignatureDoesNotMatch',
      `Credential should be scoped with a valid terminator: '${TERMINATOR}', not '${scope.terminator}'. `,
    );
  }
}

function checkWindow(amzDate: string, signedAt: Date, now: Date): void {
  const earliest = new Date(now.getTime() - WINDOW_MS);
  const latest = new Date(now.getTime() + WINDOW_MS);
  if (signedAt < earliest) {
    throw new StsError(
      'SignatureDoesNotMatch',
      `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(earliest)} ` +
        `(${formatAmzDate(now)} - 15 min.)`,
    );
  }
  if (signedAt > latest) {
    throw new StsError(
      'SignatureDoesNotMatch',
      `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(latest)} ` +
        `(${formatAmzDate(now)} + 15 min.)`,
    );
  }
}

function checkSessionToken(
  identity: SigningCredential,
  token: string | undefined,
  now: Date,
): void {
  if (identity.sessionToken === undefined) {
    // A long-term key sent with some session token: STS cannot match the two.
    if (token !== undefined) throw invalidToken();
    return;
  }
  if (token === undefined || !constantTimeEqual(identity.sessionToken, token)) throw invalidToken();
  const expires = identity.sessionExpiration;
  if (expires !== undefined && Date.parse(expires) <= now.getTime()) {
    throw new StsError('ExpiredToken', MESSAGES.expiredToken);
  }
}

/** The signed headers with their received values; a named header that was not sent fails. */
function collectSignedHeaders(req: ReceivedRequest, names: string[]): Record<string, string> {
  // No prototype: a header or parameter named __proto__ must stay plain data.
  const out: Record<string, string> = Object.create(null);
  for (const name of names) {
    const value = headerValue(req, name);
    if (value === undefined) throw signatureMismatch();
    out[name.toLowerCase()] = value;
  }
  return out;
}

// smithy trusts a signed x-amz-content-sha256 as the payload hash; STS hashes the body it got.
function checkPayloadHash(signedHeaders: Record<string, string>, body: Buffer): void {
  const claimed = signedHeaders['x-amz-content-sha256'];
  if (claimed === undefined) return;
  if (claimed !== createHash('sha256').update(body).digest('hex')) throw signatureMismatch();
}

function queryRecord(query: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  for (const key of new Set(query.keys())) {
    const values = query.getAll(key);
    out[key] = values.length === 1 ? (values[0] as string) : values;
  }
  return out;
}
