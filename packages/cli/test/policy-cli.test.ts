// `rolegate policy check` / `simulate`, run in-process on a fresh Command with in-memory files.

import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { Command } from 'commander';
import { type PolicyCliIo, registerPolicyCommand } from '../src/commands/policy.ts';

const SVC = 'arn:aws:vpc-lattice:us-west-2:111122223333:service/svc-0123456789abcdef0';

const allowGet = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AllowGet',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::444455556666:role/orders-api' },
      Action: 'vpc-lattice-svcs:Invoke',
      Resource: `${SVC}/*`,
      Condition: { StringEquals: { 'vpc-lattice-svcs:RequestMethod': 'GET' } },
    },
  ],
};
const network = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'NetworkAllowSigned',
      Effect: 'Allow',
      Principal: '*',
      Action: 'vpc-lattice-svcs:Invoke',
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:PrincipalType': 'Anonymous' } },
    },
    {
      Sid: 'NetworkDenyAdmin',
      Effect: 'Deny',
      Principal: '*',
      Action: '*',
      Resource: '*/admin/*',
    },
  ],
};

const request = (method: string, path = '/rates') => ({
  principal: {
    arn: 'arn:aws:sts::444455556666:assumed-role/orders-api/i-1',
    account: '444455556666',
    tags: {},
  },
  action: 'vpc-lattice-svcs:Invoke',
  resource: `${SVC}${path}`,
  context: { 'vpc-lattice-svcs:RequestMethod': method, 'aws:PrincipalType': 'AssumedRole' },
});

const FILES: Record<string, string> = {
  'svc.json': JSON.stringify(allowGet, null, 2),
  'net.json': JSON.stringify(network),
  'dup.json': '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Effect":"Deny"}}',
  'wild.json': JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { ...allowGet.Statement[0], Principal: { AWS: 'arn:aws:iam::444455556666:role/o*' } },
    ],
  }),
  // AWS: "NotPrincipal must be used with "Effect":"Deny"" — as an Allow it granted every caller
  // it did not list, anonymous ones included.
  'allow-notprincipal.json': JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        NotPrincipal: { AWS: '444455556666' },
        Action: 'vpc-lattice-svcs:Invoke',
        Resource: `${SVC}/*`,
      },
    ],
  }),
  'get.json': JSON.stringify(request('GET')),
  'post.json': JSON.stringify(request('POST')),
  'bad-request.json': '{"action": 5}',
  'many.jsonl': [
    JSON.stringify(request('GET')),
    '',
    JSON.stringify(request('POST')),
    JSON.stringify(request('GET', '/admin/x')),
    '{"action":"x:y","resource":"r","extra":1}',
  ].join('\n'),
};

