// The passphrase of an encrypted key or PKCS#12 bundle: from a file (as secret stores mount
// them) or from an environment variable, never from a command line where `ps` would show it.
// Read only when something needs it, and again on every load, so a rotated secret is used too.
import { RolegateClientError } from '../errors.ts';
import { readSourceFile } from './source-file.ts';

export interface PassphraseSource {
  /** A file holding the passphrase; trailing line breaks are not part of it (as AWS's tools read it). */
  readonly file?: string;
  /** The name of an environment variable holding the passphrase. */
  readonly env?: string;
}

/** The passphrase `source` names, or undefined when it names none. */
export async function readPassphrase(
  source: PassphraseSource | undefined,
): Promise<string | undefined> {
  if (source === undefined) return undefined;
  if (source.file !== undefined && source.env !== undefined) {
    throw new RolegateClientError(
      'client.invalid_option',
      'passphrase: give a file or an environment variable, not both',
    );
  }
  if (source.file !== undefined) {
    const bytes = await readSourceFile(source.file, 'passphrase');
    return bytes.toString('utf8').replace(/[\r\n]+$/, '');
  }
  if (source.env !== undefined) {
    const value = process.env[source.env];
    if (value === undefined) {
      throw new RolegateClientError(
        'client.passphrase_invalid',
        `the passphrase variable ${source.env} is not set`,
      );
    }
    return value;
  }
  return undefined;
}
