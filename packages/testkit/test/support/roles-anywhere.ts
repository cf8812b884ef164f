// One STS emulator and one Roles Anywhere emulator per test file, with a test PKI, the roles and
// profiles the tests need, and a clock the tests can move. Requests are signed by the client's
// signer (@rolegate/client, written apart from the emulator's verifier) and sent with fetch;
// `resign` makes the hostile requests the client would never make, validly signed.
import { createHash, type KeyObject, sign } from 'node:crypto';
import { after, before } from 'node:test';
import { type CreateSessionInput, signCreateSessionRequest } from '@rolegate/client';
import { serialHex } from '@rolegate/identity';
import {
  createRootAuthority,
  dn,
  type RolesAnywhereEmulator,
  type RolesAnywhereRefusal,
  type StsEmulator,
  startRolesAnywhereEmulator,
  startStsEmulator,
  type TestAuthority,
  type TestLeaf,
} from '../../src/index.ts';
import { rolesAnywhereArn } from '../../src/roles-anywhere/arns.ts';
import { type X509Algorithm, x509StringToSign } from '../../src/roles-anywhere/x509-signature.ts';
import { SIGNED_AT } from './sign.ts';

export const NOW = SIGNED_AT;
export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';
export const ORDERS_ID = 'spiffe://example.org/orders';

export interface RolesAnywhereFixture {
  sts: StsEmulator;
  ra: RolesAnywhereEmulator;
  /** Anchor `main`: the root, and an intermediate under it. */
  root: TestAuthority;
  intermediate: TestAuthority;
  /** Anchor `partner`, and anchor `spare` (the one the enable/disable tests flip). */
  partner: TestAuthority;
  spare: TestAuthority;
  /** A root no trust anchor holds. */
  stranger: TestAuthority;
  /** The clock of both emulators. */
  now: { value: Date };
}

const SCOPE = { partition: 'aws', region: REGION, account: ACCOUNT } as const;
const SERVICE = { Service: 'rolesanywhere.amazonaws.com' };
const ACTIONS = ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'];

/** A trust policy allowing the service all three actions, under `condition`. */
export function trustPolicy(condition?: object, actions: readonly string[] = ACTIONS): object {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: SERVICE,
        Action: actions,
        ...(condition === undefined ? {} : { Condition: condition }),
      },
    ],
  };
}

export function useRolesAnywhere(): RolesAnywhereFixture {
  const f = { now: { value: NOW } } as RolesAnywhereFixture;
  before(async () => {
    const at = (name: string) => ({ now: NOW, subject: dn(['O', 'rolegate test'], ['CN', name]) });
    f.root = createRootAuthority(at('main root'));
    f.intermediate = f.root.createIntermediate(at('main intermediate'));
    f.partner = createRootAuthority(at('partner root'));
    f.spare = createRootAuthority(at('spare root'));
    f.stranger = createRootAuthority(at('stranger root'));
    const clock = () => f.now.value;
    f.sts = await startStsEmulator({ identities: [], clock });
    const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
    f.ra = await startRolesAnywhereEmulator({
      sts: f.sts,
      clock,
      trustAnchors: [
        { name: 'main', certificatePem: f.root.pem },
        { name: 'partner', certificatePem: f.partner.pem },
        { name: 'spare', certificatePem: f.spare.pem },
      ],
      roles: [
        { name: 'open', trustPolicy: trustPolicy() },
        {
          name: 'orders',
          trustPolicy: trustPolicy({ StringEquals: { 'aws:PrincipalTag/x509SAN/URI': ORDERS_ID } }),
        },
        {
          name: 'main-only',
          trustPolicy: JSON.stringify(
            trustPolicy({
              ArnEquals: { 'aws:SourceArn': rolesAnywhereArn(SCOPE, 'trust-anchor', 'main') },
            }),
          ),
        },
        { name: 'assume-only', trustPolicy: trustPolicy(undefined, ['sts:AssumeRole']) },
        { name: 'outsider', trustPolicy: trustPolicy() },
      ],
      profiles: [
        {
          name: 'default',
          roleArns: [role('open'), role('orders'), role('main-only'), role('assume-only')],
        },
        {
          name: 'named',
          roleArns: [role('open')],
          acceptRoleSessionName: true,
          durationSeconds: 7200,
        },
        { name: 'spare', roleArns: [role('open')] },
      ],
    });
  });
  after(async () => {
    await f.ra?.close();
    await f.sts?.close();
  });
  return f;
}

