// `rolegate roles-anywhere update`'s write: one profile of the shared credentials file
// (~/.aws/credentials) set to a session's credentials, everything else in the file kept.

import { mkdir, readFile, realpath, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { withFileLock } from './file-lock.ts';
import { setProfileValues } from './ini-profile.ts';
import { replaceFile } from './replace-file.ts';
import { checkCredentials, type SessionCredentials } from './session-credentials.ts';

/** A new credentials file is readable by its owner only, and so is a directory made for it. */
const NEW_FILE_MODE = 0o600;
const NEW_DIRECTORY_MODE = 0o700;

/**
 * Where the AWS SDKs read shared credentials: $AWS_SHARED_CREDENTIALS_FILE (a leading `~/` is the
 * home directory, as the JavaScript SDK reads it), else ~/.aws/credentials.
 */
export function defaultCredentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.AWS_SHARED_CREDENTIALS_FILE;
  if (configured === undefined || configured === '') return join(homedir(), '.aws', 'credentials');
  return configured.startsWith('~/') ? join(homedir(), configured.slice(2)) : resolve(configured);
}

export interface WriteProfileOptions {
  readonly path: string;
  /** The section to set; a CliError (`cli.invalid_option`) if the SDK could not read it back. */
  readonly profile: string;
  readonly credentials: SessionCredentials;
}

/**
 * Sets `profile`'s aws_access_key_id, aws_secret_access_key and aws_session_token, as AWS's
 * `update` does (and, like it, writes no expiration and leaves other keys of the profile alone).
 * Creates the file (0600) and its directory (0700) when missing; an existing file keeps its mode
 * and owner. The file is replaced atomically, under the lock `<path>.rolegate.lock`; a symbolic
 * link is followed, and the file it points to is the one replaced.
 */
export async function writeProfileCredentials(options: WriteProfileOptions): Promise<void> {
  const credentials = checkCredentials(options.credentials);
  const values = [
    ['aws_access_key_id', credentials.accessKeyId],
    ['aws_secret_access_key', credentials.secretAccessKey],
    ['aws_session_token', credentials.sessionToken],
  ] as const;
  // Checks the profile name and values before anything touches the disk.
  setProfileValues('', options.profile, values);

  await mkdir(dirname(resolve(options.path)), { recursive: true, mode: NEW_DIRECTORY_MODE });
  const path = await realpath(options.path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return resolve(options.path);
    throw error;
  });
  await withFileLock(`${path}.rolegate.lock`, async () => {
    const existing = await readExisting(path);
    const text = setProfileValues(existing?.text ?? '', options.profile, values);
    await replaceFile(path, text, {
      mode: existing?.mode ?? NEW_FILE_MODE,
      ...(existing !== undefined && { owner: existing.owner }),
    });
  });
}

interface ExistingFile {
  readonly text: string;
  readonly mode: number;
  readonly owner: { readonly uid: number; readonly gid: number };
}

async function readExisting(path: string): Promise<ExistingFile | undefined> {
  try {
    const info = await stat(path);
    const text = await readFile(path, 'utf8');
    return { text, mode: info.mode & 0o7777, owner: { uid: info.uid, gid: info.gid } };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
