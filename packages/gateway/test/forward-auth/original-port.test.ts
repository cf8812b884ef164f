// The Port policy key in forward auth is the port the proxy received the request on
// (X-Forwarded-Port, else the scheme's default), as the proxy mode reads its listener's port —
// never the port in the original Host, which the client writes (Traefik and Caddy copy it into
// X-Forwarded-Host, ingress-nginx into X-Original-URL, Envoy sends its :authority).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ForwardAuthRig, startRig, traefik } from './support.ts';

describe('forward auth: the original port', () => {
  let rig: ForwardAuthRig;
  before(async () => {
    // Everything is allowed except what arrives on the proxy's port 8443.
    rig = await startRig(
      { listeners: [{ port: 0 }] },
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
              },
              {
                Effect: 'Deny',
                Principal: '*',
                Action: 'vpc-lattice-svcs:Invoke',
                Resource: '*',
                Condition: { NumericEquals: { 'vpc-lattice-svcs:Port': '8443' } },
              },
            ],
          },
        },
      },
    );
  });
  after(() => rig.close());

  it('a port in the client’s Host does not hide the port the proxy received it on', async () => {
    const answer = await traefik(
      rig.fa[0]!,
      { uri: '/invoices', host: 'billing.example:443' },
      { authorization: `Bearer ${await rig.token()}`, 'x-forwarded-port': '8443' },
    );
    assert.equal(answer.status, 403);
    assert.equal(answer.headers['x-rolegate-error'], 'request.denied');
  });

  it('nor stands in for it when the proxy names none (the scheme’s default)', async () => {
    const answer = await traefik(
      rig.fa[0]!,
      { uri: '/invoices', host: 'billing.example:8443' },
      { authorization: `Bearer ${await rig.token()}` },
    );
    assert.equal(answer.status, 200);
  });

  it('the proxy’s X-Forwarded-Port decides', async () => {
    const answer = await traefik(
      rig.fa[0]!,
      { uri: '/invoices' },
      { authorization: `Bearer ${await rig.token()}`, 'x-forwarded-port': '8443' },
    );
    assert.equal(answer.status, 403);
    assert.equal(answer.headers['x-rolegate-error'], 'request.denied');
  });
});
