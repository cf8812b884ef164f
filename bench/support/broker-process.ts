// The broker alone in its own process, so the benchmark measures its core and not the load
// generator's or the STS emulator's. Usage: broker-process.ts <sts-url> <state-dir> [<kms-json>]
// With <kms-json> ({url, region}), the ring is made from the KMS key alias/rolegate-bench
// (credentials from the environment, as in production: the SDK's default chain).
import { createBroker, parseBrokerConfig } from '@rolegate/broker';

const [stsUrl, stateDir, kmsJson] = process.argv.slice(2) as [string, string, string?];
const kms =
  kmsJson === undefined ? undefined : (JSON.parse(kmsJson) as { url: string; region: string });
const broker = await createBroker(
  parseBrokerConfig({
    issuer: 'http://broker.bench',
    dev: true,
    stateDir,
    listen: { host: '127.0.0.1', port: 0 },
    admin: { host: '127.0.0.1', port: 0 },
    logLevel: 'silent',
    // The load comes from one loopback address: the per-IP limit would measure itself.
    limits: { tokenRequestsPerIpPerMinute: 0 },
    sts: { endpointOverrides: { '*': stsUrl } },
    ...(kms && {
      keys: { kms: { region: kms.region, endpoint: kms.url, active: 'alias/rolegate-bench' } },
    }),
  }),
);
const url = await broker.listen(0);
process.stdout.write(`${JSON.stringify({ url, loginAudience: broker.loginAudience })}\n`);
process.on('SIGTERM', () => void broker.close().then(() => process.exit(0)));
