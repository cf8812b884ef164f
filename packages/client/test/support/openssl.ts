// The system `openssl`, which writes the PKCS#12 bundles the reader is tested on — real bundles
// from the tool people export them with, not ones this repository encodes itself. CI installs it
// (.ci/run); where it is missing the tests that need it are skipped with a message.
import { execFileSync, spawnSync } from 'node:child_process';
import type { TestLeaf } from '@rolegate/testkit';
import type { ScratchDir } from './scratch-dir.ts';

const found = spawnSync('openssl', ['version'], { encoding: 'utf8' });

/** false when openssl runs; else the reason to give `it(…, { skip })`. */
export const opensslMissing: false | string =
  found.status === 0 ? false : 'the system openssl is not installed (CI installs it in .ci/run)';

/** What OpenSSL 1.1 wrote (and Windows, Java…): the PKCS#12 KDF with 3DES, and an SHA-1 MAC. */
export const LEGACY_3DES: readonly string[] = [
  '-keypbe',
  'PBE-SHA1-3DES',
  '-certpbe',
  'PBE-SHA1-3DES',
  '-macalg',
  'sha1',
];

export interface BundleContents {
  /** The certificate `-in` names (openssl puts the one of the key first); none: `-nocerts`. */
  readonly certificatesPem?: string;
  /** The key; none: `-nokeys`. */
  readonly keyPem?: string;
  /** Further certificates (`-certfile`). */
  readonly extraPem?: string;
}

let bundles = 0;

/**
 * `openssl pkcs12 -export` of `contents` with `passphrase` (given through the environment, so
 * that any byte goes through) and further arguments; returns the bundle's path.
 */
export function exportPkcs12(
  dir: ScratchDir,
  contents: BundleContents,
  passphrase: string,
  args: readonly string[] = [],
): string {
  const n = ++bundles;
  const out = `${dir.path}/bundle-${n}.p12`;
  const command = ['pkcs12', '-export', '-out', out, '-passout', 'env:ROLEGATE_TEST_P12_PASS'];
  if (contents.certificatesPem === undefined) command.push('-nocerts');
  else command.push('-in', dir.write(`in-${n}.pem`, contents.certificatesPem));
  if (contents.keyPem === undefined) command.push('-nokeys');
  else command.push('-inkey', dir.write(`key-${n}.pem`, contents.keyPem));
  if (contents.extraPem !== undefined)
    command.push('-certfile', dir.write(`extra-${n}.pem`, contents.extraPem));
  execFileSync('openssl', [...command, ...args], {
    env: { ...process.env, ROLEGATE_TEST_P12_PASS: passphrase },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return out;
}

/** A bundle of `leaf`, its key and its intermediates. */
export function bundleOf(
  dir: ScratchDir,
  leaf: TestLeaf,
  passphrase: string,
  args: readonly string[] = [],
): string {
  const extraPem = leaf.chain
    .slice(1)
    .map((c) => c.pem)
    .join('');
  return exportPkcs12(
    dir,
    {
      certificatesPem: leaf.pem,
      keyPem: leaf.key.privateKeyPem,
      ...(extraPem === '' ? {} : { extraPem }),
    },
    passphrase,
    args,
  );
}
