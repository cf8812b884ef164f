// IAM Roles Anywhere CreateSession, signed as the service expects (docs/specs/roles-anywhere.md):
// SigV4's canonical request, but signed with the certificate's private key instead of an HMAC
// chain. The algorithm names the key type, the credential scope starts with the certificate's
// serial number in decimal, and the leaf (and any intermediates) travel in signed headers, so
// the service can find the key and build the path before it checks the signature.
import { createHash, type KeyObject, sign, X509Certificate } from 'node:crypto';
import { isLoopback } from '@rolegate/core';
import { encodeRfc3986 } from '../aws-uri-encode.ts';
import { RolegateClientError } from '../errors.ts';

export type RolesAnywhereAlgorithm = 'AWS4-X509-RSA-SHA256' | 'AWS4-X509-ECDSA-SHA256';

export interface CreateSessionInput {
  /** `https://rolesanywhere.<region>.amazonaws.com`, or an emulator's URL. */
  readonly endpoint: string;
  readonly region: string;
  readonly trustAnchorArn: string;
  readonly profileArn: string;
  readonly roleArn: string;
  /** 900–43200; the profile's own maximum applies. Default 3600, as AWS's helper. */
  readonly durationSeconds?: number;
  /** Only when the profile accepts one. */
  readonly roleSessionName?: string;
  /** The leaf, DER. */
  readonly certificate: Uint8Array;
  /** Intermediates, DER, leaf's issuer first. */
  readonly intermediates?: readonly Uint8Array[];
  readonly privateKey: KeyObject;
  /** The signing time; default now. */
  readonly now?: Date;
}

export interface SignedCreateSession {
  readonly url: string;
  readonly method: 'POST';
  /** Lower-case names, as sent. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** What was signed, for debugging and tests; it holds no secret. */
  readonly canonicalRequest: string;
}

export const DEFAULT_SESSION_SECONDS = 3600;
const SERVICE = 'rolesanywhere';
const PATH = '/sessions';
const CONTENT_TYPE = 'application/json';

/** The parts of a CreateSession request that do not need the key: what the service recomputes. */
export interface CreateSessionCanonical {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly canonicalRequest: string;
  readonly stringToSign: string;
  readonly credential: string;
  readonly signedHeaders: string;
  readonly algorithm: RolesAnywhereAlgorithm;
}

/** Builds everything but the signature; `algorithm` comes from the leaf's key type. */
export function canonicalCreateSession(
  input: Omit<CreateSessionInput, 'privateKey'>,
): CreateSessionCanonical {
  const endpoint = parseEndpoint(input.endpoint);
  const leaf = readLeaf(input.certificate);
  const algorithm = algorithmFor(leaf.publicKey);
  const date = amzDate(input.now ?? new Date());
  const query = canonicalQuery({
    profileArn: input.profileArn,
    roleArn: input.roleArn,
    trustAnchorArn: input.trustAnchorArn,
  });
  const body = requestBody(input);
  const headers: Record<string, string> = {
    'content-type': CONTENT_TYPE,
    host: endpoint.host,
    'x-amz-date': date,
    'x-amz-x509': Buffer.from(input.certificate).toString('base64'),
  };
  if (input.intermediates !== undefined && input.intermediates.length > 0) {
    headers['x-amz-x509-chain'] = input.intermediates
      .map((der) => Buffer.from(der).toString('base64'))
      .join(',');
  }
  const names = Object.keys(headers).sort();
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    'POST',
    `${endpoint.basePath}${PATH}`,
    query,
    ...names.map((name) => `${name}:${headers[name]}`),
    '',
    signedHeaders,
    sha256Hex(body),
  ].join('\n');
  const scope = `${date.slice(0, 8)}/${input.region}/${SERVICE}/aws4_request`;
  const credential = `${BigInt(`0x${leaf.serialNumber}`).toString(10)}/${scope}`;
  const stringToSign = [algorithm, date, scope, sha256Hex(canonicalRequest)].join('\n');
  return {
    url: `${endpoint.origin}${endpoint.basePath}${PATH}?${query}`,
    headers,
    body,
    canonicalRequest,
    stringToSign,
    credential,
    signedHeaders,
    algorithm,
  };
}

