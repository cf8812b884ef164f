// What `rolegate broker --check-config` runs beyond the schema: the checks createBroker makes at
// start that need no network and change nothing on disk — every file the config names is read and
// parsed (login policy, TLS pair, CA bundles, trust sources), and STS overrides must name allowed
// hosts. The key ring is not opened: a first start generates keys or calls KMS.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { buildStsAllowList } from '@rolegate/identity';
import { createLogger } from '../http/logger.ts';
import { LoginPolicy } from '../identity/login-policy.ts';
import { openTrustStore } from '../x509-logins.ts';
import type { BrokerConfig } from './schema.ts';

/** STS override hosts no proof can name: a typo here would send proofs to the real endpoint. */
export function strayStsOverrides(
  sts: BrokerConfig['sts'],
  allowList: { has(host: string): boolean } = allowedStsHosts(sts),
): string[] {
  return Object.keys(sts.endpointOverrides).filter((h) => h !== '*' && !allowList.has(h));
}

function allowedStsHosts(sts: BrokerConfig['sts']): { has(host: string): boolean } {
  return buildStsAllowList({
    partitions: sts.partitions,
    regions: sts.regions,
    global: sts.globalEndpoint,
    fips: sts.fips,
    dualStack: sts.dualStack,
  });
}

/** Every start-up problem of a schema-valid config, one `option: reason` line each. */
export function checkBrokerConfig(config: BrokerConfig): string[] {
  const problems: string[] = [];
  const attempt = (option: string, check: () => unknown) => {
    try {
      check();
    } catch (error) {
      problems.push(`${option}: ${(error as Error).message}`);
    }
  };
  attempt('loginPolicy', () => LoginPolicy.load(config.loginPolicy));
  const tls = config.listen.tls;
  if (tls !== undefined) {
    attempt('listen.tls', () =>
      createSecureContext({ cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }),
    );
  }
  const stsCa = config.sts.caFile;
  if (stsCa !== undefined) attempt('sts.caFile', () => readCaBundle(stsCa));
  const redisCa = config.replay.redis?.caFile;
  if (redisCa !== undefined) {
    attempt('replay.redis.caFile', () => readCaBundle(redisCa));
  }
  attempt('x509', () => openTrustStore(config, createLogger('silent'))?.close());
  for (const host of strayStsOverrides(config.sts)) {
    problems.push(
      `sts.endpointOverrides.${host}: not an allowed STS host (check partitions, regions, fips, dualStack)`,
    );
  }
  return problems;
}

// Node's TLS quietly skips text that is not a certificate, so a CA file with none would pass
// createSecureContext and fail only at the first connection: every PEM block must parse, and
// there must be one.
function readCaBundle(file: string): void {
  const blocks = readFileSync(file, 'utf8').match(
    /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g,
  );
  if (blocks === null) throw new Error(`${file} holds no PEM certificate`);
  for (const block of blocks) new X509Certificate(block);
}
