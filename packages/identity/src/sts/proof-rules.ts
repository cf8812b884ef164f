// Step 4: the value of every parameter, each against an allow-list, in a fixed order.
import { IdentityError } from '../errors.ts';
import type { StsHost } from './endpoints.ts';
import type { ProofQuery } from './proof-query.ts';

export const AUDIENCE_HEADER = 'x-rolegate-audience';
export const NONCE_HEADER = 'x-rolegate-nonce';
/** X-Amz-SignedHeaders of a proof without, and with, a nonce (SigV4 lists them sorted). */
export const SIGNED_HEADERS = `host;${AUDIENCE_HEADER}`;
export const SIGNED_HEADERS_WITH_NONCE = `host;${AUDIENCE_HEADER};${NONCE_HEADER}`;

/** STS accepts a signature for about 15 minutes whatever X-Amz-Expires says; we accept no longer. */
export const MAX_PROOF_AGE_SECONDS = 15 * 60;

const ACCESS_KEY_ID = /^[A-Z0-9]{16,128}$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const EXPIRES = /^[1-9]\d{0,2}$/;
const SIGNATURE = /^[0-9a-f]{64}$/;
// Session tokens are opaque base64 to us; STS decides whether one is real.
const SECURITY_TOKEN = /^[A-Za-z0-9+/=]{1,8192}$/;

export interface ProofCredential {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
}

export interface CheckedProof {
  readonly credential: ProofCredential;
  /** The signed `x-rolegate-nonce` value, sent to STS with the proof; absent in the older form. */
  readonly nonce: string | undefined;
  /** X-Amz-Date as seconds since the epoch. */
  readonly signedAt: number;
  readonly amzDate: string;
  readonly expires: string;
  readonly signature: string;
  readonly securityToken?: string;
}

export function checkProofParameters(
  query: ProofQuery,
  endpoint: StsHost,
  nonce: string | undefined,
  nowSeconds: number,
  maxFutureSkewSeconds: number,
): CheckedProof {
  const action = required(query, 'Action');
  const version = required(query, 'Version');
  const algorithm = required(query, 'X-Amz-Algorithm');
  const credential = required(query, 'X-Amz-Credential');
  const amzDate = required(query, 'X-Amz-Date');
  const expires = required(query, 'X-Amz-Expires');
  const signedHeaders = required(query, 'X-Amz-SignedHeaders');
  const signature = required(query, 'X-Amz-Signature');
  const securityToken = query['X-Amz-Security-Token'];

  if (action !== 'GetCallerIdentity' || version !== '2011-06-15')
    throw new IdentityError('proof.bad_action');
  if (algorithm !== 'AWS4-HMAC-SHA256') throw new IdentityError('proof.bad_algorithm');
  // The nonce and its signature come together: a nonce the signature does not cover would not make
  // the proof unique, and a signed nonce the envelope does not carry cannot be sent to STS.
  if (signedHeaders === SIGNED_HEADERS_WITH_NONCE) {
    if (nonce === undefined)
      throw new IdentityError('proof.bad_nonce', 'nonce signed but not sent');
  } else if (signedHeaders === SIGNED_HEADERS) {
    if (nonce !== undefined)
      throw new IdentityError('proof.bad_nonce', 'nonce sent but not signed');
  } else {
    throw new IdentityError('proof.audience_not_signed', `signed: ${signedHeaders}`);
  }

  const signedAt = parseAmzDate(amzDate);
  const scope = parseCredentialScope(credential);
  if (scope.date !== amzDate.slice(0, 8)) {
    throw new IdentityError('proof.bad_credential_scope', 'scope date differs from X-Amz-Date');
  }
  if (scope.region !== endpoint.signingRegion) {
    throw new IdentityError(
      'proof.bad_credential_scope',
      `scope region ${scope.region} for ${endpoint.host}`,
    );
  }
  if (!EXPIRES.test(expires) || Number(expires) > 900) throw new IdentityError('proof.bad_expires');
  if (!SIGNATURE.test(signature)) throw new IdentityError('proof.bad_signature_format');
  if (securityToken !== undefined && !SECURITY_TOKEN.test(securityToken)) {
    throw new IdentityError('proof.bad_security_token');
  }
  // STS accepts a signature for 15 minutes whatever X-Amz-Expires says; we also honour a shorter
  // lifetime the signer asked for.
  if (nowSeconds - signedAt > Math.min(MAX_PROOF_AGE_SECONDS, Number(expires)))
    throw new IdentityError('proof.expired');
  if (signedAt - nowSeconds > maxFutureSkewSeconds) throw new IdentityError('proof.not_yet_valid');

  return { credential: scope, nonce, signedAt, amzDate, expires, signature, securityToken };
}

function required(query: ProofQuery, name: keyof ProofQuery): string {
  const value = query[name];
  if (value === undefined) throw new IdentityError('proof.missing_parameter', `${name} missing`);
  return value;
}

function parseAmzDate(value: string): number {
  const m = AMZ_DATE.exec(value);
  if (!m) throw new IdentityError('proof.bad_date');
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  // Date.UTC rolls 20240230 over into March; a real timestamp survives the round trip.
  if (
    back.getUTCFullYear() !== y ||
    back.getUTCMonth() !== mo - 1 ||
    back.getUTCDate() !== d ||
    back.getUTCHours() !== h ||
    back.getUTCMinutes() !== mi ||
    back.getUTCSeconds() !== s
  ) {
    throw new IdentityError('proof.bad_date');
  }
  return ms / 1000;
}

function parseCredentialScope(value: string): ProofCredential {
  const parts = value.split('/');
  if (parts.length !== 5) throw new IdentityError('proof.bad_credential_scope', 'not 5 fields');
  const [accessKeyId = '', date = '', region = '', service = '', terminator = ''] = parts;
  if (!ACCESS_KEY_ID.test(accessKeyId))
    throw new IdentityError('proof.bad_credential_scope', 'access key id');
  if (!/^\d{8}$/.test(date)) throw new IdentityError('proof.bad_credential_scope', 'date');
  if (service !== 'sts' || terminator !== 'aws4_request') {
    throw new IdentityError('proof.bad_credential_scope', 'service or terminator');
  }
  return { accessKeyId, date, region };
}
