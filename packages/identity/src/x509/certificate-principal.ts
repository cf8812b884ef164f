// The principal a validated certificate or JWT-SVID becomes (docs/specs/x509.md §4, the Roles Anywhere
// model): the profile's role, a session named after the certificate serial, principal tags from
// the certificate, and a source identity from its common name. Nothing here comes from anything
// the client chose beyond the certificate the trust anchor vouched for.
import { createHash } from 'node:crypto';
import type { AwsPrincipal } from '../principal/principal.ts';
import { type ParsedCertificate, serialHex } from './certificate.ts';
import type { Profile } from './profiles.ts';
import { tagValueProblem } from './tags.ts';

export type CertificateMethod = 'x509' | 'jwt-svid';

export interface CertificatePrincipal extends AwsPrincipal {
  readonly type: 'AssumedRole';
  readonly method: CertificateMethod;
  /** Principal tags (`aws:PrincipalTag/<key>`). */
  readonly tags: Readonly<Record<string, string>>;
  /** `sts:SourceIdentity` as Roles Anywhere sets it; undefined for JWT-SVIDs. */
  readonly sourceIdentity: string | undefined;
  /** When the credential itself stops being valid: no token outlives it. */
  readonly notAfterMs: number;
  /** The trust source (`trustDomain:<name>` or `trustAnchor:<name>`) and profile that admitted it. */
  readonly trustSource: string;
  readonly profile: string;
  /** The profile's own cap on token lifetime, if it sets one. */
  readonly profileTtlSeconds: number | undefined;
  readonly spiffeId: string | undefined;
}

// STS source identities and session names: [\w+=,.@-], 2–64 characters.
const SOURCE_IDENTITY = /^[\w+=,.@-]{2,64}$/;
const COMMON_NAME = '2.5.4.3';

export function principalFromCertificate(input: {
  readonly profile: Profile;
  readonly path: readonly ParsedCertificate[];
  readonly tags: Readonly<Record<string, string>>;
  readonly spiffeId: string | undefined;
}): CertificatePrincipal {
  const leaf = input.path[0]!;
  const serial = serialHex(leaf.serial);
  return build(input.profile, {
    method: 'x509',
    session: serial,
    userId: `x509:${sourceKey(input.profile)}:${serial}`,
    tags: input.tags,
    sourceIdentity: sourceIdentity(leaf),
    notAfterMs: Math.min(...input.path.map((c) => c.notAfterMs)),
    spiffeId: input.spiffeId,
  });
}

export function principalFromJwtSvid(input: {
  readonly profile: Profile;
  readonly spiffeId: string;
  readonly expiresAtMs: number;
}): CertificatePrincipal {
  // A JWT-SVID has no serial: the session is named after a digest of the SPIFFE ID, stable for
  // the workload and within the session-name character set.
  const session = `svid-${createHash('sha256').update(input.spiffeId).digest('hex').slice(0, 32)}`;
  return build(input.profile, {
    method: 'jwt-svid',
    session,
    userId: `jwt-svid:${input.spiffeId}`,
    // The same identity tag as an X.509-SVID of the workload, so one policy covers both — under
    // the same STS rules: an ID over 256 characters is no tag (the token route logs the drop).
    tags: tagValueProblem(input.spiffeId) === undefined ? { 'x509SAN/URI': input.spiffeId } : {},
    sourceIdentity: undefined,
    notAfterMs: input.expiresAtMs,
    spiffeId: input.spiffeId,
  });
}

/** `CN=<cn>` (cn ≤ 61), `<cn>` (62–64), else `ID=<serial hex>` — Roles Anywhere's rule. */
export function sourceIdentity(leaf: ParsedCertificate): string {
  // An empty CN is no CN: `CN=` would group every such certificate under one source identity.
  const cn = leaf.subject.rdns.flat().find((a) => a.oid === COMMON_NAME)?.value || undefined;
  if (cn !== undefined && cn.length <= 61 && SOURCE_IDENTITY.test(`CN=${cn}`)) return `CN=${cn}`;
  if (cn !== undefined && cn.length <= 64 && SOURCE_IDENTITY.test(cn)) return cn;
  return `ID=${serialHex(leaf.serial)}`;
}

function sourceKey(profile: Profile): string {
  return `${profile.source.kind}:${profile.source.name}`;
}

function build(
  profile: Profile,
  p: {
    method: CertificateMethod;
    session: string;
    userId: string;
    tags: Readonly<Record<string, string>>;
    sourceIdentity: string | undefined;
    notAfterMs: number;
    spiffeId: string | undefined;
  },
): CertificatePrincipal {
  const { role } = profile;
  return Object.freeze({
    arn: role.arn,
    sessionArn: `arn:${role.partition}:sts::${role.account}:assumed-role/${role.name}/${p.session}`,
    type: 'AssumedRole',
    partition: role.partition,
    account: role.account,
    name: role.name,
    sessionName: p.session,
    userId: p.userId,
    uniqueId: p.userId,
    method: p.method,
    tags: Object.freeze({ ...p.tags }),
    sourceIdentity: p.sourceIdentity,
    notAfterMs: p.notAfterMs,
    trustSource: sourceKey(profile),
    profile: profile.name,
    profileTtlSeconds: profile.ttlSeconds,
    spiffeId: p.spiffeId,
  });
}
