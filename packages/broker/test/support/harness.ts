// A real broker in front of the real STS emulator, both on loopback, for end-to-end tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createStsProof } from '@rolegate/client';
import {
  createDevIdentities,
  type StsEmulator,
  type StsIdentity,
  startStsEmulator,
} from '@rolegate/testkit';
import type { ReplayCache } from '../../../identity/src/replay/replay-cache.ts';
import { type Broker, type BrokerOptions, createBroker } from '../../src/broker.ts';
import { parseBrokerConfig } from '../../src/config/load-config.ts';
import type { BrokerConfigInput } from '../../src/config/schema.ts';
import { createLogger } from '../../src/http/logger.ts';

export const LOGIN_AUDIENCE = 'https://broker.test';

export interface Harness {
  readonly broker: Broker;
  readonly brokerUrl: string;
  readonly sts: StsEmulator;
  readonly identities: StsIdentity[];
  /** Everything the broker logged, as text. */
  readonly logs: () => string;
  identity(name: string): StsIdentity;
  proofFor(
    identity: StsIdentity | string,
    options?: { audience?: string; host?: string; region?: string; now?: Date; nonce?: boolean },
  ): Promise<string>;
  exchange(form: Record<string, string> | string, contentType?: string): Promise<TokenResponse>;
  login(identity: StsIdentity | string, audience?: string): Promise<TokenResponse>;
  close(): Promise<void>;
}

export interface TokenResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

export async function startHarness(
  config: Partial<BrokerConfigInput> = {},
  options: {
    replayCache?: ReplayCache;
    kmsClientFactory?: BrokerOptions['kmsClientFactory'];
    /** The STS identities (default: fresh ones); pass another harness's to share callers. */
    identities?: StsIdentity[];
  } = {},
): Promise<Harness> {
  const { identities = createDevIdentities(), ...brokerOptions } = options;
  const sts = await startStsEmulator({ identities });
  const stateDir = mkdtempSync(join(tmpdir(), 'rolegate-broker-'));
  let logText = '';
  const sink = new Writable({
    write(chunk, _enc, done) {
      logText += chunk.toString();
      done();
    },
  });
  const started = createBroker(
    parseBrokerConfig({
      issuer: 'http://broker.test',
      loginAudience: LOGIN_AUDIENCE,
      dev: true,
      stateDir,
      listen: { host: '127.0.0.1', port: 0 },
      // Test files run in parallel: a fixed admin port would be taken by the first.
      admin: { host: '127.0.0.1', port: 0 },
      // Every test client is 127.0.0.1: the per-IP limit is tested on its own (abuse.test.ts).
      limits: { tokenRequestsPerIpPerMinute: 0 },
      ...config,
      sts: { endpointOverrides: { '*': sts.url }, timeoutMs: 1500, ...config.sts },
    }),
    { logger: createLogger('info', sink), ...brokerOptions },
  );
  // A broker that refuses to start must not leave the emulator holding the test process open.
  const broker = await started.catch(async (error: unknown) => {
    await sts.close();
    rmSync(stateDir, { recursive: true, force: true });
    throw error;
  });
  const brokerUrl = await broker.listen(0);

  const identity = (name: string) => {
    const found = identities.find((i) => i.name === name);
    if (!found) throw new Error(`no identity ${name}`);
    return found;
  };
  const proofFor: Harness['proofFor'] = (who, options = {}) => {
    const id = typeof who === 'string' ? identity(who) : who;
    return createStsProof({
      audience: options.audience ?? LOGIN_AUDIENCE,
      credentials: {
        accessKeyId: id.accessKeyId,
        secretAccessKey: id.secretAccessKey,
        sessionToken: id.sessionToken,
      },
      endpoint: {
        host: options.host ?? 'sts.us-east-1.amazonaws.com',
        region: options.region ?? 'us-east-1',
      },
      now: options.now,
      nonce: options.nonce,
    });
  };
  const exchange: Harness['exchange'] = async (
    form,
    contentType = 'application/x-www-form-urlencoded',
  ) => {
    const response = await fetch(`${brokerUrl}/v1/token`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: typeof form === 'string' ? form : new URLSearchParams(form),
    });
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text);
    } catch {}
    return { status: response.status, headers: response.headers, body };
  };
  return {
    broker,
    brokerUrl,
    sts,
    identities,
    logs: () => logText,
    identity,
    proofFor,
    exchange,
    async login(who, audience = 'https://billing.example') {
      return exchange(tokenForm(await proofFor(who), audience));
    },
    async close() {
      await broker.close();
      await sts.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

export function tokenForm(
  proof: string,
  audience = 'https://billing.example',
): Record<string, string> {
  return {
    grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
    subject_token: proof,
    subject_token_type: 'urn:rolegate:token-type:aws-sts-presigned',
    audience,
  };
}
