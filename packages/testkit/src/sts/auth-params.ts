// Pulls the SigV4 authentication parameters out of a request, from the query (presigned URL) or
// from the Authorization header, with the IncompleteSignature messages AWS gives for malformed
// ones. Nothing here checks a value against a key, a clock or a host: see authenticate.ts.
import { headerValue, type ReceivedRequest } from './received.ts';
import { incomplete, MESSAGES, StsError } from './sts-error.ts';

export interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  terminator: string;
}

export interface AuthParams {
  style: 'query' | 'header';
  algorithm: string;
  /** The raw credential text, `<akid>/<date>/<region>/<service>/aws4_request`. */
  credential: string;
  scope: CredentialScope;
  amzDate: string;
  /** Lower-case header names, in the order the client listed them. */
  signedHeaders: string[];
  signature: string;
  securityToken?: string;
}

const QUERY_REQUIRED = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
] as const;

/** Decides how the request is signed and parses that; a request without any auth is refused. */
export function parseAuth(req: ReceivedRequest, query: URLSearchParams): AuthParams {
  const authorization = headerValue(req, 'authorization');
  if (authorization !== undefined) return parseHeaderAuth(req, authorization);
  if (QUERY_REQUIRED.some((name) => query.has(name))) return parseQueryAuth(query);
  throw new StsError('MissingAuthenticationToken', MESSAGES.missingAuthentication);
}

function parseQueryAuth(query: URLSearchParams): AuthParams {
  const optional = (name: string): string | undefined => {
    const values = query.getAll(name);
    if (values.length > 1) throw incomplete(`Query-string parameter '${name}' is repeated.`);
    return values[0];
  };
  const required = (name: (typeof QUERY_REQUIRED)[number]): string => {
    const value = optional(name);
    if (value !== undefined) return value;
    throw incomplete(
      `AWS query-string parameters must include '${name}'. Re-examine the query-string parameters.`,
    );
  };
  const algorithm = required('X-Amz-Algorithm');
  const credential = required('X-Amz-Credential');
  const amzDate = required('X-Amz-Date');
  const signedHeaders = required('X-Amz-SignedHeaders');
  const signature = required('X-Amz-Signature');
  const token = optional('X-Amz-Security-Token');
  return {
    style: 'query',
    algorithm,
    credential,
    scope: parseCredential(credential),
    amzDate,
    signedHeaders: signedHeaders.split(';'),
    signature,
    ...(token === undefined ? {} : { securityToken: token }),
  };
}

// `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`
function parseHeaderAuth(req: ReceivedRequest, authorization: string): AuthParams {
  const space = authorization.indexOf(' ');
  const algorithm = space === -1 ? authorization : authorization.slice(0, space);
  const fields = new Map<string, string>();
  for (const part of (space === -1 ? '' : authorization.slice(space + 1)).split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq === -1) {
      throw incomplete(
        `'${item}' not a valid key=value pair (missing equal-sign) in Authorization header: ` +
          `'${authorization}'.`,
      );
    }
    const key = item.slice(0, eq);
    // Two values for one name must not let a reader pick one (cf. CVE-2022-2385).
    if (fields.has(key)) throw incomplete(`Authorization header repeats the '${key}' parameter.`);
    fields.set(key, item.slice(eq + 1));
  }
  const missing = ['Credential', 'Signature', 'SignedHeaders'].filter((k) => !fields.has(k));
  const amzDate = headerValue(req, 'x-amz-date');
  const problems = missing.map((k) => `Authorization header requires '${k}' parameter.`);
  if (amzDate === undefined) {
    problems.push(
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    );
  }
  if (problems.length > 0) throw incomplete(`${problems.join(' ')} Authorization=${authorization}`);
  const credential = fields.get('Credential') as string;
  const token = headerValue(req, 'x-amz-security-token');
  return {
    style: 'header',
    algorithm,
    credential,
    scope: parseCredential(credential),
    amzDate: amzDate as string,
    signedHeaders: (fields.get('SignedHeaders') as string).split(';'),
    signature: fields.get('Signature') as string,
    ...(token === undefined ? {} : { securityToken: token }),
  };
}

function parseCredential(credential: string): CredentialScope {
  const parts = credential.split('/');
  if (parts.length !== 5) {
    throw incomplete(
      'Credential must have exactly 5 slash-delimited elements, ' +
        `e.g. keyid/date/region/service/term, got '${credential}'`,
    );
  }
  const [accessKeyId, date, region, service, terminator] = parts as [
    string,
    string,
    string,
    string,
    string,
  ];
  return { accessKeyId, date, region, service, terminator };
}
