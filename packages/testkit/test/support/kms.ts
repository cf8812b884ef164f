// One KMS emulator per test file, reached through the real @aws-sdk/client-kms, with dev
// identities as callers and a clock the tests can move.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { KMSClient, type KMSServiceException } from '@aws-sdk/client-kms';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { createDevIdentities, type StsIdentity } from '../../src/index.ts';
import {
  type KmsEmulator,
  type KmsEmulatorOptions,
  startKmsEmulator,
} from '../../src/kms/emulator.ts';

export interface KmsFixture {
  kms: KmsEmulator;
  /** Role session (ASIA key + session token). */
  orders: StsIdentity;
  /** IAM user (AKIA key). */
  alice: StsIdentity;
  /** The emulator's clock; `undefined` = real time (the SDK signs with real time). */
  now: { value?: Date };
  /** A client signing as `orders`, made on first use (root `before` hooks run concurrently). */
  client(): KMSClient;
}

/** Registers before/after hooks; the fixture is filled in before the first test runs. */
export function useKmsEmulator(opts: Partial<KmsEmulatorOptions> = {}): KmsFixture {
  let client: KMSClient | undefined;
  const fixture = {
    now: {},
    client: () => {
      client ??= kmsClient(fixture.kms, fixture.orders);
      return client;
    },
  } as unknown as KmsFixture;
  before(async () => {
    const [orders, , alice] = createDevIdentities() as [StsIdentity, StsIdentity, StsIdentity];
    Object.assign(fixture, { orders, alice });
    fixture.kms = await startKmsEmulator({
      credentials: [orders, alice],
      clock: () => fixture.now.value ?? new Date(),
      ...opts,
    });
  });
  after(() => fixture.kms?.close());
  return fixture;
}

export interface ClientOptions {
  region?: string;
  maxAttempts?: number;
}

/** A real KMS client pointed at the emulator; no retries unless asked, so errors are final. */
export function kmsClient(kms: KmsEmulator, who: StsIdentity, opts: ClientOptions = {}): KMSClient {
  return new KMSClient({
    endpoint: kms.url,
    region: opts.region ?? kms.region,
    credentials: {
      accessKeyId: who.accessKeyId,
      secretAccessKey: who.secretAccessKey,
      ...(who.sessionToken === undefined ? {} : { sessionToken: who.sessionToken }),
    },
    maxAttempts: opts.maxAttempts ?? 1,
  });
}

/** Awaits a call that must fail with this KMS error code and HTTP status; returns the error. */
export async function kmsRejects(
  call: Promise<unknown>,
  code: string,
  status = 400,
): Promise<KMSServiceException> {
  try {
    await call;
  } catch (err) {
    const e = err as KMSServiceException;
    assert.equal(e.name, code, `expected ${code}, got ${e.name}: ${e.message}`);
    assert.equal(e.$metadata?.httpStatusCode, status);
    return e;
  }
  assert.fail(`expected ${code}, but the call succeeded`);
}

export interface RawAnswer {
  status: number;
  headers: Headers;
  body: string;
}

export interface RawOptions {
  /** Sign as this caller; omitted: no Authorization at all. */
  who?: StsIdentity;
  region?: string;
  /** Change the body after signing (the signature no longer covers it). */
  tamper?: string;
}

/**
 * A KMS request below the SDK, signed with @smithy/signature-v4 directly, for what the SDK would
 * never send: no signature, an unknown operation, a body that is not JSON, a tampered body.
 */
export async function rawKmsCall(
  kms: KmsEmulator,
  target: string,
  body: string,
  opts: RawOptions = {},
): Promise<RawAnswer> {
  const url = new URL(kms.url);
  let headers: Record<string, string> = {
    host: url.host,
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': target,
  };
  if (opts.who) {
    const signer = new SignatureV4({
      credentials: opts.who,
      region: opts.region ?? kms.region,
      service: 'kms',
      sha256: Hash.bind(null, 'sha256'),
    });
    const signed = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      headers,
      body,
    });
    headers = signed.headers;
  }
  const { host: _host, ...sent } = headers; // fetch sets Host itself, to the same value
  const res = await fetch(kms.url, { method: 'POST', headers: sent, body: opts.tamper ?? body });
  return { status: res.status, headers: res.headers, body: await res.text() };
}
