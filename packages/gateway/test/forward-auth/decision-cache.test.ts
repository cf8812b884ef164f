// Caching by the proxy: an Allow for a bearer token may be kept (Cache-Control private, max-age,
// and nginx's X-Accel-Expires) only while the token lives, within the configured bound, and only
// when the policies read nothing the proxy's cache key leaves out; everything else is no-store.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ForwardAuthRig, startRig, traefik } from './support.ts';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('forward auth decision caching', () => {
  let rig: ForwardAuthRig;
  let sourceIpRig: ForwardAuthRig;
  let off: ForwardAuthRig;
  before(async () => {
    rig = await startRig({ listeners: [{ port: 0 }], decisionCacheSeconds: 60 });
    // A network policy that reads the caller's address: the cache key does not hold it.
    sourceIpRig = await startRig(
      { listeners: [{ port: 0 }], decisionCacheSeconds: 60 },
      {
        serviceNetwork: {
          policy: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: '*',
                Action: 'vpc-lattice-svcs:Invoke',
                Resource: '*',
                Condition: { IpAddress: { 'aws:SourceIp': ['0.0.0.0/0', '::/0'] } },
              },
            ],
          },
        },
      },
    );
    off = await startRig({ listeners: [{ port: 0 }] });
  });
  after(async () => {
    await rig.close();
    await sourceIpRig.close();
    await off.close();
  });

  it('caches an Allow for the configured bound when the token lives longer', async () => {
    const answer = await traefik(rig.fa[0]!, { uri: '/invoices' }, bearer(await rig.token()));
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['cache-control'], 'private, max-age=60');
    assert.equal(answer.headers['x-accel-expires'], '60');
  });

  it('never past the token’s exp', async () => {
    const exp = Math.floor(Date.now() / 1000) + 20;
    const answer = await traefik(
      rig.fa[0]!,
      { uri: '/invoices' },
      bearer(await rig.token({ exp })),
    );
    assert.equal(answer.status, 200);
    const maxAge = Number(/max-age=(\d+)/.exec(String(answer.headers['cache-control']))?.[1]);
    assert.ok(maxAge <= 20 && maxAge >= 17, String(maxAge));
    assert.equal(answer.headers['x-accel-expires'], String(maxAge));
  });

  it('never for a refusal, an anonymous caller or a pass-through service', async () => {
    const denied = await traefik(rig.fa[0]!, { uri: '/admin/x' }, bearer(await rig.token()));
    assert.equal(denied.status, 403);
    const anonymous = await traefik(rig.fa[0]!, { uri: '/public/x' });
    assert.equal(anonymous.status, 200);
    const open = await traefik(rig.fa[0]!, { uri: '/x', host: 'open.example' });
    assert.equal(open.status, 200);
    for (const answer of [denied, anonymous, open]) {
      assert.equal(answer.headers['cache-control'], 'no-store');
      assert.equal(answer.headers['x-accel-expires'], '0');
    }
  });

  it('never when a policy reads a key outside the cache key (aws:SourceIp)', async () => {
    const answer = await traefik(
      sourceIpRig.fa[0]!,
      { uri: '/invoices' },
      bearer(await sourceIpRig.token()),
    );
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['cache-control'], 'no-store');
  });

  it('never when decisionCacheSeconds is 0 (the default)', async () => {
    const answer = await traefik(off.fa[0]!, { uri: '/invoices' }, bearer(await off.token()));
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['cache-control'], 'no-store');
  });
});
