// The parameters of a CreateSession request, read once and strictly: the three ARNs from the
// query (AWS's helper sends them there; each exactly once, nothing else), and the JSON body
// `{"durationSeconds": N, "roleSessionName": s}` (both optional, nothing else). A parameter sent
// twice, a key the model does not have, or a body that is not strict JSON is refused: a request
// with two readings is never guessed at.
import { type JsonValue, parseJsonStrict } from '@rolegate/core';
import { invalid } from './refusal.ts';

export interface CreateSessionParameters {
  readonly profileArn: string;
  readonly roleArn: string;
  readonly trustAnchorArn: string;
  /** 900–43200 when present. */
  readonly durationSeconds: number | undefined;
  readonly roleSessionName: string | undefined;
}

const QUERY_KEYS = ['profileArn', 'roleArn', 'trustAnchorArn'] as const;
const BODY_KEYS = new Set(['durationSeconds', 'roleSessionName']);
// sts:AssumeRole's RoleSessionName: 2–64 of [\w+=,.@-].
const ROLE_SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/** The query as sent: each name with its decoded values, in order. `+` is a plus, not a space. */
export function readQuery(rawQuery: string): Map<string, string[]> {
  const query = new Map<string, string[]>();
  if (rawQuery === '') return query;
  for (const pair of rawQuery.split('&')) {
    const eq = pair.indexOf('=');
    const [key, value] = eq === -1 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
    let name: string;
    let decoded: string;
    try {
      name = decodeURIComponent(key);
      decoded = decodeURIComponent(value);
    } catch {
      throw invalid('request.bad_query', 'the query string is not valid percent-encoding');
    }
    query.set(name, [...(query.get(name) ?? []), decoded]);
  }
  return query;
}

export function readParameters(
  query: ReadonlyMap<string, readonly string[]>,
  body: Uint8Array,
): CreateSessionParameters {
  for (const [name, values] of query) {
    if (!(QUERY_KEYS as readonly string[]).includes(name))
      throw invalid('request.bad_query', `${name} is not a CreateSession parameter`);
    if (values.length > 1) throw invalid('request.bad_query', `${name} is repeated`);
  }
  const arn = (name: (typeof QUERY_KEYS)[number]): string => {
    const value = query.get(name)?.[0];
    if (value === undefined || !value.startsWith('arn:'))
      throw invalid('request.bad_query', `${name} is required and must be an ARN`);
    return value;
  };
  const { durationSeconds, roleSessionName } = readBody(body);
  return {
    profileArn: arn('profileArn'),
    roleArn: arn('roleArn'),
    trustAnchorArn: arn('trustAnchorArn'),
    durationSeconds,
    roleSessionName,
  };
}

function readBody(
  body: Uint8Array,
): Pick<CreateSessionParameters, 'durationSeconds' | 'roleSessionName'> {
  let doc: JsonValue;
  try {
    doc = parseJsonStrict(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    throw invalid('request.bad_body', 'the body must be a strict JSON object');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw invalid('request.bad_body', 'the body must be a strict JSON object');
  for (const key of Object.keys(doc))
    if (!BODY_KEYS.has(key)) throw invalid('request.bad_body', `${key} is not accepted here`);
  const { durationSeconds, roleSessionName } = doc;
  if (
    durationSeconds !== undefined &&
    (!Number.isInteger(durationSeconds) ||
      (durationSeconds as number) < 900 ||
      (durationSeconds as number) > 43_200)
  )
    throw invalid('request.bad_body', 'durationSeconds must be a whole number from 900 to 43200');
  if (
    roleSessionName !== undefined &&
    (typeof roleSessionName !== 'string' || !ROLE_SESSION_NAME.test(roleSessionName))
  )
    throw invalid(
      'request.bad_body',
      'roleSessionName must be 2-64 of letters, digits and +=,.@_-',
    );
  return {
    durationSeconds: durationSeconds as number | undefined,
    roleSessionName: roleSessionName as string | undefined,
  };
}
