// `rolegate policy check FILE…` and `rolegate policy simulate`: a thin layer over
// @rolegate/policy. Exit codes: 0 = done (every policy valid / every request evaluated, whatever
// the decision), 1 = invalid input (policy, request or unreadable file). process.exitCode is set,
// never process.exit, so output is flushed and the command can run inside tests.

import { readFile } from 'node:fs/promises';
import {
  type CompiledPolicy,
  compilePolicy,
  type Explanation,
  evaluateTiers,
  explainTiers,
  PolicyError,
  type PolicyIssue,
  PolicyValidationError,
  parseJsonStrict,
  parseRequest,
  type TiersExplanation,
} from '@rolegate/policy';
import type { Command } from 'commander';

/** Where the command reads and writes; tests pass their own. */
export interface PolicyCliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readFile: (path: string) => Promise<string>;
  readonly readStdin: () => Promise<string>;
}

const defaultIo: PolicyCliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readFile: (path) => readFile(path, 'utf8'),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

interface CheckOptions {
  json?: boolean;
  maxBytes?: number;
}

interface SimulateOptions {
  policy: string[];
  request?: string;
  requests?: string;
  json?: boolean;
  explain?: boolean;
  maxBytes?: number;
}

function describeIssue(issue: PolicyIssue): string {
  return `  ${issue.path}  ${issue.rule}  ${issue.message}\n`;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Loads one policy file, or returns its issues. */
async function loadPolicy(
  io: PolicyCliIo,
  file: string,
  maxBytes: number | undefined,
): Promise<{ policy: CompiledPolicy } | { issues: readonly PolicyIssue[] }> {
  let text: string;
  try {
    text = await io.readFile(file);
  } catch (e) {
    return {
      issues: [{ path: '$', rule: 'json.syntax', message: `cannot read: ${errorText(e)}` }],
    };
  }
  try {
    const options = maxBytes === undefined ? { name: file } : { name: file, maxBytes };
    return { policy: compilePolicy(text, options) };
  } catch (e) {
    if (e instanceof PolicyValidationError) return { issues: e.issues };
    throw e;
  }
}

async function runCheck(io: PolicyCliIo, files: string[], opts: CheckOptions): Promise<void> {
  const results = [];
  for (const file of files) {
    const r = await loadPolicy(io, file, opts.maxBytes);
    if ('policy' in r) {
      results.push({ file, valid: true, statements: r.policy.size, issues: [] });
      if (!opts.json) {
        const n = r.policy.size;
        io.stdout(`${file}: valid (${n} statement${n === 1 ? '' : 's'})\n`);
      }
    } else {
      results.push({ file, valid: false, issues: r.issues });
      if (!opts.json) io.stdout(`${file}: invalid\n${r.issues.map(describeIssue).join('')}`);
    }
  }
  if (opts.json) io.stdout(`${JSON.stringify({ files: results })}\n`);
  if (results.some((r) => !r.valid)) process.exitCode = 1;
}

function explainText(e: TiersExplanation, names: readonly string[]): string {
  let out = `Decision: ${e.decision}\n`;
  e.tiers.forEach((tier: Explanation, i) => {
    const by = tier.decidedBy;
    const decided = by ? ` — decided by ${by.sid === undefined ? by.path : `Sid "${by.sid}"`}` : '';
    out += `policy ${names[i]}: ${tier.decision}${decided}\n`;
    for (const s of tier.statements) {
      const label = `${s.path} ${s.effect}${s.sid === undefined ? '' : ` ${s.sid}`}`;
      if (s.matched) out += `  + ${label}: matched\n`;
      else
        out += `  - ${label}: ${s.failed?.element} failed at ${s.failed?.path} (${s.failed?.reason})\n`;
    }
  });
  return out;
}

async function runSimulate(io: PolicyCliIo, opts: SimulateOptions): Promise<void> {
  if (opts.policy.length === 0) {
    io.stderr('error: give at least one --policy FILE\n');
    process.exitCode = 1;
    return;
  }
  if ((opts.request === undefined) === (opts.requests === undefined)) {
    io.stderr('error: give exactly one of --request FILE|- and --requests FILE.jsonl\n');
    process.exitCode = 1;
    return;
  }
  const tiers: CompiledPolicy[] = [];
  for (const file of opts.policy) {
    const r = await loadPolicy(io, file, opts.maxBytes);
    if ('issues' in r) {
      io.stderr(`${file}: invalid\n${r.issues.map(describeIssue).join('')}`);
      process.exitCode = 1;
      return;
    }
    tiers.push(r.policy);
  }
  if (opts.requests !== undefined) {
    await runMany(io, tiers, opts);
    return;
  }
  let request: ReturnType<typeof parseRequest>;
  try {
    const text = opts.request === '-' ? await io.readStdin() : await io.readFile(opts.request!);
    request = parseRequest(parseJsonStrict(text));
  } catch (e) {
    const code = e instanceof PolicyError ? ` [${e.code}]` : '';
    io.stderr(`${opts.request}: invalid request: ${errorText(e)}${code}\n`);
    process.exitCode = 1;
    return;
  }
  if (opts.json) {
    const out = opts.explain
      ? { ...explainTiers(tiers, request) }
      : { decision: evaluateTiers(tiers, request) };
    io.stdout(`${JSON.stringify(out)}\n`);
  } else if (opts.explain) {
    io.stdout(explainText(explainTiers(tiers, request), opts.policy));
  } else {
    io.stdout(`${evaluateTiers(tiers, request)}\n`);
  }
}

/** `--requests FILE.jsonl`: one JSON line out per non-blank line in. */
async function runMany(
  io: PolicyCliIo,
  tiers: CompiledPolicy[],
  opts: SimulateOptions,
): Promise<void> {
  let text: string;
  try {
    text = opts.requests === '-' ? await io.readStdin() : await io.readFile(opts.requests!);
  } catch (e) {
    io.stderr(`${opts.requests}: ${errorText(e)}\n`);
    process.exitCode = 1;
    return;
  }
  const lines = text.split('\n');
  const out: string[] = [];
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    try {
      const request = parseRequest(parseJsonStrict(line));
      const result = opts.explain
        ? { line: i + 1, ...explainTiers(tiers, request) }
        : { line: i + 1, decision: evaluateTiers(tiers, request) };
      out.push(JSON.stringify(result));
    } catch (e) {
      if (!(e instanceof PolicyError)) throw e;
      const path = 'path' in e ? (e as PolicyError & { path: string }).path : '$';
      out.push(JSON.stringify({ line: i + 1, error: { code: e.code, path, message: e.message } }));
      process.exitCode = 1;
    }
  });
  io.stdout(out.length === 0 ? '' : `${out.join('\n')}\n`);
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new TypeError(`not a positive integer: ${value}`);
  return n;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Adds `policy check` and `policy simulate` to the program. */
export function registerPolicyCommand(program: Command, io: PolicyCliIo = defaultIo): Command {
  const policy = program
    .command('policy')
    .description('check IAM-format (VPC Lattice auth) policies and simulate decisions');

  policy
    .command('check')
    .description('validate policy files; exit 1 if any is invalid, listing issues with JSON paths')
    .argument('<files...>', 'policy JSON files')
    .option('--json', 'print one JSON object')
    .option('--max-bytes <n>', 'size limit in bytes (default 10240, Lattice’s limit)', positiveInt)
    .action((files: string[], opts: CheckOptions) => runCheck(io, files, opts));

  policy
    .command('simulate')
    .description('evaluate a request against policies; several --policy flags are tiers')
    .option('--policy <file>', 'policy file (repeat for tiers: each must Allow)', collect, [])
    .option('--request <file>', 'request JSON file, or - for stdin')
    .option('--requests <file>', 'JSON Lines file of requests; prints one JSON line each')
    .option('--json', 'print JSON: {"decision": …}')
    .option('--explain', 'say which statements matched, which decided, and what failed')
    .option('--max-bytes <n>', 'policy size limit in bytes', positiveInt)
    .action((opts: SimulateOptions) => runSimulate(io, opts));

  return policy;
}
