// loadSigningMaterial runs on every credential refresh of every SDK (`rolegate credential-process`):
// reading files must load no gRPC, no AWS SDK and no JWS library; only a configured Workload API
// brings gRPC in. Each case runs in its own process with the CLI tests' preload, which records
// every module loaded, and compares the packages those belong to.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRootAuthority, startWorkloadApi, type WorkloadApiEmulator } from '@rolegate/testkit';
import type { SigningMaterialSource } from '../src/roles-anywhere/signing-material.ts';
import { bundleOf, opensslMissing } from './support/openssl.ts';
import { scratchDir } from './support/scratch-dir.ts';

const RECORDER = join(
  import.meta.dirname,
  '..',
  '..',
  'cli',
  'test',
  'support',
  'record-loads.mjs',
);
const LOADER = pathToFileURL(
  join(import.meta.dirname, '..', 'src', 'roles-anywhere', 'signing-material.ts'),
).href;
const HEAVY = ['@grpc/grpc-js', '@grpc/proto-loader', 'protobufjs', 'jose'];
const dir = scratchDir('loads');
after(() => dir.cleanup());

/** The npm package of a loaded module (scoped names kept whole); undefined for ours and builtins. */
function packageOf(url: string): string | undefined {
  if (!url.startsWith('file:')) return undefined;
  const match = /.*[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(fileURLToPath(url));
  return match?.[1]?.replace('\\', '/');
}

let runs = 0;
/** Loads signing material from `source` in a fresh process; the npm packages it loaded. */
function packagesLoadedFor(source: SigningMaterialSource): Promise<Set<string>> {
  const file = join(dir.path, `loads-${++runs}.txt`);
  writeFileSync(file, '');
  const script = `const { loadSigningMaterial } = await import(${JSON.stringify(LOADER)});
await loadSigningMaterial(${JSON.stringify(source)});`;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--import', RECORDER, '--input-type=module', '-e', script],
      { env: { ...process.env, ROLEGATE_LOADS_FILE: file }, timeout: 60_000 },
      (error, _stdout, stderr) => {
        if (error) return reject(new Error(`${error.message}\n${stderr}`));
        const packages = new Set<string>();
        for (const url of readFileSync(file, 'utf8').split('\n')) {
          const name = packageOf(url);
          if (name !== undefined) packages.add(name);
        }
        resolve(packages);
      },
    );
  });
}

describe('loadSigningMaterial loads only what its source needs', () => {
  let agent: WorkloadApiEmulator;
  const root = createRootAuthority();
  const leaf = root.issueSvid('spiffe://example.org/loads');

  before(async () => {
    agent = await startWorkloadApi({
      x509Svids: [{ spiffeId: 'spiffe://example.org/loads', leaf, bundle: [root.der] }],
    });
  });
  after(() => agent.close());

  it('from PEM files: no gRPC, no AWS SDK, no JWS library, no PKCS#12 reader', async () => {
    const loaded = await packagesLoadedFor({
      certificate: dir.write('cert.pem', leaf.pem),
      privateKey: dir.write('key.pem', leaf.key.privateKeyPem),
    });
    // The PKCS#12 reader's ASN.1 schemas are loaded for a bundle only (they cost ~130 ms).
    assert.ok(!loaded.has('@peculiar/asn1-pfx'), 'PEM files loaded the PKCS#12 reader');
    assert.ok(!loaded.has('@peculiar/asn1-schema'), 'PEM files loaded the PKCS#12 reader');
    const heavy = [...loaded].filter(
      (name) => HEAVY.includes(name) || name.startsWith('@aws-sdk/') || name.startsWith('@smithy/'),
    );
    assert.deepEqual(heavy, []);
  });

  it('from a PKCS#12 bundle: the reader, loaded then', { skip: opensslMissing }, async () => {
    const loaded = await packagesLoadedFor({
      certificate: bundleOf(dir, leaf, 'loads'),
      passphrase: { file: dir.write('pass.txt', 'loads\n') },
    });
    assert.ok(loaded.has('@peculiar/asn1-pfx'), 'the recorder missed the PKCS#12 reader');
  });

  it('from the Workload API: gRPC, loaded then', async () => {
    const loaded = await packagesLoadedFor({ workloadApi: agent.address });
    assert.ok(loaded.has('@grpc/grpc-js'));
  });
});