/** A CreateSession request signed with the certificate's key; the key must be the leaf's. */
export function signCreateSessionRequest(input: CreateSessionInput): SignedCreateSession {
  const canonical = canonicalCreateSession(input);
  const data = Buffer.from(canonical.stringToSign);
  // RSA: PKCS#1 v1.5 over SHA-256. ECDSA (P-256 and P-384 alike): SHA-256, DER-encoded (r, s) —
  // not the curve's own hash; the golden P-384 vector verifies with SHA-256 only.
  const signature =
    canonical.algorithm === 'AWS4-X509-RSA-SHA256'
      ? sign('sha256', data, input.privateKey)
      : sign('sha256', data, { key: input.privateKey, dsaEncoding: 'der' });
  return {
    url: canonical.url,
    method: 'POST',
    headers: {
      ...canonical.headers,
      authorization: `${canonical.algorithm} Credential=${canonical.credential}, SignedHeaders=${canonical.signedHeaders}, Signature=${signature.toString('hex')}`,
    },
    body: canonical.body,
    canonicalRequest: canonical.canonicalRequest,
  };
}

function parseEndpoint(value: string): { origin: string; host: string; basePath: string } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(`the endpoint ${JSON.stringify(value)} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw invalid(`the endpoint must be http(s), not ${url.protocol}`);
  // The answer holds the session's secret key: plain HTTP only to this machine (an emulator).
  if (url.protocol === 'http:' && !isLoopback(url.hostname))
    throw invalid('the endpoint must be https (plain http only to a loopback address)');
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '')
    throw invalid('the endpoint must be an origin (and optional path), without query or user');
  // A path prefix (a proxy's mount point) is kept; `/sessions` is appended to it.
  const basePath = url.pathname.replace(/\/+$/, '');
  return { origin: url.origin, host: url.host, basePath };
}

function readLeaf(der: Uint8Array): X509Certificate {
  try {
    return new X509Certificate(der);
  } catch (cause) {
    throw new RolegateClientError(
      'client.certificate_invalid',
      'the certificate is not an X.509 certificate (DER)',
      { cause },
    );
  }
}

function algorithmFor(key: KeyObject): RolesAnywhereAlgorithm {
  if (key.asymmetricKeyType === 'rsa') return 'AWS4-X509-RSA-SHA256';
  if (key.asymmetricKeyType === 'ec') return 'AWS4-X509-ECDSA-SHA256';
  throw new RolegateClientError(
    'client.certificate_invalid',
    `Roles Anywhere signs with RSA or EC keys, not ${key.asymmetricKeyType ?? 'this key type'}`,
  );
}

function requestBody(input: Omit<CreateSessionInput, 'privateKey'>): string {
  const duration = input.durationSeconds ?? DEFAULT_SESSION_SECONDS;
  if (!Number.isInteger(duration) || duration < 900 || duration > 43_200)
    throw invalid('durationSeconds must be a whole number from 900 to 43200');
  for (const [name, value] of [
    ['trustAnchorArn', input.trustAnchorArn],
    ['profileArn', input.profileArn],
    ['roleArn', input.roleArn],
  ] as const) {
    if (typeof value !== 'string' || !value.startsWith('arn:'))
      throw invalid(`${name} must be an ARN`);
  }
  if (!/^[a-z0-9-]{1,32}$/.test(input.region)) throw invalid('region must look like us-east-1');
  // Field order as AWS's helper serialises them, so a request is byte-for-byte the helper's.
  const body: { durationSeconds: number; roleSessionName?: string } = { durationSeconds: duration };
  if (input.roleSessionName !== undefined) {
    // sts:AssumeRole's RoleSessionName rule: 2–64 of [\w+=,.@-].
    if (!/^[\w+=,.@-]{2,64}$/.test(input.roleSessionName))
      throw invalid('roleSessionName must be 2-64 characters of letters, digits and +=,.@_-');
    body.roleSessionName = input.roleSessionName;
  }
  return JSON.stringify(body);
}

function canonicalQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .sort()
    .map((key) => `${encodeRfc3986(key)}=${encodeRfc3986(params[key]!)}`)
    .join('&');
}

function amzDate(date: Date): string {
  if (Number.isNaN(date.getTime())) throw invalid('now must be a valid date');
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function invalid(message: string): RolegateClientError {
  return new RolegateClientError('client.invalid_option', message);
}
