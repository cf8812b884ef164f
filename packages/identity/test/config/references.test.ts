// `${env:NAME}` and `${file:/path}` in config files: resolved once, after YAML and before the
// schema; errors name the option and the reference, never the value; keys are never resolved.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${env:…}` is the syntax under test.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadBrokerConfigFile } from '@rolegate/broker';
import { ConfigError } from '@rolegate/core';
import { z } from 'zod';
import { MAX_REFERENCED_FILE_BYTES, resolveConfigReferences } from '../../src/config/references.ts';
import { loadConfigFile } from '../../src/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'rolegate-refs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const schema = z
  .object({
    name: z.string(),
    nested: z
      .object({ secret: z.string(), list: z.array(z.string()).default([]) })
      .strict()
      .optional(),
    port: z.number().optional(),
  })
  .strict();

let counter = 0;
function load(yaml: string, env: Record<string, string> = {}) {
  const file = join(dir, `c${counter++}.yaml`);
  writeFileSync(file, yaml);
  return loadConfigFile(schema, file, { env });
}

/** The ConfigError's issues, asserting its code. */
function issuesOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    assert.equal(error.code, 'config.invalid');
    return error.issues;
  }
  assert.fail('expected a ConfigError');
}

describe('${env:…} and ${file:…} references', () => {
  it('resolves a whole value and references embedded in a string', () => {
    const secret = join(dir, 'secret.txt');
    writeFileSync(secret, 's3cret\n');
    const config = load(
      `name: \${env:APP_NAME}\nnested:\n  secret: "rediss://:\${file:${secret}}@cache:\${env:PORT_1}/0"\n  list: ["a-\${env:APP_NAME}"]\n`,
      { APP_NAME: 'broker', PORT_1: '6380' },
    );
    assert.equal(config.name, 'broker');
    assert.equal(config.nested?.secret, 'rediss://:s3cret@cache:6380/0');
    assert.deepEqual(config.nested?.list, ['a-broker']);
  });

  it('removes exactly one trailing newline from a file, and reads CRLF the same', () => {
    const two = join(dir, 'two-newlines.txt');
    writeFileSync(two, 'value\n\n');
    assert.equal(load(`name: \${file:${two}}\n`).name, 'value\n');
    const crlf = join(dir, 'crlf.txt');
    writeFileSync(crlf, 'value\r\n');
    assert.equal(load(`name: \${file:${crlf}}\n`).name, 'value');
  });

  it('writes a literal ${ for $${, and leaves a lone $ alone', () => {
    assert.equal(load('name: "$${env:X} costs $5"\n').name, '${env:X} costs $5');
  });

  it('never re-scans a resolved value: a variable holding a reference stays literal', () => {
    const config = load('name: ${env:OUTER}\n', { OUTER: '${env:INNER}', INNER: 'leaked' });
    assert.equal(config.name, '${env:INNER}');
    const file = join(dir, 'holds-ref.txt');
    writeFileSync(file, '${file:/etc/passwd}');
    assert.equal(load(`name: \${file:${file}}\n`).name, '${file:/etc/passwd}');
  });

  it('names the option of an unset variable, and reports every problem at once', () => {
    const issues = issuesOf(() =>
      load('name: ${env:MISSING_ONE}\nnested:\n  secret: x${env:MISSING_TWO}\n'),
    );
    assert.deepEqual(issues, [
      'name: ${env:MISSING_ONE} is not set',
      'nested.secret: ${env:MISSING_TWO} is not set',
    ]);
  });

  it('refuses unreadable, relative, oversized and non-regular files, naming the option', () => {
    const big = join(dir, 'big.txt');
    writeFileSync(big, 'x'.repeat(MAX_REFERENCED_FILE_BYTES + 1));
    const exact = join(dir, 'exact.txt');
    writeFileSync(exact, 'y'.repeat(MAX_REFERENCED_FILE_BYTES));
    assert.equal(load(`name: \${file:${exact}}\n`).name.length, MAX_REFERENCED_FILE_BYTES);
    const missing = join(dir, 'nope.txt');
    const issues = issuesOf(() =>
      load(
        `name: \${file:${missing}}\nnested:\n  secret: \${file:relative.txt}\n  list:\n    - \${file:${big}}\n    - \${file:${dir}}\n`,
      ),
    );
    assert.deepEqual(issues, [
      `name: \${file:${missing}} cannot be read (ENOENT)`,
      'nested.secret: ${file:relative.txt}: the path must be absolute',
      `nested.list.0: \${file:${big}} is larger than ${MAX_REFERENCED_FILE_BYTES} bytes`,
      `nested.list.1: \${file:${dir}} is not a regular file`,
    ]);
  });

  it('refuses a file it may not read', {
    skip: process.getuid?.() === 0 && 'root reads anything',
  }, () => {
    const locked = join(dir, 'locked.txt');
    writeFileSync(locked, 'secret');
    chmodSync(locked, 0o000);
    assert.deepEqual(
      issuesOf(() => load(`name: \${file:${locked}}\n`)),
      [`name: \${file:${locked}} cannot be read (EACCES)`],
    );
  });

  it('refuses bad names, wrongly cased kinds, unclosed references and references in keys', () => {
    const issues = issuesOf(() =>
      load(
        'name: ${env:1BAD}\nnested:\n  secret: ${ENV:X}\n  list: ["${env:X", "${File:/x}"]\n"${env:KEY}": 1\n',
        { X: 'x', KEY: 'port' },
      ),
    );
    assert.equal(issues.length, 5);
    assert.match(issues[0]!, /^name: \$\{env:1BAD\}: a variable name is/);
    assert.match(issues[1]!, /^nested\.secret: \$\{ENV:X\}: write `env` and `file` in lower case/);
    assert.match(issues[2]!, /^nested\.list\.0: a `\$\{env:` or `\$\{file:` without its `\}`/);
    assert.match(issues[3]!, /^nested\.list\.1: \$\{File:\/x\}: write/);
    assert.equal(issues[4], '${env:KEY}: a reference in a key is not allowed');
  });

  it('leaves every other ${…} as it is: IAM policy variables reach the policy byte for byte', () => {
    const policy =
      'arn:aws:s3:::bucket/${aws:PrincipalTag/team}/${aws:username}/${*}${?}${$}/${} ${unclosed';
    assert.equal(load(`name: "${policy}"\n`).name, policy);
    const condition = { StringEquals: { 'aws:ResourceTag/${aws:username}': '${aws:username}' } };
    assert.deepEqual(resolveConfigReferences(condition), { value: condition, problems: [] });
  });

  it('never puts a resolved secret in an error', () => {
    const secretValue = 'hunter2-do-not-print';
    const file = join(dir, 'bad-type.yaml');
    writeFileSync(
      file,
      'issuer: https://broker.example\nloginPolicy: p.json\nlogLevel: ${env:LEVEL}\nreplay:\n  redis:\n    url: ${env:REDIS_URL}\n',
    );
    const error = (() => {
      try {
        loadBrokerConfigFile(
          file,
          {},
          { LEVEL: secretValue, REDIS_URL: `not a url ${secretValue}` },
        );
      } catch (e) {
        return e as ConfigError;
      }
      return assert.fail('expected a ConfigError');
    })();
    assert.equal(error.code, 'config.invalid');
    assert.deepEqual(error.issues.map((i) => i.split(':')[0]).sort(), [
      'logLevel',
      'replay.redis.url',
    ]);
    assert.ok(!error.message.includes(secretValue), error.message);
    assert.ok(!JSON.stringify(error.issues).includes(secretValue));
  });

  it('resolves references in the broker config the broker loads', () => {
    const file = join(dir, 'broker.yaml');
    writeFileSync(
      file,
      'issuer: ${env:ISSUER}\nloginPolicy: p.json\nreplay:\n  redis:\n    url: "rediss://:${env:REDIS_PASSWORD}@cache.example:6380"\n',
    );
    const config = loadBrokerConfigFile(
      file,
      {},
      {
        ISSUER: 'https://broker.example',
        REDIS_PASSWORD: 'pw',
      },
    );
    assert.equal(config.issuer, 'https://broker.example');
    assert.equal(config.replay.redis?.url, 'rediss://:pw@cache.example:6380');
    assert.deepEqual(
      issuesOf(() => loadBrokerConfigFile(file, {}, { ISSUER: 'https://broker.example' })),
      ['replay.redis.url: ${env:REDIS_PASSWORD} is not set'],
    );
  });
});
