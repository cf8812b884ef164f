// The certificate kind's per-connection memory: one validation serves the requests of a
// connection, and is redone after a minute, after a trust reload, and never past the
// certificate's end. The socket is a stand-in exposing what Node's TLSSocket gives
// (`getPeerCertificate(true)`, a linked list of raw certificates); validation is the real one.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { createBrokenSvids, type TestLeaf, writeSpiffeBundle } from '@rolegate/testkit';
import pino from 'pino';
import { createCertificateKind } from '../src/identity/x509-kind.ts';
import { parseGatewayConfig } from '../src/index.ts';

const svids = createBrokenSvids();
const dir = mkdtempSync(join(tmpdir(), 'rolegate-x509-kind-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function socketPresenting(leaf: TestLeaf): TLSSocket {
  type Peer = { raw: Buffer; fingerprint256: string; issuerCertificate?: Peer };
  const peers: Peer[] = leaf.chain.map((c, i) => ({
    raw: Buffer.from(c.der),
    fingerprint256: `fp${i}`,
  }));
  peers.forEach((p, i) => {
    p.issuerCertificate = peers[i + 1] ?? p;
  });
  return { encrypted: true, getPeerCertificate: () => peers[0] } as unknown as TLSSocket;
}

describe('certificate kind', () => {
  const bundleFile = join(dir, 'bundle.json');
  writeFileSync(bundleFile, writeSpiffeBundle({ x509Authorities: svids.anchors }));
  const config = parseGatewayConfig({
    listeners: [{ tls: { certFile: 'c', keyFile: 'k' } }],
    x509: {
      trustDomains: [{ name: svids.trustDomain, bundleFile }],
      profiles: [
        { name: 's', trustDomain: svids.trustDomain, roleArn: 'arn:aws:iam::111122223333:role/w' },
      ],
    },
    services: [{ name: 'a', upstreams: ['http://127.0.0.1:1'], authType: 'NONE' }],
  });
  const service = { audiences: new Set(['aud']), loginAudience: 'aud' };

  it('keeps a validation for the connection, redoes it after a minute, stops at notAfter', () => {
    let clock = Date.now();
    const kind = createCertificateKind(config.x509!, pino({ level: 'silent' }), () => clock);
    try {
      const socket = socketPresenting(svids.valid);
      const first = kind.identify(socket, service);
      assert.ok(first);
      assert.equal(kind.identify(socket, service), first, 'the same connection: no new validation');
      clock += 61_000;
      const second = kind.identify(socket, service);
      assert.notEqual(second, first, 'validated again after a minute');
      assert.deepEqual(second, first);
      clock = svids.valid.notAfter.getTime() + 120_000;
      assert.throws(() => kind.identify(socket, service), { code: 'certificate.invalid' });
    } finally {
      kind.close();
    }
  });

  it('says null for a connection without a certificate', () => {
    const kind = createCertificateKind(config.x509!, pino({ level: 'silent' }));
    try {
      const socket = { encrypted: true, getPeerCertificate: () => ({}) } as unknown as TLSSocket;
      assert.equal(kind.identify(socket, service), null);
    } finally {
      kind.close();
    }
  });
});
