// CreateSession, start to end, as a short list of steps in a fixed order: the route, the
// signature (authenticate.ts), the parameters, the trust anchor and profile the request names
// and the role it asks for, the certificate path to that trust anchor, the session's duration
// and name, the certificate's attributes as principal tags, the role's trust policy, and last
// the credentials. Each refusal is a RolesAnywhereError with AWS's error type and the
// emulator's reason code.
import {
  certificateTags,
  type ParsedCertificate,
  serialHex,
  sourceIdentity,
} from '@rolegate/identity';
import type { ReceivedRequest } from '../sts/received.ts';
import { authenticate } from './authenticate.ts';
import { validatePath } from './certificate-path.ts';
import { type IssuedSession, issueSession } from './issue-session.ts';
import type { RolesAnywhereConfig } from './options.ts';
import { type CreateSessionParameters, readParameters, readQuery } from './parameters.ts';
import { denied, invalid, RolesAnywhereError, unableToAssume } from './refusal.ts';
import type { ProfileConfig, RoleConfig, TrustAnchorConfig } from './resource-options.ts';

export interface CreateSessionContext {
  readonly config: RolesAnywhereConfig;
  /** Whether the trust anchor or profile of that name is enabled now. */
  isEnabled(kind: 'trustAnchor' | 'profile', name: string): boolean;
  readonly now: Date;
}

interface Resources {
  readonly anchor: TrustAnchorConfig;
  readonly profile: ProfileConfig;
  readonly role: RoleConfig;
}

export async function createSession(
  req: ReceivedRequest,
  ctx: CreateSessionContext,
): Promise<IssuedSession> {
  if (req.method !== 'POST' || req.path !== '/sessions')
    throw new RolesAnywhereError(
      'UnknownOperationException',
      'request.unknown_operation',
      `No operation for ${req.method} ${req.path}`,
    );
  const query = readQuery(req.rawQuery);
  const caller = await authenticate(req, query, { region: ctx.config.region, now: ctx.now });
  const params = readParameters(query, req.body);
  const { anchor, profile, role } = resources(params, ctx);
  validatePath(caller, anchor, ctx.now);
  const durationSeconds = sessionDuration(params, profile);
  const serial = serialHex(caller.leaf.serial);
  const tags = principalTags(caller.leaf, role);
  const source = sourceIdentity(caller.leaf);
  const allowed = role.trustPolicy.allows({
    roleArn: role.arn,
    context: trustContext(ctx.config, anchor, tags, source),
  });
  if (!allowed) throw unableToAssume('policy.denied', role.arn);
  return issueSession({
    scope: ctx.config,
    anchor,
    profile,
    role,
    leaf: caller.leaf,
    serialHex: serial,
    sessionName: sessionName(params, profile, serial),
    tags,
    sourceIdentity: source,
    durationSeconds,
    now: ctx.now,
  });
}

function resources(params: CreateSessionParameters, ctx: CreateSessionContext): Resources {
  const { config } = ctx;
  const anchor = [...config.trustAnchors.values()].find((a) => a.arn === params.trustAnchorArn);
  if (anchor === undefined) throw notFound('resource.trust_anchor_not_found', 'Trust anchor');
  const profile = [...config.profiles.values()].find((p) => p.arn === params.profileArn);
  if (profile === undefined) throw notFound('resource.profile_not_found', 'Profile');
  if (!ctx.isEnabled('trustAnchor', anchor.name))
    throw denied('resource.trust_anchor_disabled', 'Trust anchor is disabled');
  if (!ctx.isEnabled('profile', profile.name))
    throw denied('resource.profile_disabled', 'Profile is disabled');
  const role = config.roles.get(params.roleArn);
  if (role === undefined || !profile.roleArns.has(params.roleArn))
    throw unableToAssume('resource.role_not_in_profile', params.roleArn);
  return { anchor, profile, role };
}

function notFound(
  reason: 'resource.trust_anchor_not_found' | 'resource.profile_not_found',
  what: string,
): RolesAnywhereError {
  return new RolesAnywhereError('ResourceNotFoundException', reason, `${what} not found`);
}

/** The request's duration, else the profile's; never more than the profile gives. */
function sessionDuration(params: CreateSessionParameters, profile: ProfileConfig): number {
  const requested = params.durationSeconds ?? profile.durationSeconds;
  if (requested > profile.durationSeconds)
    throw invalid(
      'request.duration_above_profile',
      `durationSeconds ${requested} is more than the profile's ${profile.durationSeconds}`,
    );
  return requested;
}

/** The certificate serial in hex (Roles Anywhere's rule), or the name the request gave. */
function sessionName(params: CreateSessionParameters, profile: ProfileConfig, serial: string) {
  if (params.roleSessionName === undefined) return serial;
  if (!profile.acceptRoleSessionName)
    throw invalid(
      'request.role_session_name_not_accepted',
      'The profile does not accept roleSessionName',
    );
  return params.roleSessionName;
}

/**
 * The default attribute mapping. A value STS would refuse as a session tag makes AWS refuse the
 * whole request ("Some attributes failed to be mapped into session tags"), not drop the tag.
 */
function principalTags(
  leaf: ParsedCertificate,
  role: RoleConfig,
): Readonly<Record<string, string>> {
  const { tags, dropped } = certificateTags(leaf);
  if (dropped.length > 0)
    throw unableToAssume(
      'policy.tags_unmappable',
      role.arn,
      `Some attributes failed to be mapped into session tags: ${dropped.map((d) => d.key).join(', ')}`,
    );
  return tags;
}

function trustContext(
  config: RolesAnywhereConfig,
  anchor: TrustAnchorConfig,
  tags: Readonly<Record<string, string>>,
  source: string,
): Record<string, string> {
  const context: Record<string, string> = {
    'aws:SourceArn': anchor.arn,
    'aws:SourceAccount': config.account,
    'sts:SourceIdentity': source,
  };
  for (const [key, value] of Object.entries(tags)) context[`aws:PrincipalTag/${key}`] = value;
  return context;
}
