// What `rolegate credential-process`, `serve` and `update` run (their flags:
// ../commands/roles-anywhere-flags.ts). Each credential fetch reads the certificate and key again
// (or asks the Workload API again), so a rotated certificate is used from the next refresh on.
// credential-process loads the signer alone; the server and the file writer only where used.
import { createSession, loadSigningMaterial } from '@rolegate/client/roles-anywhere';
import { isPartition, PARTITION_INFO } from '@rolegate/core';
import type { RolesAnywhereFlags } from '../commands/roles-anywhere-flags.ts';
import type { ServeFlags } from '../commands/serve.ts';
import type { UpdateFlags } from '../commands/update.ts';
import { CliError } from '../lib/errors.ts';

export interface SessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** The env var a passphrase is read from when no --passphrase-file is given (as `token --key`). */
const PASSPHRASE_ENV = 'ROLEGATE_KEY_PASSPHRASE';
// arn:<partition>:rolesanywhere:<region>:<account>:trust-anchor/<id>
const TRUST_ANCHOR_ARN = /^arn:([a-z-]+):rolesanywhere:([a-z0-9-]+):(\d{12}):trust-anchor\/[\w-]+$/;

export async function runCredentialProcess(flags: RolesAnywhereFlags): Promise<void> {
  const credentials = await credentialsFetcher(flags)();
  // The credential_process contract: version 1 JSON on stdout and nothing else. Then exit at
  // once: every SDK refresh waits for this process to end, and nothing is left to do.
  const json = `${JSON.stringify({
    Version: 1,
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    SessionToken: credentials.sessionToken,
    Expiration: credentials.expiration.toISOString(),
  })}\n`;
  await new Promise<void>((resolve) => process.stdout.write(json, () => resolve()));
  process.exit(0);
}

export async function runServe(flags: ServeFlags): Promise<void> {
  const port = portOf(flags.port);
  const fetcher = credentialsFetcher(flags);
  const [{ RefreshingCredentials }, { startImdsServer }] = await Promise.all([
    import('../roles-anywhere/refreshing-credentials.ts'),
    import('../roles-anywhere/imds-server.ts'),
  ]);
  const credentials = new RefreshingCredentials(fetcher);
  // Fail at start, not at the SDK's first call, when the certificate or the ARNs are wrong.
  await credentials.get();
  const server = await startImdsServer({ credentials, roleName: roleNameOf(flags.roleArn), port });
  process.stderr.write(
    `rolegate serve: IMDSv2 credentials for ${flags.roleArn} at ${server.url}\n` +
      `  export AWS_EC2_METADATA_SERVICE_ENDPOINT=${server.url}\n`,
  );
  await untilSignal();
  await server.close();
}

export async function runUpdate(flags: UpdateFlags): Promise<void> {
  const fetcher = credentialsFetcher(flags);
  const { defaultCredentialsPath, writeProfileCredentials } = await import(
    '../roles-anywhere/credentials-file.ts'
  );
  const path = flags.credentialsFile ?? defaultCredentialsPath();
  if (flags.once) {
    await writeProfileCredentials({ path, profile: flags.profile, credentials: await fetcher() });
    return;
  }
  const { runUpdateLoop } = await import('../roles-anywhere/update-loop.ts');
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  await runUpdateLoop({
    fetch: fetcher,
    path,
    profile: flags.profile,
    signal: stop.signal,
    onUpdate: (c) =>
      process.stderr.write(
        `rolegate update: profile ${flags.profile} in ${path} holds credentials until ${c.expiration.toISOString()}\n`,
      ),
    onError: (e) =>
      process.stderr.write(
        `rolegate update: refresh failed, retrying: ${(e as { code?: string }).code ?? ''} ${(e as Error).message}\n`,
      ),
  });
}

/** One fresh Roles Anywhere session per call, from the certificate as it is now. */
export function credentialsFetcher(flags: RolesAnywhereFlags): () => Promise<SessionCredentials> {
  const target = sessionTarget(flags);
  const source = materialSource(flags);
  return async () => {
    const material = await loadSigningMaterial(source);
    const session = await createSession({
      ...target,
      certificate: material.certificate,
      intermediates: material.intermediates,
      privateKey: material.privateKey,
    });
    return {
      accessKeyId: session.accessKeyId,
      secretAccessKey: session.secretAccessKey,
      sessionToken: session.sessionToken,
      expiration: session.expiration,
    };
  };
}

function sessionTarget(flags: RolesAnywhereFlags) {
  const anchor = TRUST_ANCHOR_ARN.exec(flags.trustAnchorArn);
  if (anchor === null || !isPartition(anchor[1]!))
    throw invalid(
      `--trust-anchor-arn must look like arn:aws:rolesanywhere:<region>:<account>:trust-anchor/<id>, not ${JSON.stringify(flags.trustAnchorArn)}`,
    );
  const region = flags.region ?? anchor[2]!;
  const endpoint =
    flags.endpoint ??
    `https://rolesanywhere.${region}.${PARTITION_INFO[anchor[1] as keyof typeof PARTITION_INFO].dnsSuffix}`;
  let durationSeconds: number | undefined;
  if (flags.sessionDuration !== undefined) {
    durationSeconds = Number(flags.sessionDuration);
    if (!/^\d+$/.test(flags.sessionDuration) || durationSeconds < 900 || durationSeconds > 43_200)
      throw invalid('--session-duration must be a whole number of seconds from 900 to 43200');
  }
  return {
    endpoint,
    region,
    trustAnchorArn: flags.trustAnchorArn,
    profileArn: flags.profileArn,
    roleArn: flags.roleArn,
    ...(durationSeconds !== undefined ? { durationSeconds } : {}),
    ...(flags.roleSessionName !== undefined ? { roleSessionName: flags.roleSessionName } : {}),
  };
}

function materialSource(flags: RolesAnywhereFlags) {
  if ((flags.certificate === undefined) === (flags.workloadApi === undefined))
    throw invalid('give either --certificate (with --private-key) or --workload-api');
  if (flags.workloadApi !== undefined && (flags.privateKey ?? flags.intermediates) !== undefined)
    throw invalid('--workload-api brings its own key and intermediates');
  // The environment variable is a source only when set: an unencrypted key needs none.
  const passphrase =
    flags.passphraseFile !== undefined
      ? { file: flags.passphraseFile }
      : process.env[PASSPHRASE_ENV] !== undefined
        ? { env: PASSPHRASE_ENV }
        : undefined;
  return {
    ...(flags.certificate !== undefined ? { certificate: flags.certificate } : {}),
    ...(flags.privateKey !== undefined ? { privateKey: flags.privateKey } : {}),
    ...(flags.intermediates !== undefined ? { intermediates: flags.intermediates } : {}),
    ...(flags.workloadApi !== undefined ? { workloadApi: flags.workloadApi } : {}),
    ...(passphrase !== undefined ? { passphrase } : {}),
  };
}

function roleNameOf(roleArn: string): string {
  // arn:aws:iam::<account>:role/<path/>name — IMDS names the role without its path.
  const name = /^arn:[a-z-]+:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/.exec(roleArn);
  if (name === null)
    throw invalid(`--role-arn must be an IAM role ARN, not ${JSON.stringify(roleArn)}`);
  return name[1]!;
}

function portOf(text: string): number {
  const port = Number(text);
  if (!/^\d{1,5}$/.test(text) || port > 65_535)
    throw invalid(`--port must be 0-65535, not ${JSON.stringify(text)}`);
  return port;
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve()).once('SIGTERM', () => resolve());
  });
}

function invalid(message: string): CliError {
  return new CliError('cli.invalid_option', message);
}
