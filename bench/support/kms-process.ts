// The KMS emulator alone in its own process, with a realistic latency on every call, so that the
// broker bench measures the broker's KMS signer rather than the emulator sharing its event loop.
// Usage: kms-process.ts <credentials-json> <latency-ms>; prints {url, region} on its first line.
import { type StsIdentity, startKmsEmulator } from '@rolegate/testkit';

const [credentials, latency] = process.argv.slice(2) as [string, string];
const kms = await startKmsEmulator({ credentials: [JSON.parse(credentials) as StsIdentity] });
await kms.createKey('RSA_2048', { aliases: ['alias/rolegate-bench'] });
kms.faults.latencyMs = Number(latency);
process.stdout.write(`${JSON.stringify({ url: kms.url, region: kms.region })}\n`);
process.on('SIGTERM', () => void kms.close().then(() => process.exit(0)));
