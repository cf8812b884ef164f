// A load generator process: runs one share of the traffic (clients, logins or hostile) until the
// plan's stop time and writes every answer as one JSON line to its out file. Its own process, so
// its CPU and memory are its own in the resource samples and the parties' event loops are theirs.
// Usage: loadgen-process.ts <plan.json>
import { createWriteStream } from 'node:fs';
import type { OutcomeRecord } from '../oracle/records.ts';
import { runClients } from './clients.ts';
import { runHostile } from './hostile.ts';
import { runLogins } from './logins.ts';
import { readPlan } from './plan.ts';

const planned = readPlan(process.argv[2]!);
const out = createWriteStream(planned.outFile, { flags: 'a' });
const sink = (record: OutcomeRecord) => {
  out.write(`${JSON.stringify(record)}\n`);
};

const finish = (code: number) => out.end(() => process.exit(code));
process.on('SIGTERM', () => finish(0));
process.on('disconnect', () => finish(0));
process.stdout.write(`${JSON.stringify({ ready: planned.name })}\n`);

// Traffic starts when the runner says so (every generator at once, whatever each one's start-up
// took on a busy machine), and stops at the time it gives.
const stopAt = await new Promise<number>((resolve) => {
  process.once('message', (message: { stopAt: number }) => resolve(message.stopAt));
});
const plan = { ...planned, stopAt };
const run = { clients: runClients, logins: runLogins, hostile: runHostile }[plan.role];
run(plan, sink).then(
  () => finish(0),
  (error: unknown) => {
    process.stderr.write(`${plan.name}: ${(error as Error).stack ?? String(error)}\n`);
    finish(1);
  },
);
