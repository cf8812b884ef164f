// The files signing material comes from, read whole on every call (a rotated certificate is
// picked up on the next refresh) and bounded: a certificate, key, bundle or passphrase file is a
// few KiB, so anything past MAX_SOURCE_FILE_BYTES is refused before it is parsed.
import { open } from 'node:fs/promises';
import { RolegateClientError } from '../errors.ts';

/** Larger than any certificate chain, key or PKCS#12 bundle a workload is given. */
export const MAX_SOURCE_FILE_BYTES = 1024 * 1024;

/** The bytes of `path`; any failure is `client.file_unreadable` naming `what`, the file and why. */
export async function readSourceFile(path: string, what: string): Promise<Buffer> {
  const unreadable = (why: string, cause?: unknown) =>
    new RolegateClientError('client.file_unreadable', `the ${what} file ${path}: ${why}`, {
      cause,
    });
  try {
    const handle = await open(path, 'r');
    try {
      // One byte more than the limit tells "too large" from "exactly the limit".
      const buffer = Buffer.allocUnsafe(MAX_SOURCE_FILE_BYTES + 1);
      let length = 0;
      while (length < buffer.length) {
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
        if (bytesRead === 0) break;
        length += bytesRead;
      }
      if (length > MAX_SOURCE_FILE_BYTES)
        throw unreadable(`larger than ${MAX_SOURCE_FILE_BYTES} bytes`);
      return Buffer.from(buffer.subarray(0, length));
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof RolegateClientError) throw error;
    const { code, message } = error as { code?: string; message?: string };
    throw unreadable(describeSystemError(code, message), error);
  }
}

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'a directory, not a file',
  ELOOP: 'too many symbolic links',
  ENOTDIR: 'a part of the path is not a directory',
};

function describeSystemError(code: string | undefined, message: string | undefined): string {
  const reason = code === undefined ? undefined : REASONS[code];
  if (reason !== undefined) return `${reason} (${code})`;
  return code ?? message ?? 'cannot be read';
}

/**
 * Runs `read` on what came from one file, so that every error it raises names that file: the
 * parsers below describe the content, this adds where it came from. The code is kept.
 */
export function inFile<T>(path: string, what: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof RolegateClientError && error.code !== 'client.file_unreadable') {
      throw new RolegateClientError(error.code, `the ${what} file ${path}: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
}
