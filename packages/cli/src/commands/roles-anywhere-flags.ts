// The flags of `credential-process`, `serve` and `update`: AWS's credential helper's own names
// (aws_signing_helper), so a `credential_process` line written for it runs unchanged with
// `rolegate` in front, plus `--workload-api` and `--passphrase-file`. What they run:
// ../actions/roles-anywhere.ts.
import type { Command } from 'commander';

export interface RolesAnywhereFlags {
  certificate?: string;
  privateKey?: string;
  intermediates?: string;
  passphraseFile?: string;
  workloadApi?: string | true;
  trustAnchorArn: string;
  profileArn: string;
  roleArn: string;
  sessionDuration?: string;
  region?: string;
  endpoint?: string;
  roleSessionName?: string;
}

export function addRolesAnywhereFlags(command: Command): Command {
  return command
    .option(
      '--certificate <file>',
      'the X.509 certificate (PEM or DER; further PEM certificates are intermediates), or a PKCS#12 bundle',
    )
    .option(
      '--private-key <file>',
      "the certificate's private key: PKCS#8 (also encrypted), PKCS#1 or SEC1 PEM, or PKCS#8 DER",
    )
    .option('--intermediates <file>', 'intermediate CA certificates (PEM)')
    .option(
      '--passphrase-file <file>',
      'the passphrase of an encrypted key or PKCS#12 bundle (default: $ROLEGATE_KEY_PASSPHRASE)',
    )
    .option(
      '--workload-api [address]',
      'use the X.509-SVID of the SPIFFE Workload API (default: $SPIFFE_ENDPOINT_SOCKET)',
    )
    .requiredOption('--trust-anchor-arn <arn>', 'the Roles Anywhere trust anchor')
    .requiredOption('--profile-arn <arn>', 'the Roles Anywhere profile')
    .requiredOption('--role-arn <arn>', 'the IAM role to assume')
    .option('--session-duration <seconds>', 'credential lifetime, 900-43200 (default 3600)')
    .option('--region <region>', "the service's region (default: the trust anchor ARN's)")
    .option(
      '--endpoint <url>',
      'the Roles Anywhere endpoint (default: https://rolesanywhere.<region>.<partition suffix>)',
    )
    .option('--role-session-name <name>', 'the role session name, if the profile accepts one');
}