async function run(
  args: string[],
  stdin = '',
): Promise<{ out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  const io: PolicyCliIo = {
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
    readFile: async (path) => {
      const text = FILES[path];
      if (text === undefined) throw new Error(`ENOENT: ${path}`);
      return text;
    },
    readStdin: async () => stdin,
  };
  const program = new Command().exitOverride().configureOutput({
    writeOut: (t) => {
      out += t;
    },
    writeErr: (t) => {
      err += t;
    },
  });
  registerPolicyCommand(program, io);
  process.exitCode = undefined;
  await program.parseAsync(args, { from: 'user' });
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { out, err, code };
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('rolegate policy check', () => {
  it('exits 0 for valid policies', async () => {
    const r = await run(['policy', 'check', 'svc.json', 'net.json']);
    assert.equal(r.code, 0);
    assert.match(r.out, /svc\.json: valid \(1 statement\)/);
    assert.match(r.out, /net\.json: valid \(2 statements\)/);
  });

  it('exits 1 and names the JSON path and rule of each issue', async () => {
    const r = await run(['policy', 'check', 'svc.json', 'wild.json', 'dup.json']);
    assert.equal(r.code, 1);
    assert.match(
      r.out,
      /wild\.json: invalid\n {2}\$\.Statement\[0\]\.Principal\.AWS {2}principal\.partial_wildcard/,
    );
    assert.match(r.out, /dup\.json: invalid\n {2}\$\.Statement\.Effect {2}json\.duplicate_key/);
  });

  it('refuses NotPrincipal in an Allow statement at load, naming its path and rule', async () => {
    const r = await run(['policy', 'check', 'allow-notprincipal.json']);
    assert.equal(r.code, 1);
    assert.match(
      r.out,
      /allow-notprincipal\.json: invalid\n {2}\$\.Statement\[0\]\.NotPrincipal {2}statement\.notprincipal_allow/,
    );
  });

  it('exits 1 for an unreadable file', async () => {
    const r = await run(['policy', 'check', 'missing.json']);
    assert.equal(r.code, 1);
    assert.match(r.out, /missing\.json: invalid/);
  });

  it('prints JSON with --json', async () => {
    const r = await run(['policy', 'check', '--json', 'svc.json', 'wild.json']);
    const parsed = JSON.parse(r.out);
    assert.equal(parsed.files[0].valid, true);
    assert.equal(parsed.files[1].valid, false);
    assert.equal(parsed.files[1].issues[0].rule, 'principal.partial_wildcard');
    assert.equal(r.code, 1);
  });

  it('applies --max-bytes', async () => {
    const r = await run(['policy', 'check', '--max-bytes', '100', 'svc.json']);
    assert.equal(r.code, 1);
    assert.match(r.out, /policy\.too_large/);
  });
});

describe('rolegate policy simulate', () => {
  it('decides nothing with a policy that has NotPrincipal in an Allow, and says why', async () => {
    const r = await run([
      'policy',
      'simulate',
      '--policy',
      'allow-notprincipal.json',
      '--request',
      'get.json',
    ]);
    assert.equal(r.code, 1);
    assert.doesNotMatch(r.out, /^Allow/m);
    assert.match(r.out + r.err, /\$\.Statement\[0\]\.NotPrincipal.*statement\.notprincipal_allow/);
  });

  it('prints the decision', async () => {
    assert.equal(
      (await run(['policy', 'simulate', '--policy', 'svc.json', '--request', 'get.json'])).out,
      'Allow\n',
    );
    assert.equal(
      (await run(['policy', 'simulate', '--policy', 'svc.json', '--request', 'post.json'])).out,
      'ImplicitDeny\n',
    );
  });

  it('prints {"decision"} with --json', async () => {
    const r = await run([
      'policy',
      'simulate',
      '--policy',
      'svc.json',
      '--request',
      'get.json',
      '--json',
    ]);
    assert.deepEqual(JSON.parse(r.out), { decision: 'Allow' });
    assert.equal(r.code, 0);
  });

  it('reads the request from stdin with -', async () => {
    const r = await run(
      ['policy', 'simulate', '--policy', 'svc.json', '--request', '-', '--json'],
      JSON.stringify(request('POST')),
    );
    assert.equal(JSON.parse(r.out).decision, 'ImplicitDeny');
  });

  it('treats several --policy flags as tiers: each must Allow, a Deny wins', async () => {
    const both = ['policy', 'simulate', '--policy', 'net.json', '--policy', 'svc.json', '--json'];
    assert.equal(JSON.parse((await run([...both, '--request', 'get.json'])).out).decision, 'Allow');
    assert.equal(
      JSON.parse((await run([...both, '--request', 'post.json'])).out).decision,
      'ImplicitDeny',
    );
  });

  it('explains as JSON: deciding statement and first failure', async () => {
    const r = await run([
      'policy',
      'simulate',
      '--policy',
      'net.json',
      '--policy',
      'svc.json',
      '--request',
      'post.json',
      '--json',
      '--explain',
    ]);
    const e = JSON.parse(r.out);
    assert.equal(e.decision, 'ImplicitDeny');
    assert.equal(e.decidingTier, 1);
    assert.equal(e.tiers[0].decidedBy.sid, 'NetworkAllowSigned');
    assert.equal(e.tiers[1].statements[0].failed.element, 'Condition');
    assert.equal(
      e.tiers[1].statements[0].failed.path,
      '$.Statement[0].Condition.StringEquals["vpc-lattice-svcs:RequestMethod"]',
    );
  });

  it('explains as text', async () => {
    const r = await run([
      'policy',
      'simulate',
      '--policy',
      'svc.json',
      '--request',
      'post.json',
      '--explain',
    ]);
    assert.match(r.out, /^Decision: ImplicitDeny\n/);
    assert.match(r.out, /- \$\.Statement\[0\] Allow AllowGet: Condition failed at/);
  });

  it('evaluates JSON Lines with --requests, one line out per request', async () => {
    const r = await run([
      'policy',
      'simulate',
      '--policy',
      'net.json',
      '--policy',
      'svc.json',
      '--requests',
      'many.jsonl',
    ]);
    const lines = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      lines.map((l) => l.decision ?? l.error.code),
      ['Allow', 'ImplicitDeny', 'ExplicitDeny', 'request.invalid'],
    );
    assert.deepEqual(
      lines.map((l) => l.line),
      [1, 3, 4, 5],
    );
    assert.equal(lines[3].error.path, '$.extra');
    assert.equal(r.code, 1);
  });

  it('exits 1 for an invalid request, naming the path', async () => {
    const r = await run([
      'policy',
      'simulate',
      '--policy',
      'svc.json',
      '--request',
      'bad-request.json',
    ]);
    assert.equal(r.code, 1);
    assert.match(r.err, /\$\.action/);
  });

  it('exits 1 for an invalid policy', async () => {
    const r = await run(['policy', 'simulate', '--policy', 'wild.json', '--request', 'get.json']);
    assert.equal(r.code, 1);
    assert.match(r.err, /principal\.partial_wildcard/);
  });

  it('needs a policy and exactly one of --request / --requests', async () => {
    assert.equal((await run(['policy', 'simulate', '--request', 'get.json'])).code, 1);
    assert.equal((await run(['policy', 'simulate', '--policy', 'svc.json'])).code, 1);
    const both = [
      'policy',
      'simulate',
      '--policy',
      'svc.json',
      '--request',
      'get.json',
      '--requests',
      'many.jsonl',
    ];
    assert.equal((await run(both)).code, 1);
  });
});
