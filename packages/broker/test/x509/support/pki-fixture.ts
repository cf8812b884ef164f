// A complete X.509 / SPIFFE setup for tests: the testkit's broken-certificate catalogues, a JWT-SVID
// issuer, their bundle, CA and CRL files in a temporary folder, and the broker's `x509` config for
// them — with an offline login (no HTTP) over the same configuration.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import {
  type BrokenClientSet,
  type BrokenSvidSet,
  createBrokenClients,
  createBrokenSvids,
  createJwtSvidIssuer,
  type JwtSvidIssuer,
  writeSpiffeBundle,
} from '@rolegate/testkit';
import { MemoryReplayCache } from '../../../../identity/src/replay/replay-cache.ts';
import type { JwtSvidLogin } from '../../../../identity/src/x509/jwt-svid-login.ts';
import type { TrustStore } from '../../../../identity/src/x509/trust-store.ts';
import type { X509Login } from '../../../../identity/src/x509/x509-login.ts';
import { parseBrokerConfig } from '../../../src/config/load-config.ts';
import type { BrokerConfig, BrokerConfigInput } from '../../../src/config/schema.ts';
import { createLogger } from '../../../src/http/logger.ts';
import { openTrustStore, x509Logins } from '../../../src/x509-logins.ts';

export const LOGIN_AUDIENCE = 'https://broker.test';
export const SPIFFE_ROLE = 'arn:aws:iam::111122223333:role/spiffe-workload';
export const PARTNER_ROLE = 'arn:aws:iam::444455556666:role/partner-workload';
export const CORP_ROLE = 'arn:aws:iam::111122223333:role/corp-client';

export type X509ConfigInput = NonNullable<BrokerConfigInput['x509']>;

export interface X509Fixture {
  readonly dir: string;
  readonly svids: BrokenSvidSet;
  readonly clients: BrokenClientSet;
  /** Signs JWT-SVIDs of `example.org`; its key is in that domain's bundle. */
  readonly jwt: JwtSvidIssuer;
  readonly files: {
    readonly bundle: string;
    readonly partnerBundle: string;
    readonly corpCa: string;
    readonly crl: string;
  };
  readonly x509: X509ConfigInput;
  cleanup(): void;
}

export function createX509Fixture(options: { readonly now?: Date } = {}): X509Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-x509-'));
  const svids = createBrokenSvids({ now: options.now });
  const clients = createBrokenClients({ now: options.now, spiffeCa: svids.intermediate });
  const jwt = createJwtSvidIssuer({ trustDomain: svids.trustDomain });
  const files = {
    bundle: join(dir, 'example.org.json'),
    partnerBundle: join(dir, 'partner.test.json'),
    corpCa: join(dir, 'corp-ca.pem'),
    crl: join(dir, 'example.org.crl.pem'),
  };
  writeFileSync(
    files.bundle,
    writeSpiffeBundle({ x509Authorities: svids.anchors, jwtAuthorities: [jwt], sequence: 1 }),
  );
  writeFileSync(files.partnerBundle, writeSpiffeBundle({ x509Authorities: svids.partnerAnchors }));
  writeFileSync(files.corpCa, clients.anchors.map((a) => a.pem).join(''));
  writeFileSync(files.crl, svids.crls.map((c) => c.pem).join(''));
  const x509: X509ConfigInput = {
    clockSkewSeconds: 60,
    trustDomains: [
      { name: svids.trustDomain, bundleFile: files.bundle, crlFiles: [files.crl] },
      { name: svids.partnerTrustDomain, bundleFile: files.partnerBundle },
    ],
    trustAnchors: [{ name: 'corp', caFile: files.corpCa }],
    profiles: [
      { name: 'spiffe', trustDomain: svids.trustDomain, roleArn: SPIFFE_ROLE },
      { name: 'partner', trustDomain: svids.partnerTrustDomain, roleArn: PARTNER_ROLE },
      { name: 'corp', trustAnchor: 'corp', roleArn: CORP_ROLE },
    ],
  };
  return {
    dir,
    svids,
    clients,
    jwt,
    files,
    x509,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface OfflineLogins {
  readonly x509Login: X509Login;
  readonly jwtSvidLogin: JwtSvidLogin;
  readonly store: TrustStore;
  readonly config: BrokerConfig;
  readonly logs: () => string;
}

/** The logins the broker would build from `x509`, without HTTP (a fresh replay cache each time). */
export function offlineLogins(
  x509: X509ConfigInput,
  options: { readonly now?: () => number; readonly ttlSeconds?: number } = {},
): OfflineLogins {
  let text = '';
  const logger = createLogger(
    'info',
    new Writable({
      write(chunk, _encoding, done) {
        text += chunk.toString();
        done();
      },
    }),
  );
  const config = parseBrokerConfig({
    issuer: 'http://broker.test',
    loginAudience: LOGIN_AUDIENCE,
    dev: true,
    x509,
    ...(options.ttlSeconds ? { tokens: { ttlSeconds: options.ttlSeconds } } : {}),
  });
  const store = openTrustStore(config, logger)!;
  const replay = new MemoryReplayCache({ now: options.now });
  const logins = x509Logins(config, store, replay, LOGIN_AUDIENCE, options.now ?? Date.now);
  return {
    x509Login: logins.x509Login!,
    jwtSvidLogin: logins.jwtSvidLogin!,
    store,
    config,
    logs: () => text,
  };
}
