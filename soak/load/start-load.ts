// Starts the load generator processes: two of TokenSource callers, one of fresh logins, one of the
// hostile share. Together about 60–80 gateway requests per second on a 2-core machine: enough to
// exercise every path continuously without the generators themselves starving the parties.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tsxArgs } from '../lib/children.ts';
import { KMS_ALIASES, KMS_REGION } from '../lib/constants.ts';
import { Party } from '../parties/party.ts';
import type { Stack } from '../parties/stack.ts';
import type { LoadPlan, LoadRole } from './plan.ts';

const SHARES: readonly { name: string; role: LoadRole; loops: number; pauseMs: number }[] = [
  { name: 'load-clients-1', role: 'clients', loops: 4, pauseMs: 100 },
  { name: 'load-clients-2', role: 'clients', loops: 4, pauseMs: 100 },
  { name: 'load-logins', role: 'logins', loops: 3, pauseMs: 150 },
  { name: 'load-hostile', role: 'hostile', loops: 1, pauseMs: 300 },
];

export interface Load {
  readonly parties: readonly Party[];
  readonly outFiles: readonly string[];
  go(stopAt: number): void;
}

/** Starts the generators; they wait for `go(stopAt)` before sending anything. */
export async function startLoad(stack: Stack, dir: string): Promise<Load> {
  const parties: Party[] = [];
  const outFiles: string[] = [];
  for (const share of SHARES) {
    const plan: LoadPlan = {
      ...share,
      gatewayUrl: stack.gatewayUrl,
      brokerUrls: stack.brokers.map((b) => b.url),
      identitiesFile: stack.identitiesFile,
      workloads: stack.x509.workloads.map((w) => ({ name: w.name, cert: w.cert, key: w.key })),
      kms: { url: stack.kmsUrl, region: KMS_REGION, alias: KMS_ALIASES[0] },
      outFile: join(dir, `${share.name}.ndjson`),
      stopAt: 0,
    };
    const planFile = join(dir, `${share.name}.json`);
    writeFileSync(planFile, JSON.stringify(plan));
    const party = new Party(share.name, { args: tsxArgs('load/loadgen-process.ts', planFile) });
    parties.push(party);
    outFiles.push(plan.outFile);
  }
  await Promise.all(parties.map((p) => p.start()));
  return {
    parties,
    outFiles,
    go: (stopAt) => {
      for (const party of parties) party.child?.process.send?.({ stopAt });
    },
  };
}
