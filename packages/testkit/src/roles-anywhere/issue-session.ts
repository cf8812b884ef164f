// The session a successful CreateSession vends: fresh temporary credentials in AWS's formats,
// registered with the STS emulator as an assumed-role session (so GetCallerIdentity signed with
// them names `arn:aws:sts::<account>:assumed-role/<role>/<session>`), the answer in the
// CreateSession response shape (201, `credentialSet` + `subjectArn`), and the record tests read.
import type { ParsedCertificate } from '@rolegate/identity';
import {
  randomAccessKeyId,
  randomSecretAccessKey,
  randomSessionToken,
} from '../sts/dev-identities.ts';
import type { StsIdentity } from '../sts/identity.ts';
import { type ArnScope, assumedRoleArnOf, rolesAnywhereArn } from './arns.ts';
import type { ProfileConfig, RoleConfig, TrustAnchorConfig } from './resource-options.ts';

/** What the emulator issued, for tests to inspect. */
export interface RolesAnywhereSessionRecord {
  readonly roleArn: string;
  /** `arn:<partition>:sts::<account>:assumed-role/<role>/<sessionName>`. */
  readonly sessionArn: string;
  /** The leaf's serial in hex, or the request's roleSessionName where the profile accepts one. */
  readonly sessionName: string;
  readonly accessKeyId: string;
  /** The leaf's serial, lower-case hex without leading zero octets. */
  readonly serialHex: string;
  /** The principal tags: the certificate's attributes, Roles Anywhere's default mapping. */
  readonly tags: Readonly<Record<string, string>>;
  /** `CN=<common name>`, or as Roles Anywhere falls back (see identity's sourceIdentity). */
  readonly sourceIdentity: string;
  /** ISO 8601, seconds. */
  readonly expiration: string;
  readonly trustAnchorArn: string;
  readonly profileArn: string;
  readonly subjectArn: string;
}

export interface SessionGrant {
  readonly scope: ArnScope;
  readonly anchor: TrustAnchorConfig;
  readonly profile: ProfileConfig;
  readonly role: RoleConfig;
  readonly leaf: ParsedCertificate;
  readonly serialHex: string;
  readonly sessionName: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly sourceIdentity: string;
  readonly durationSeconds: number;
  readonly now: Date;
}

export interface IssuedSession {
  readonly identity: StsIdentity;
  readonly record: RolesAnywhereSessionRecord;
  /** The 201 answer's JSON. */
  readonly body: string;
}

// STS's packed-size budget for session tags, approximated: the real packing is not public.
const PACKED_TAG_BUDGET_BYTES = 2048;

export function issueSession(grant: SessionGrant): IssuedSession {
  const { scope, role } = grant;
  const sessionArn = assumedRoleArnOf(scope, role.name, grant.sessionName);
  const expiration = isoSeconds(new Date(grant.now.getTime() + grant.durationSeconds * 1000));
  const identity: StsIdentity = {
    name: `${role.name}/${grant.sessionName}`,
    accessKeyId: randomAccessKeyId('temporary'),
    secretAccessKey: randomSecretAccessKey(),
    sessionToken: randomSessionToken(),
    sessionExpiration: expiration,
    arn: sessionArn,
    userId: `${role.uniqueId}:${grant.sessionName}`,
    account: scope.account,
  };
  // A subject is the certificate's identity (its subject name), as Roles Anywhere keeps one per
  // x509Subject; its id is derived like the other resources' ids.
  const subjectArn = rolesAnywhereArn(
    scope,
    'subject',
    Buffer.from(grant.leaf.subject.der).toString('hex'),
  );
  const record: RolesAnywhereSessionRecord = Object.freeze({
    roleArn: role.arn,
    sessionArn,
    sessionName: grant.sessionName,
    accessKeyId: identity.accessKeyId,
    serialHex: grant.serialHex,
    tags: Object.freeze({ ...grant.tags }),
    sourceIdentity: grant.sourceIdentity,
    expiration,
    trustAnchorArn: grant.anchor.arn,
    profileArn: grant.profile.arn,
    subjectArn,
  });
  const body = JSON.stringify({
    credentialSet: [
      {
        assumedRoleUser: { arn: sessionArn, assumedRoleId: identity.userId },
        credentials: {
          accessKeyId: identity.accessKeyId,
          expiration,
          secretAccessKey: identity.secretAccessKey,
          sessionToken: identity.sessionToken,
        },
        packedPolicySize: packedPolicySize(grant.tags),
        roleArn: role.arn,
        sourceIdentity: grant.sourceIdentity,
      },
    ],
    subjectArn,
  });
  return { identity, record, body };
}

/** `2026-03-04T06:06:07Z`: AWS's timestamps carry no fraction. */
function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function packedPolicySize(tags: Readonly<Record<string, string>>): number {
  const bytes = Object.entries(tags).reduce(
    (sum, [key, value]) => sum + Buffer.byteLength(key) + Buffer.byteLength(value),
    0,
  );
  return Math.ceil((100 * bytes) / PACKED_TAG_BUDGET_BYTES);
}
