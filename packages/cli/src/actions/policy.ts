// What `rolegate policy check` and `policy simulate` run (their flags: ../commands/policy.ts): a
// thin layer over @rolegate/policy. Exit codes: 0 = done (every policy valid / every request
// evaluated, whatever the decision), 1 = invalid input (policy, request or unreadable file).
// process.exitCode is set, never process.exit, so output is flushed and the command can run
// inside tests.

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
import type { CheckOptions, PolicyCliIo, SimulateOptions } from '../commands/policy.ts';

export const defaultIo: PolicyCliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readFile: (path) => readFile(path, 'utf8'),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

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

export async function runCheck(
  io: PolicyCliIo,
  files: string[],
  opts: CheckOptions,
): Promise<void> {
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

export async function runSimulate(io: PolicyCliIo, opts: SimulateOptions): Promise<void> {
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
