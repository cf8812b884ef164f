// The STS service proper: a received request in, the caller's identity (or an StsError) out.
// Order: the Host must be a configured STS host, then authentication, then the action — STS
// authenticates before it dispatches, so a bad signature on an unknown action is a signature error.
import { authenticate } from './authenticate.ts';
import { hostName } from './hosts.ts';
import type { StsIdentity } from './identity.ts';
import { headerValue, type ReceivedRequest } from './received.ts';
import { MESSAGES, StsError } from './sts-error.ts';

export interface StsServiceContext {
  /** Host name (lower case) → signing region. */
  hosts: ReadonlyMap<string, string>;
  identityFor(accessKeyId: string): StsIdentity | undefined;
  now: Date;
}

const ACTION = 'GetCallerIdentity';
const VERSION = '2011-06-15';

export async function callerIdentity(
  req: ReceivedRequest,
  ctx: StsServiceContext,
): Promise<StsIdentity> {
  const host = headerValue(req, 'host');
  const region = host === undefined ? undefined : ctx.hosts.get(hostName(host));
  if (region === undefined) {
    throw new StsError(
      'MisdirectedRequest',
      `This STS emulator serves no host named '${host ?? ''}'.`,
    );
  }
  const query = new URLSearchParams(req.rawQuery);
  const identity = await authenticate(req, query, {
    region,
    identityFor: ctx.identityFor,
    now: ctx.now,
  });
  checkAction(query, formParams(req));
  return identity;
}

// STS (AWS query protocol) reads parameters from the query and from a form-encoded body alike.
function formParams(req: ReceivedRequest): URLSearchParams {
  const type = headerValue(req, 'content-type')?.toLowerCase() ?? '';
  if (req.method !== 'POST' || !type.startsWith('application/x-www-form-urlencoded')) {
    return new URLSearchParams();
  }
  return new URLSearchParams(req.body.toString('utf8'));
}

function checkAction(query: URLSearchParams, form: URLSearchParams): void {
  const actions = [...query.getAll('Action'), ...form.getAll('Action')];
  const versions = [...query.getAll('Version'), ...form.getAll('Version')];
  if (actions.length === 0) throw new StsError('MissingAction', MESSAGES.missingAction);
  const action = actions.join(',');
  const version = versions.length === 0 ? 'NO_VERSION_SPECIFIED' : versions.join(',');
  if (action !== ACTION || version !== VERSION) {
    // AWS echoes the requested name here; a hostile caller controls it, so callers of STS must
    // never read an identity out of an error body.
    throw new StsError(
      'InvalidAction',
      `Could not find operation ${action} for version ${version}`,
    );
  }
}
