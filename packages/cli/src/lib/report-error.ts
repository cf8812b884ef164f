// How the CLI reports failures: one line with the stable code, exit code 1 (2 for usage errors,
// which commander reports itself). Stack traces only with ROLEGATE_DEBUG=1. Reads only `code`
// and `message`, so that `--version` and `--help` load no rolegate package to report an error.

export function reportError(error: unknown): void {
  const e = error as { code?: unknown; message?: string; issues?: readonly string[] };
  const code = typeof e?.code === 'string' ? `${e.code}: ` : '';
  process.stderr.write(`rolegate: ${code}${e?.message ?? String(error)}\n`);
  if (process.env.ROLEGATE_DEBUG === '1' && error instanceof Error)
    process.stderr.write(`${error.stack}\n`);
  process.exitCode = 1;
}
