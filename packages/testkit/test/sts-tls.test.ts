// HTTPS: the emulator's certificate chains to its own fresh CA and names every configured host.
import assert from 'node:assert/strict';
import { get } from 'node:https';
import { after, before, test } from 'node:test';
import { createDevIdentities, type StsEmulator, startStsEmulator } from '../src/index.ts';
import { send } from './support/http.ts';
import { presignGet, SIGNED_AT } from './support/sign.ts';

const [orders] = createDevIdentities() as [ReturnType<typeof createDevIdentities>[number]];
let sts: StsEmulator;

before(async () => {
  sts = await startStsEmulator({
    identities: [orders],
    hosts: ['sts.amazonaws.com', 'sts.eu-west-1.amazonaws.com'],
    tls: true,
    clock: () => SIGNED_AT,
  });
});
after(() => sts.close());

test('serves HTTPS verified with caPem, for a configured host name', async () => {
  assert.match(sts.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.match(sts.caPem ?? '', /^-----BEGIN CERTIFICATE-----/);
  const wire = await presignGet({
    credentials: orders,
    host: 'sts.eu-west-1.amazonaws.com',
    region: 'eu-west-1',
  });
  const answer = await send(sts, wire, { ca: sts.caPem as string });
  assert.equal(answer.status, 200);
});

test('is refused without the CA', async () => {
  const wire = await presignGet({ credentials: orders });
  await assert.rejects(send(sts, wire), (err: NodeJS.ErrnoException) => {
    assert.match(String(err.code), /SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/);
    return true;
  });
});

test('is refused for a host name it does not serve', async () => {
  const wire = await presignGet({ credentials: orders });
  await assert.rejects(
    send(sts, wire, { ca: sts.caPem as string, servername: 'sts.us-west-2.amazonaws.com' }),
    {
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    },
  );
});

test('the certificate also names 127.0.0.1', async () => {
  const url = new URL(sts.url);
  const status = await new Promise<number>((resolve, reject) => {
    // No servername: Node checks the IP address SAN against the connect address.
    get(
      { host: '127.0.0.1', port: Number(url.port), path: '/', ca: sts.caPem, agent: false },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    ).on('error', reject);
  });
  assert.equal(status, 421); // Host 127.0.0.1:PORT is no STS host, but TLS succeeded.
});
