// An IAM Roles Anywhere emulator on a loopback port: CreateSession (`POST /sessions`) with the
// X.509 signature verified for real, the certificate path validated by @rolegate/identity, the
// role's trust policy evaluated by @rolegate/policy, and the vended credentials registered with
// an STS emulator, so a caller can go from a certificate to GetCallerIdentity without AWS. A
// server only: it never makes a request of its own.
//
// Where it simplifies (README.md, "Roles Anywhere emulator", has the whole list): error types AWS
// does not document are chosen (disabled resources, a stale date and a role outside the profile
// are AccessDeniedException); the checks run in the order of create-session.ts; the body takes
// only durationSeconds and roleSessionName, the ARNs come from the query only; the default
// attribute mapping only, no session or managed policies, no CRLs, no instance properties; the
// profile's durationSeconds caps the request's; sessions are not shortened to the certificate's
// notAfter; packedPolicySize is an estimate; Host and Content-Type values are not checked.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { createTestCa, issueServerCert } from '../ca/index.ts';
import { type RecordedRequest, startEmulatorHttp } from '../lib/emulator-http.ts';
import { DEFAULT_DEV_ACCOUNT } from '../sts/dev-identities.ts';
import { roleArnOf } from './arns.ts';
import { createSession } from './create-session.ts';
import type { RolesAnywhereSessionRecord } from './issue-session.ts';
import { checkOptions, type RolesAnywhereEmulatorOptions } from './options.ts';
import { RolesAnywhereError, type RolesAnywhereRefusal } from './refusal.ts';

export interface RolesAnywhereEmulator {
  /** http(s)://127.0.0.1:PORT — the client's endpoint. */
  url: string;
  /** The CA to trust, when started with `tls`. */
  caPem?: string;
  region: string;
  account: string;
  /** `arn:aws:rolesanywhere:<region>:<account>:trust-anchor/<uuid>`, the uuid derived from the name. */
  trustAnchorArn(name: string): string;
  /** `arn:aws:rolesanywhere:<region>:<account>:profile/<uuid>`. */
  profileArn(name: string): string;
  /** `arn:aws:iam::<account>:role/<name>`. */
  roleArn(name: string): string;
  setTrustAnchorEnabled(name: string, enabled: boolean): void;
  setProfileEnabled(name: string, enabled: boolean): void;
  /** Every session issued, in order. */
  readonly sessions: readonly RolesAnywhereSessionRecord[];
  /** The last refusal: AWS's error type and the emulator's reason code (never sent). */
  readonly lastRefusal?: RolesAnywhereRefusal;
  /** Requests received. */
  readonly calls: number;
  readonly lastRequest?: RecordedRequest;
  close(): Promise<void>;
}

// A CreateSession body is a few dozen bytes; the certificates travel in headers.
const MAX_BODY_BYTES = 64 * 1024;

export async function startRolesAnywhereEmulator(
  opts: RolesAnywhereEmulatorOptions,
): Promise<RolesAnywhereEmulator> {
  const config = checkOptions(opts, DEFAULT_DEV_ACCOUNT);
  const clock = opts.clock ?? (() => new Date());
  const enabled = {
    trustAnchor: new Map([...config.trustAnchors.values()].map((a) => [a.name, a.enabled])),
    profile: new Map([...config.profiles.values()].map((p) => [p.name, p.enabled])),
  };
  const sessions: RolesAnywhereSessionRecord[] = [];
  let lastRefusal: RolesAnywhereRefusal | undefined;

  let tls: { keyPem: string; certPem: string } | undefined;
  let caPem: string | undefined;
  if (opts.tls) {
    const ca = await createTestCa({ commonName: 'rolegate testkit Roles Anywhere emulator CA' });
    const leaf = await issueServerCert(ca, { hosts: ['localhost', '127.0.0.1', '::1'] });
    caPem = ca.certPem;
    tls = { keyPem: leaf.keyPem, certPem: leaf.certPem };
  }
  const http = await startEmulatorHttp(
    { listenHost: opts.listenHost, port: opts.port, tls, maxBodyBytes: MAX_BODY_BYTES },
    async ({ res, received }) => {
      const requestId = randomUUID();
      lastRefusal = undefined;
      try {
        const issued = await createSession(received, {
          config,
          isEnabled: (kind, name) => enabled[kind].get(name) === true,
          now: clock(),
        });
        opts.sts.addIdentity(issued.identity);
        sessions.push(issued.record);
        send(res, requestId, 201, issued.body);
      } catch (err) {
        const error =
          err instanceof RolesAnywhereError
            ? err
            : new RolesAnywhereError('InternalServerException', 'internal', 'Internal failure');
        lastRefusal = error.toRefusal();
        send(res, requestId, error.status, JSON.stringify({ message: error.message }), error.type);
      }
    },
  );

  const setter = (kind: 'trustAnchor' | 'profile') => (name: string, on: boolean) => {
    if (!enabled[kind].has(name)) throw new TypeError(`no ${kind} named ${JSON.stringify(name)}`);
    if (typeof on !== 'boolean') throw new TypeError('enabled must be a boolean');
    enabled[kind].set(name, on);
  };
  const arnOf =
    <T extends { arn: string }>(map: ReadonlyMap<string, T>, kind: string) =>
    (name: string): string => {
      const item = map.get(name);
      if (item === undefined) throw new TypeError(`no ${kind} named ${JSON.stringify(name)}`);
      return item.arn;
    };
  return {
    url: http.url,
    ...(caPem === undefined ? {} : { caPem }),
    region: config.region,
    account: config.account,
    trustAnchorArn: arnOf(config.trustAnchors, 'trust anchor'),
    profileArn: arnOf(config.profiles, 'profile'),
    // Any name: a test may ask for a role the emulator does not have, to be refused.
    roleArn: (name) => roleArnOf(config, name),
    setTrustAnchorEnabled: setter('trustAnchor'),
    setProfileEnabled: setter('profile'),
    get sessions() {
      return [...sessions];
    },
    get lastRefusal() {
      return lastRefusal;
    },
    get calls() {
      return http.calls;
    },
    get lastRequest() {
      return http.lastRequest;
    },
    close: () => http.close(),
  };
}

function send(
  res: ServerResponse,
  requestId: string,
  status: number,
  body: string,
  errorType?: string,
): void {
  if (res.destroyed) return;
  const headers: Record<string, string> = {
    'x-amzn-RequestId': requestId,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
  };
  if (errorType !== undefined) headers['x-amzn-ErrorType'] = errorType;
  res.writeHead(status, headers);
  res.end(body);
}
