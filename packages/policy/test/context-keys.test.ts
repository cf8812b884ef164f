// `contextKeys`: what a compiled policy says it can read. Callers (the verify authorizer, the
// gateway) build only those keys per request, so the claim must hold for every rule fixture and
// public vector: the same request with its context cut down to those keys decides and explains
// exactly as with the whole context.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  type CompiledPolicy,
  compilePolicy,
  type JsonValue,
  type PolicyRequest,
  PolicyValidationError,
} from '../src/index.ts';
import { loadCases } from './support/cases.ts';
import { toIam, typicalSpecs } from './support/lattice-workload.ts';

function keysOf(policy: CompiledPolicy): string[] {
  assert.ok(policy.contextKeys !== undefined, 'a compiled policy lists its context keys');
  return [...policy.contextKeys].sort();
}

/** The request with only the context keys `policy` says it reads (compared case-insensitively). */
function cutDown(request: PolicyRequest, policy: CompiledPolicy): PolicyRequest {
  const keys = policy.contextKeys!;
  const context: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(request.context ?? {})) {
    if (keys.has(k.toLowerCase())) context[k] = v;
  }
  return { ...request, context: context as PolicyRequest['context'] };
}

function compiles(policy: JsonValue): CompiledPolicy | undefined {
  try {
    return compilePolicy(policy);
  } catch (e) {
    if (e instanceof PolicyValidationError) return undefined;
    throw e;
  }
}

function assertSameOutcome(policy: CompiledPolicy, request: PolicyRequest, name: string): void {
  const cut = cutDown(request, policy);
  assert.equal(policy.evaluate(cut), policy.evaluate(request), name);
  assert.deepEqual(policy.explain(cut), policy.explain(request), name);
}

describe('compiled policy context keys', () => {
  it('lists condition keys and the variables of resources and values, lower-cased, once each', () => {
    const policy = compilePolicy({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: '*',
          Action: 'vpc-lattice-svcs:Invoke',
          Resource:
            // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable
            'arn:aws:vpc-lattice:us-west-2:111122223333:service/svc-1/${aws:PrincipalTag/Team}/*',
          Condition: {
            StringEquals: { 'vpc-lattice-svcs:RequestHeader/X-Tenant': 'acme' },
            // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable
            StringLike: { 'aws:PrincipalTag/owner': '${aws:username}-*' },
            'ForAnyValue:StringEquals': { 'vpc-lattice-svcs:RequestQueryString/mode': 'fast' },
            Null: { 'aws:PrincipalOrgID': 'false' },
            BoolIfExists: { 'AWS:SecureTransport': 'true' },
          },
        },
        {
          Effect: 'Deny',
          Principal: '*',
          Action: '*',
          Resource: '*',
          Condition: { StringEquals: { 'vpc-lattice-svcs:requestheader/x-tenant': 'evil' } },
        },
      ],
    });
    assert.deepEqual(keysOf(policy), [
      'aws:principalorgid',
      'aws:principaltag/owner',
      'aws:principaltag/team',
      'aws:securetransport',
      'aws:username',
      'vpc-lattice-svcs:requestheader/x-tenant',
      'vpc-lattice-svcs:requestquerystring/mode',
    ]);
  });

  it('is empty for a policy without conditions or variables; variables are text before 2012-10-17', () => {
    const grant = {
      Effect: 'Allow',
      Principal: '*',
      Action: '*',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: literal text in a 2008 policy
      Resource: 'arn:aws:vpc-lattice:us-west-2:111122223333:service/svc-1/${aws:username}',
    };
    assert.deepEqual(
      keysOf(compilePolicy({ Version: '2012-10-17', Statement: [{ ...grant, Resource: '*' }] })),
      [],
    );
    assert.deepEqual(keysOf(compilePolicy({ Version: '2008-10-17', Statement: [grant] })), []);
    assert.deepEqual(keysOf(compilePolicy({ Version: '2012-10-17', Statement: [grant] })), [
      'aws:username',
    ]);
  });

  it('the typical Lattice policy reads eight keys, and no header or query string', () => {
    assert.deepEqual(keysOf(compilePolicy(toIam(typicalSpecs()))), [
      'aws:principalarn',
      'aws:principalorgid',
      'aws:principaltag/role',
      'aws:principaltag/team',
      'aws:principaltag/x509san/uri',
      'aws:principaltype',
      'aws:sourceip',
      'vpc-lattice-svcs:requestmethod',
    ]);
  });

  it('a context cut down to them decides and explains every rule fixture the same', () => {
    let checked = 0;
    for (const c of loadCases()) {
      const policy = compiles(c.policy);
      if (policy === undefined) continue;
      assertSameOutcome(policy, c.request, `${c.file}: ${c.name}`);
      checked++;
    }
    assert.ok(checked >= 100, `${checked} fixtures checked`);
  });

  it('a context cut down to them decides and explains every public vector the same', () => {
    const shared = new URL('../../../../shared/vectors/policy-public.json', import.meta.url);
    const source = existsSync(shared)
      ? shared
      : new URL('./fixtures/policy-public.json', import.meta.url);
    const vectors = JSON.parse(readFileSync(source, 'utf8')) as {
      name: string;
      policy: JsonValue;
      request: PolicyRequest;
    }[];
    for (const v of vectors) {
      const policy = compiles(v.policy);
      if (policy !== undefined) assertSameOutcome(policy, v.request, v.name);
    }
  });
});
