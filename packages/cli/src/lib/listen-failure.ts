// A server that could not listen, said so that a user can act on it: which address, why, and
// what to do, with the system's code in the message (`rolegate: cli.address_in_use: … (EADDRINUSE)`).
import { CliError } from './errors.ts';

interface ListenError {
  readonly code?: unknown;
  readonly address?: unknown;
  readonly port?: unknown;
}

/**
 * The error to report for a failed listen (`whenTaken`: what to do about a port in use); any other
 * error is returned as it is.
 */
export function listenFailure(error: unknown, what: string, whenTaken: string): unknown {
  const e = (error ?? {}) as ListenError;
  const where =
    typeof e.address === 'string' && typeof e.port === 'number'
      ? ` on ${e.address.includes(':') ? `[${e.address}]` : e.address}:${e.port}`
      : '';
  if (e.code === 'EADDRINUSE') {
    const message = `${what} cannot listen${where}: the port is taken (EADDRINUSE); ${whenTaken}`;
    return new CliError('cli.address_in_use', message, { cause: error });
  }
  if (e.code === 'EACCES') {
    const message = `${what} may not listen${where}: a port below 1024 needs privileges (EACCES); choose another with --port`;
    return new CliError('cli.address_forbidden', message, { cause: error });
  }
  return error;
}
