// A role's trust policy (IAM's AssumeRolePolicyDocument), as Roles Anywhere has it evaluated:
// the caller is the service principal `rolesanywhere.amazonaws.com`, which must be allowed
// sts:AssumeRole, sts:TagSession and sts:SetSourceIdentity (AWS's authentication page: the
// policy MUST allow all three), with the certificate's attributes as principal tags and the trust
// anchor as aws:SourceArn.
//
// @rolegate/policy evaluates resource policies whose callers are IAM principals; a Service
// principal never matches there. So the Principal element is decided here, for the one caller
// there is, and the rest — Action, Condition, every operator — is @rolegate/policy's: a statement
// whose Principal (or NotPrincipal) covers the service is handed on with `"Principal": "*"`, one
// that does not is left out. The document as written is compiled too, so a policy IAM would
// refuse (NotPrincipal in an Allow, a bad operator) is refused at start.
import { type JsonValue, parseJsonStrict } from '@rolegate/core';
import { type CompiledPolicy, compilePolicy, PolicyValidationError } from '@rolegate/policy';

export const SERVICE_PRINCIPAL = 'rolesanywhere.amazonaws.com';
export const TRUST_ACTIONS = ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'] as const;
// IAM's role trust policy quota once raised to its maximum (the default is 2,048 characters).
const MAX_TRUST_POLICY_BYTES = 4096;

/** What the service asks for: the role, and the request context of CreateSession. */
export interface TrustRequest {
  readonly roleArn: string;
  readonly context: Readonly<Record<string, string>>;
}

export interface TrustPolicy {
  /** True when every one of TRUST_ACTIONS is allowed. */
  allows(request: TrustRequest): boolean;
}

type JsonObject = { [key: string]: JsonValue };

const isObject = (v: JsonValue | undefined): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Compiles a trust policy, or lists every problem with it (each prefixed with `where`). */
export function compileTrustPolicy(
  source: unknown,
  where: string,
): { policy: TrustPolicy; problems: [] } | { policy?: undefined; problems: string[] } {
  let doc: JsonValue;
  try {
    // An object passed in code goes through JSON too, so it is read exactly as its text would be.
    const text = typeof source === 'string' ? source : JSON.stringify(source);
    if (typeof text !== 'string') throw new TypeError('not JSON');
    doc = parseJsonStrict(text);
  } catch (error) {
    return { problems: [`${where} is not strict JSON: ${(error as Error).message}`] };
  }
  const statements = statementsOf(doc);
  if (statements === undefined) return { problems: [`${where} has no Statement list`] };
  const base = doc as JsonObject;
  const problems: string[] = [];
  statements.forEach((st, i) => {
    for (const key of ['Resource', 'NotResource'])
      if (Object.hasOwn(st, key))
        problems.push(
          `${where}.Statement[${i}] has ${key}: a trust policy has none (IAM refuses it)`,
        );
  });
  const asWritten = compileOrList({ ...base, Statement: statements.map(withResource) }, where);
  problems.push(...asWritten.problems);
  if (problems.length > 0) return { problems };
  const forService = statements.filter(coversService).map((st) => {
    const { NotPrincipal: _dropped, ...rest } = st;
    return withResource({ ...rest, Principal: '*' });
  });
  if (forService.length === 0) return { policy: { allows: () => false }, problems: [] };
  const compiled = compileOrList({ ...base, Statement: forService }, where);
  if (compiled.policy === undefined) return { problems: compiled.problems };
  return { policy: decider(compiled.policy), problems: [] };
}

function decider(policy: CompiledPolicy): TrustPolicy {
  return {
    allows: ({ roleArn, context }) =>
      TRUST_ACTIONS.every(
        (action) =>
          // The caller is a service, not an IAM principal: anonymous to @rolegate/policy, which
          // then reads aws:PrincipalTag/… from the context alone.
          policy.evaluate({ principal: null, action, resource: roleArn, context }) === 'Allow',
      ),
  };
}

function statementsOf(doc: JsonValue): JsonObject[] | undefined {
  if (!isObject(doc)) return undefined;
  const raw = doc['Statement'];
  const list = Array.isArray(raw) ? raw : [raw];
  return list.every(isObject) && list.length > 0 ? (list as JsonObject[]) : undefined;
}

// IAM trust policies never name a Resource: the role they are attached to is the resource.
function withResource(st: JsonObject): JsonObject {
  return { ...st, Resource: '*' };
}

function compileOrList(
  doc: JsonValue,
  where: string,
): { policy?: CompiledPolicy; problems: string[] } {
  try {
    return { policy: compilePolicy(doc, { maxBytes: MAX_TRUST_POLICY_BYTES }), problems: [] };
  } catch (error) {
    if (!(error instanceof PolicyValidationError)) throw error;
    return { problems: error.issues.map((i) => `${where}${i.path.slice(1)}: ${i.message}`) };
  }
}

/** Whether the statement's Principal or NotPrincipal lets it apply to the service. */
function coversService(st: JsonObject): boolean {
  if (Object.hasOwn(st, 'NotPrincipal')) return !names(st['NotPrincipal']);
  return names(st['Principal']);
}

/** Whether a principal element names the service: `*`, `{"AWS": "*"}`, or the service itself. */
function names(element: JsonValue | undefined): boolean {
  if (element === '*') return true;
  if (!isObject(element)) return false;
  const entries = (key: string): JsonValue[] => {
    const v = element[key];
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
  };
  return entries('AWS').includes('*') || entries('Service').includes(SERVICE_PRINCIPAL);
}
