// Who may obtain a token for which audience: an IAM-format policy evaluated with action
// `rolegate:IssueToken` and the requested audience as the resource. In dev mode with no policy,
// any principal STS authenticated may log in (and the broker warns at start).
import { readFileSync } from 'node:fs';
import type { AwsPrincipal } from '@rolegate/identity';
import { type CompiledPolicy, compilePolicy, type PolicyRequest } from '@rolegate/policy';

export const ISSUE_TOKEN_ACTION = 'rolegate:IssueToken';

export interface LoginRequest {
  readonly principal: AwsPrincipal;
  readonly audience: string;
  readonly sourceIp: string;
  readonly nowMs: number;
  readonly secureTransport: boolean;
  /** Principal tags (certificate logins): `aws:PrincipalTag/<key>`. */
  readonly tags?: Readonly<Record<string, string>>;
  /** `aws:SourceIdentity` (certificate logins). */
  readonly sourceIdentity?: string;
}

export class LoginPolicy {
  readonly #policy: CompiledPolicy | undefined;

  private constructor(policy: CompiledPolicy | undefined) {
    this.#policy = policy;
  }

  /** `source` is a file path or an inline document; undefined only in dev mode (allow any). */
  static load(source: string | Record<string, unknown> | undefined): LoginPolicy {
    if (source === undefined) return new LoginPolicy(undefined);
    const text = typeof source === 'string' ? readFileSync(source, 'utf8') : JSON.stringify(source);
    return new LoginPolicy(
      compilePolicy(text, { name: typeof source === 'string' ? source : 'loginPolicy' }),
    );
  }

  get allowsAnyone(): boolean {
    return this.#policy === undefined;
  }

  allows(request: LoginRequest): boolean {
    if (!this.#policy) return true;
    return this.#policy.evaluate(toPolicyRequest(request)) === 'Allow';
  }
}

export function toPolicyRequest({
  principal,
  audience,
  sourceIp,
  nowMs,
  secureTransport,
  tags = {},
  sourceIdentity,
}: LoginRequest): PolicyRequest {
  const context: Record<string, string> = {
    'aws:PrincipalArn': principal.arn,
    'aws:PrincipalAccount': principal.account,
    'aws:PrincipalType': principal.type,
    'aws:userid': principal.userId,
    'aws:SourceIp': sourceIp,
    'aws:CurrentTime': new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'aws:EpochTime': String(Math.floor(nowMs / 1000)),
    'aws:SecureTransport': String(secureTransport),
  };
  if (principal.type === 'User') context['aws:username'] = principal.name;
  if (principal.sessionName !== undefined) context['rolegate:SessionName'] = principal.sessionName;
  if (sourceIdentity !== undefined) context['aws:SourceIdentity'] = sourceIdentity;
  for (const [key, value] of Object.entries(tags)) context[`aws:PrincipalTag/${key}`] = value;
  return {
    principal: { arn: principal.sessionArn, account: principal.account, tags: { ...tags } },
    action: ISSUE_TOKEN_ACTION,
    resource: audience,
    context,
  };
}
