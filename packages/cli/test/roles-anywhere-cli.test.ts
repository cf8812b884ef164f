// `rolegate credential-process` and `serve` end to end, against `rolegate dev`'s Roles Anywhere
// emulator: an SDK configured only through a config file (credential_process) or only through
// AWS_EC2_METADATA_SERVICE_ENDPOINT gets role credentials, STS's GetCallerIdentity names the role
// session, and a broker token bought with them names the role. Failures exit 1 with the cause on
// stderr and nothing on stdout.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromIni, fromInstanceMetadata } from '@aws-sdk/credential-providers';
import { createRootAuthority } from '@rolegate/testkit';
import { decodeJwt } from 'jose';
import { type RunningDev, startDev } from '../src/dev/start-dev.ts';
import { BIN, cleanEnv, NODE_ARGS, runCli } from './support/run-cli.ts';

let stateDir: string;
let dev: RunningDev;

before(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'rolegate-ra-'));
  dev = await startDev({ stateDir, port: 0, logLevel: 'silent' });
});
after(async () => {
  await dev?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

function workload(name: string) {
  return dev.description.x509.workloads.find((w) => w.name === name)!;
}

/** The helper's flags for a dev workload, as AWS's helper spells them. */
function helperFlags(name: string, role = name): string[] {
  const { rolesAnywhere } = dev.description;
  return [
    '--certificate',
    workload(name).cert,
    '--private-key',
    workload(name).key,
    '--trust-anchor-arn',
    rolesAnywhere.trustAnchorArn,
    '--profile-arn',
    rolesAnywhere.profileArn,
    '--role-arn',
    rolesAnywhere.roles[role]!,
    '--endpoint',
    rolesAnywhere.endpoint,
  ];
}

async function callerArn(credentials: {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}): Promise<string | undefined> {
  const sts = new STSClient({
    region: 'us-east-1',
    endpoint: dev.description.sts.url,
    credentials,
    requestHandler: { httpsAgent: new Agent({ ca: readFileSync(dev.description.sts.caFile) }) },
  });
  // The emulator answers for STS's own host names only: the SDK connects to it but names the
  // regional endpoint, as a request to AWS would (the Host header is signed).
  sts.middlewareStack.add(
    (next) => (args) => {
      (args.request as { headers: Record<string, string> }).headers['host'] =
        'sts.us-east-1.amazonaws.com';
      return next(args);
    },
    { step: 'build' },
  );
  try {
    return (await sts.send(new GetCallerIdentityCommand({}))).Arn;
  } finally {
    sts.destroy();
  }
}

describe('rolegate credential-process', () => {
  it('prints credential_process v1 JSON and nothing else; STS names the role session', async () => {
    const res = await runCli(['credential-process', ...helperFlags('orders')]);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stderr, '');
    const printed = JSON.parse(res.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(printed).sort(), [
      'AccessKeyId',
      'Expiration',
      'SecretAccessKey',
      'SessionToken',
      'Version',
    ]);
    assert.equal(printed['Version'], 1);
    assert.ok(Date.parse(printed['Expiration'] as string) > Date.now() + 50 * 60_000);
    // The session is named by the serial in hex, whole bytes (as identity's serialHex).
    const serial = BigInt(
      `0x${new X509Certificate(readFileSync(workload('orders').cert)).serialNumber}`,
    );
    const hex = serial.toString(16);
    const serialHex = hex.length % 2 === 0 ? hex : `0${hex}`;
    assert.equal(
      await callerArn({
        accessKeyId: printed['AccessKeyId'] as string,
        secretAccessKey: printed['SecretAccessKey'] as string,
        sessionToken: printed['SessionToken'] as string,
      }),
      `arn:aws:sts::111122223333:assumed-role/orders/${serialHex}`,
    );
  });

  it('the AWS SDK, configured only by a config file with credential_process, gets them', async () => {
    const configFile = join(stateDir, 'aws-config');
    const command = [
      process.execPath,
      ...NODE_ARGS,
      BIN,
      'credential-process',
      ...helperFlags('reviews'),
    ]
      .map((part) => JSON.stringify(part))
      .join(' ');
    writeFileSync(configFile, `[profile ra-reviews]\ncredential_process = ${command}\n`);
    const credentials = await fromIni({
      profile: 'ra-reviews',
      configFilepath: configFile,
      filepath: '/dev/null',
    })();
    assert.ok(credentials.expiration instanceof Date);
    assert.match(
      (await callerArn(credentials)) ?? '',
      /^arn:aws:sts::111122223333:assumed-role\/reviews\/[0-9a-f]+$/,
    );
  });

  it('a broker token bought with them names the role (rolegate token, SDK env chain)', async () => {
    const res = await runCli(['credential-process', ...helperFlags('orders')]);
    const printed = JSON.parse(res.stdout) as Record<string, string>;
    const token = await runCli(
      ['token', '--broker', dev.description.broker.url, '--audience', 'https://billing.example'],
      {
        env: cleanEnv({
          AWS_ACCESS_KEY_ID: printed['AccessKeyId'],
          AWS_SECRET_ACCESS_KEY: printed['SecretAccessKey'],
          AWS_SESSION_TOKEN: printed['SessionToken'],
          AWS_REGION: 'us-east-1',
        }),
      },
    );
    assert.equal(token.code, 0, token.stderr);
    assert.equal(decodeJwt(token.stdout.trim()).sub, 'arn:aws:iam::111122223333:role/orders');
  });

  it('the same certificate gets the same principal tags from Roles Anywhere as at the broker', async () => {
    const res = await runCli(['credential-process', ...helperFlags('orders')]);
    assert.equal(res.code, 0, res.stderr);
    const session = dev.rolesAnywhere.sessions.at(-1)!;
    const direct = await runCli([
      'token',
      '--dev-workload',
      'orders',
      '--audience',
      'https://billing.example',
      '--state-dir',
      stateDir,
    ]);
    assert.equal(direct.code, 0, direct.stderr);
    const claims = decodeJwt(direct.stdout.trim()) as { rolegate?: { tags?: unknown } };
    assert.equal(session.tags['x509SAN/URI'], 'spiffe://example.org/service/orders');
    assert.deepEqual(claims.rolegate?.tags, session.tags);
  });

  describe('refuses with the cause on stderr, nothing on stdout, exit 1', () => {
    const refused = async (args: string[], code: string, detail?: RegExp) => {
      const res = await runCli(['credential-process', ...args]);
      assert.equal(res.code, 1, res.stderr);
      assert.equal(res.stdout, '');
      assert.match(res.stderr, new RegExp(`^rolegate: ${code.replace('.', '\\.')}: `));
      if (detail) assert.match(res.stderr, detail);
    };

    it('an unreadable certificate file', async () => {
      const flags = helperFlags('orders');
      flags[1] = join(stateDir, 'missing.pem');
      await refused(flags, 'client.file_unreadable', /missing\.pem/);
    });

    it('a key that is not the certificate’s', async () => {
      const flags = helperFlags('orders');
      flags[3] = workload('reviews').key;
      await refused(flags, 'client.key_mismatch');
    });

    it('an expired certificate', async () => {
      const stranger = createRootAuthority().issueLeaf({
        notBefore: new Date(Date.now() - 3 * 86_400_000),
        validityDays: 1,
      });
      const cert = join(stateDir, 'expired.pem');
      const key = join(stateDir, 'expired-key.pem');
      writeFileSync(cert, stranger.pem);
      writeFileSync(key, stranger.key.privateKeyPem, { mode: 0o600 });
      const flags = helperFlags('orders');
      flags[1] = cert;
      flags[3] = key;
      await refused(flags, 'client.certificate_expired');
    });

    it('a role whose trust policy does not admit this SPIFFE ID: the service’s 403 and its type', async () => {
      await refused(
        helperFlags('orders', 'reviews'),
        'client.roles_anywhere_refused',
        /AccessDeniedException/,
      );
    });

    it('nothing listening at the endpoint', async () => {
      const flags = helperFlags('orders');
      const free = createServer();
      await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
      const { port } = free.address() as { port: number };
      await new Promise((resolve) => free.close(resolve));
      flags[flags.length - 1] = `http://127.0.0.1:${port}`;
      await refused(flags, 'client.roles_anywhere_unreachable', /refused/);
    });

    it('a trust anchor ARN that is not one', async () => {
      const flags = helperFlags('orders');
      flags[5] = 'arn:aws:iam::111122223333:role/x';
      await refused(flags, 'cli.invalid_option');
    });
  });
});

describe('rolegate serve', () => {
  let serve: ChildProcess;
  let url: string;

  before(async () => {
    serve = spawn(
      process.execPath,
      [...NODE_ARGS, BIN, 'serve', '--port', '0', ...helperFlags('orders')],
      {
        env: cleanEnv(),
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    url = await new Promise<string>((resolve, reject) => {
      let text = '';
      const timer = setTimeout(() => reject(new Error(`serve did not start: ${text}`)), 20_000);
      serve.stderr!.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const found = /AWS_EC2_METADATA_SERVICE_ENDPOINT=(\S+)/.exec(text);
        if (found) {
          clearTimeout(timer);
          resolve(found[1]!);
        }
      });
      serve.once('exit', (code) => reject(new Error(`serve exited ${code}: ${text}`)));
    });
  });
  after(() => {
    serve?.kill('SIGTERM');
  });

  it('the AWS SDK reads role credentials through AWS_EC2_METADATA_SERVICE_ENDPOINT', async () => {
    const previous = process.env['AWS_EC2_METADATA_SERVICE_ENDPOINT'];
    process.env['AWS_EC2_METADATA_SERVICE_ENDPOINT'] = url;
    try {
      const credentials = await fromInstanceMetadata({ maxRetries: 0, timeout: 5_000 })();
      assert.match(
        (await callerArn(credentials)) ?? '',
        /^arn:aws:sts::111122223333:assumed-role\/orders\/[0-9a-f]+$/,
      );
    } finally {
      if (previous === undefined) delete process.env['AWS_EC2_METADATA_SERVICE_ENDPOINT'];
      else process.env['AWS_EC2_METADATA_SERVICE_ENDPOINT'] = previous;
    }
  });
});

describe('rolegate update', () => {
  it('--once writes the profile, keeps the others, and the SDK reads it back', async () => {
    const file = join(stateDir, 'credentials');
    const other =
      '# kept\n[other]\naws_access_key_id = AKIAOTHER0000000000\naws_secret_access_key = x\n';
    writeFileSync(file, other, { mode: 0o640 });
    const res = await runCli([
      'update',
      '--once',
      '--profile',
      'ra-orders',
      '--credentials-file',
      file,
      ...helperFlags('orders'),
    ]);
    assert.equal(res.code, 0, res.stderr);
    const text = readFileSync(file, 'utf8');
    assert.ok(text.startsWith(other), text);
    assert.equal(statSync(file).mode & 0o777, 0o640);
    const credentials = await fromIni({
      profile: 'ra-orders',
      filepath: file,
      configFilepath: '/dev/null',
    })();
    assert.match(
      (await callerArn(credentials)) ?? '',
      /^arn:aws:sts::111122223333:assumed-role\/orders\/[0-9a-f]+$/,
    );
  });
});
