// How the CLI reports failures: one line with the stable code, exit code 1 (2 for usage errors,
// which commander reports itself). Stack traces only with ROLEGATE_DEBUG=1.

export class CliError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
    this.code = code;
  }
}

export function reportError(error: unknown): void {
  const e = error as { code?: unknown; message?: string; issues?: readonly string[] };
  const code = typeof e?.code === 'string' ? `${e.code}: ` : '';
  process.stderr.write(`rolegate: ${code}${e?.message ?? String(error)}\n`);
  if (process.env.ROLEGATE_DEBUG === '1' && error instanceof Error)
    process.stderr.write(`${error.stack}\n`);
  process.exitCode = 1;
}
