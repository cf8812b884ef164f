// `npm run soak -- --minutes N` (default 10) or `--seconds N`: the whole system, every party its
// own process on loopback, under traffic and scheduled faults; exits 1 on any unexpected answer,
// broken invariant or fault that could not be injected. docs/reliability.md explains it.
import { parseSoakArgs } from './lib/args.ts';
import { summaryLines } from './report/markdown.ts';
import { passed, runSoak } from './runner.ts';

const options = parseSoakArgs(process.argv.slice(2));
process.stdout.write(
  `soak: ${options.durationMs / 1000} s${options.plant ? `, planted fault ${options.plant}` : ''}; report in ${options.outDir}/\n`,
);
const report = await runSoak(options);
process.stdout.write(`${summaryLines(report).join('\n')}\n`);
const ok = passed(report);
process.stdout.write(ok ? 'soak: PASSED\n' : 'soak: FAILED\n');
process.exit(ok ? 0 : 1);
