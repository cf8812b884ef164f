// The STS or the KMS emulator of @rolegate/testkit alone in its own process, so a hang or a
// throttle in it is a real remote party's misbehaviour, not a stall of the runner's event loop.
// Usage: emulator-process.ts sts|kms <identities.json> [port]
// Prints {url, region?, keys?} once listening. The runner drives the fault knobs over IPC:
//   {id, faults: {...}}             replaces the knobs (StsFaults / KmsFaults)
//   {id, denySign: alias, deny}     KMS only: a key policy denying kms:Sign, or lifting the deny
// and each message is acknowledged with {id}, so a fault window starts when the fault is on.
import { readFileSync } from 'node:fs';
import {
  type KmsFaults,
  type StsFaults,
  type StsIdentity,
  startKmsEmulator,
  startStsEmulator,
} from '@rolegate/testkit';
import { KMS_ALIASES } from '../lib/constants.ts';

interface Control {
  readonly id: number;
  readonly faults?: StsFaults & KmsFaults;
  readonly denySign?: string;
  readonly deny?: boolean;
  /** KMS only: a new RSA_2048 key under this alias (the rotation fault's next keys). */
  readonly createKey?: string;
}

const [kind, identitiesFile, port] = process.argv.slice(2) as [string, string, string?];
const identities = JSON.parse(readFileSync(identitiesFile, 'utf8')) as {
  sts: StsIdentity[];
  kms: StsIdentity;
};

// The emulators read the very object they hold on every request: mutate it, never replace it.
function replaceKnobs(target: object, source: object): void {
  for (const key of Object.keys(target)) delete (target as Record<string, unknown>)[key];
  Object.assign(target, source);
}

let apply: (message: Control) => void | Promise<void>;
let close: () => Promise<void>;
if (kind === 'sts') {
  const sts = await startStsEmulator({ identities: identities.sts, port: Number(port ?? 0) });
  apply = (m) => {
    if (m.faults) replaceKnobs(sts.faults, m.faults);
  };
  close = () => sts.close();
  process.stdout.write(`${JSON.stringify({ url: sts.url })}\n`);
} else if (kind === 'kms') {
  const kms = await startKmsEmulator({
    credentials: [identities.kms],
    port: Number(port ?? 0),
  });
  for (const alias of KMS_ALIASES) await kms.createKey('RSA_2048', { aliases: [alias] });
  apply = async (m) => {
    if (m.createKey !== undefined) await kms.createKey('RSA_2048', { aliases: [m.createKey] });
    if (m.faults) replaceKnobs(kms.faults, m.faults);
    if (m.denySign !== undefined) kms.denySign(m.denySign, m.deny ?? true);
  };
  close = () => kms.close();
  process.stdout.write(`${JSON.stringify({ url: kms.url, region: kms.region })}\n`);
} else {
  throw new TypeError(`emulator-process: unknown kind ${kind}`);
}

process.on('message', (message: Control) => {
  void Promise.resolve(apply(message)).then(
    () => process.send?.({ id: message.id }),
    (error: unknown) => process.send?.({ id: message.id, error: String(error) }),
  );
});
process.on('SIGTERM', () => void close().then(() => process.exit(0)));
// The runner is gone (IPC closed): do not linger.
process.on('disconnect', () => void close().then(() => process.exit(0)));
