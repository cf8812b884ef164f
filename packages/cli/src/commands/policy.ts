// `rolegate policy check FILE…` and `rolegate policy simulate`: their flags. What they run, and
// @rolegate/policy, are loaded only when one runs: ../actions/policy.ts.
import type { Command } from 'commander';

/** Where the command reads and writes; tests pass their own. */
export interface PolicyCliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readFile: (path: string) => Promise<string>;
  readonly readStdin: () => Promise<string>;
}

export interface CheckOptions {
  json?: boolean;
  maxBytes?: number;
}

export interface SimulateOptions {
  policy: string[];
  request?: string;
  requests?: string;
  json?: boolean;
  explain?: boolean;
  maxBytes?: number;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new TypeError(`not a positive integer: ${value}`);
  return n;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

const actions = () => import('../actions/policy.ts');

/** Adds `policy check` and `policy simulate` to the program; `io` defaults to the process's. */
export function registerPolicyCommand(program: Command, io?: PolicyCliIo): Command {
  const policy = program
    .command('policy')
    .description('check IAM-format (VPC Lattice auth) policies and simulate decisions');

  policy
    .command('check')
    .description('validate policy files; exit 1 if any is invalid, listing issues with JSON paths')
    .argument('<files...>', 'policy JSON files')
    .option('--json', 'print one JSON object')
    .option('--max-bytes <n>', 'size limit in bytes (default 10240, Lattice’s limit)', positiveInt)
    .action(async (files: string[], opts: CheckOptions) => {
      const { defaultIo, runCheck } = await actions();
      await runCheck(io ?? defaultIo, files, opts);
    });

  policy
    .command('simulate')
    .description('evaluate a request against policies; several --policy flags are tiers')
    .option('--policy <file>', 'policy file (repeat for tiers: each must Allow)', collect, [])
    .option('--request <file>', 'request JSON file, or - for stdin')
    .option('--requests <file>', 'JSON Lines file of requests; prints one JSON line each')
    .option('--json', 'print JSON: {"decision": …}')
    .option('--explain', 'say which statements matched, which decided, and what failed')
    .option('--max-bytes <n>', 'policy size limit in bytes', positiveInt)
    .action(async (opts: SimulateOptions) => {
      const { defaultIo, runSimulate } = await actions();
      await runSimulate(io ?? defaultIo, opts);
    });

  return policy;
}