export interface WireRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface SessionRequest
  extends Partial<Omit<CreateSessionInput, 'certificate' | 'intermediates' | 'privateKey'>> {
  /** Default trust anchor `main`, profile `default`, role `open`. */
  anchor?: string;
  profile?: string;
  role?: string;
  /** Sign with this key instead of the leaf's. */
  privateKey?: KeyObject;
}

/** A CreateSession request for `leaf` (and its intermediates), signed by the client's signer. */
export function signed(f: RolesAnywhereFixture, leaf: TestLeaf, r: SessionRequest = {}) {
  const { anchor = 'main', profile = 'default', role = 'open', privateKey, ...rest } = r;
  return signCreateSessionRequest({
    endpoint: f.ra.url,
    region: f.ra.region,
    trustAnchorArn: f.ra.trustAnchorArn(anchor),
    profileArn: f.ra.profileArn(profile),
    roleArn: f.ra.roleArn(role),
    certificate: leaf.der,
    intermediates: leaf.chain.slice(1).map((c) => c.der),
    privateKey: privateKey ?? leaf.key.privateKey,
    now: f.now.value,
    ...rest,
  });
}

export interface Answer {
  status: number;
  /** x-amzn-ErrorType, for a refusal. */
  errorType: string | null;
  json: Record<string, unknown>;
  /** What the emulator recorded of a refusal (its reason code). */
  refusal: RolesAnywhereRefusal | undefined;
}

export async function send(f: RolesAnywhereFixture, wire: WireRequest): Promise<Answer> {
  const response = await fetch(wire.url, {
    method: 'POST',
    headers: wire.headers,
    body: wire.body,
  });
  return {
    status: response.status,
    errorType: response.headers.get('x-amzn-errortype'),
    json: (await response.json()) as Record<string, unknown>,
    refusal: f.ra.lastRefusal,
  };
}

export interface Resign {
  /** Headers to send, without Authorization (host is taken from the URL). */
  headers: Record<string, string>;
  body: string;
  /** Lower-case, sorted. */
  signedHeaders: string[];
  key: KeyObject;
  algorithm: X509Algorithm;
  /** The leaf whose serial goes in the Credential. */
  leaf: TestLeaf;
  date: Date;
}

/**
 * Signs a request the client's signer would never make (a header left unsigned, an extra body
 * key), with a valid signature, so the emulator's own rule — not the signature — must refuse it.
 */
export async function resign(url: string, r: Resign): Promise<WireRequest> {
  const target = new URL(url);
  const amzDate = r.date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const scope = `${amzDate.slice(0, 8)}/${REGION}/rolesanywhere/aws4_request`;
  const all: Record<string, string> = { ...r.headers, host: target.host, 'x-amz-date': amzDate };
  const { stringToSign } = await x509StringToSign(
    {
      method: 'POST',
      path: target.pathname,
      // Every value of a repeated name, as the emulator canonicalises them.
      query: Object.fromEntries(
        [...new Set(target.searchParams.keys())].map((k) => [k, target.searchParams.getAll(k)]),
      ),
      signedHeaders: Object.fromEntries(r.signedHeaders.map((h) => [h, all[h] as string])),
      payloadHash: createHash('sha256').update(r.body).digest('hex'),
    },
    { algorithm: r.algorithm, amzDate, credentialScope: scope },
  );
  const signature =
    r.algorithm === 'AWS4-X509-RSA-SHA256'
      ? sign('sha256', Buffer.from(stringToSign), r.key)
      : sign('sha256', Buffer.from(stringToSign), { key: r.key, dsaEncoding: 'der' });
  const serial =
    typeof r.leaf.serial === 'bigint' ? r.leaf.serial : BigInt(`0x${serialHex(r.leaf.serial)}`);
  const { host: _host, ...headers } = all;
  headers['authorization'] =
    `${r.algorithm} Credential=${serial}/${scope}, SignedHeaders=${r.signedHeaders.join(';')}, ` +
    `Signature=${signature.toString('hex')}`;
  return { url, headers, body: r.body };
}

/** Replaces one part of a signed request's Authorization header (the signature is kept). */
export function withAuthorization(wire: WireRequest, edit: (value: string) => string): WireRequest {
  return {
    ...wire,
    headers: { ...wire.headers, authorization: edit(wire.headers['authorization']!) },
  };
}

export const minutes = (n: number): number => n * 60_000;
export const shift = (date: Date, ms: number): Date => new Date(date.getTime() + ms);
