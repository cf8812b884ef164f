// The files the real `rolegate broker` and `rolegate gateway` processes read: broker.yaml per
// replica (one shared state folder: one key ring, watched by both), gateway.yaml with the demo
// policies of `rolegate dev` (orders → billing and rates, reviews → rates), and the policy files
// the reload fault rewrites. Both brokers and the gateway (each of its workers) claim proofs in
// one Redis with one `replay` block, so a proof spent anywhere is spent everywhere. Written the
// way an operator would write them, then run unchanged.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { demoPolicy } from '../../packages/cli/src/dev/dev-gateway.ts';
import { devX509BrokerConfig, type prepareDevX509 } from '../../packages/cli/src/dev/dev-x509.ts';
import {
  ACCOUNT,
  BASE_PERMISSIONS,
  BROKER_ISSUER,
  type Caller,
  GATEWAY_AUDIENCE,
  KMS_ALIASES,
  KMS_REGION,
  SERVICES,
  type Service,
  TOKEN_TTL_SECONDS,
} from '../lib/constants.ts';

/**
 * The one `replay` block of broker.yaml and gateway.yaml: the same Redis and the default key
 * prefix at both, so one claim covers every broker and gateway worker. 2 s, not the default 1 s:
 * on a shared, starved 2-core runner a healthy Redis round trip can pass 1 s, and the soak would
 * blame the broker or the gateway for the machine.
 */
function sharedReplay(redisUrl: string) {
  return { redis: { url: redisUrl, commandTimeoutMs: 2_000 } };
}

export interface BrokerFileOptions {
  readonly dir: string;
  readonly name: string;
  readonly port: number;
  readonly adminPort: number;
  readonly stateDir: string;
  readonly stsUrl: string;
  readonly kmsUrl: string;
  readonly redisUrl: string;
  readonly x509: ReturnType<typeof prepareDevX509>['x509'];
}

export function writeBrokerConfig(o: BrokerFileOptions): string {
  const config = {
    issuer: BROKER_ISSUER,
    dev: true,
    stateDir: o.stateDir,
    listen: { host: '127.0.0.1', port: o.port },
    admin: { host: '127.0.0.1', port: o.adminPort },
    opsOnMainPort: false,
    logLevel: 'warn',
    tokens: { ttlSeconds: TOKEN_TTL_SECONDS },
    // Every load generator calls from 127.0.0.1: a per-IP limit would only measure itself.
    limits: { tokenRequestsPerIpPerMinute: 0 },
    sts: { endpointOverrides: { '*': o.stsUrl } },
    keys: { kms: { region: KMS_REGION, endpoint: o.kmsUrl, active: KMS_ALIASES[0] } },
    replay: sharedReplay(o.redisUrl),
    x509: devX509BrokerConfig(o.x509),
  };
  const file = join(o.dir, `${o.name}.yaml`);
  writeFileSync(file, stringify(config));
  return file;
}

/** Who may call `service`, with the planted fault (if any) applied. */
export function permittedCallers(
  service: Service,
  options: { readonly flipped: boolean; readonly plant?: string },
): Caller[] {
  const callers = [...BASE_PERMISSIONS[service]];
  if (options.plant === 'allow-reviews-billing' && service === 'billing') callers.push('reviews');
  if (options.flipped && service === 'rates') return callers.filter((c) => c !== 'reviews');
  return callers;
}

/** (Re)writes the service policies: the reload fault calls this, then sends SIGHUP. */
export function writePolicies(
  dir: string,
  options: { readonly flipped: boolean; readonly plant?: string },
): void {
  for (const service of SERVICES) {
    const policy = demoPolicy(service, permittedCallers(service, options));
    writeFileSync(join(dir, `${service}-policy.json`), `${JSON.stringify(policy, null, 2)}\n`);
  }
}

export interface GatewayFileOptions {
  readonly dir: string;
  readonly port: number;
  readonly adminPort: number;
  readonly jwksUri: string;
  readonly stsUrl: string;
  /** The brokers' Redis: raw `RoleGate-STS` proofs are claimed there too. */
  readonly redisUrl: string;
  readonly backends: Readonly<Record<Service, string>>;
  readonly plant?: string;
}

export function writeGatewayConfig(o: GatewayFileOptions): string {
  mkdirSync(o.dir, { recursive: true });
  writePolicies(o.dir, { flipped: false, plant: o.plant });
  const networkPolicy = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: '*',
        Action: 'vpc-lattice-svcs:Invoke',
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:PrincipalAccount': ACCOUNT },
          StringNotEquals: { 'aws:PrincipalType': 'Anonymous' },
        },
      },
    ],
  };
  writeFileSync(join(o.dir, 'network-policy.json'), JSON.stringify(networkPolicy, null, 2));
  const config = {
    listeners: [{ host: '127.0.0.1', port: o.port }],
    admin: { host: '127.0.0.1', port: o.adminPort },
    logLevel: 'warn',
    jwt: { issuer: BROKER_ISSUER, jwksUri: o.jwksUri },
    sts: { endpointOverrides: { '*': o.stsUrl }, allowInsecureEndpoints: true },
    replay: sharedReplay(o.redisUrl),
    serviceNetwork: {
      arn: 'arn:rolegate:lattice:::servicenetwork/soak',
      policy: 'network-policy.json',
    },
    services: SERVICES.map((name) => ({
      name,
      listener: { pathPrefix: `/${name}` },
      upstreams: [o.backends[name]],
      audiences: [GATEWAY_AUDIENCE],
      policy: `${name}-policy.json`,
      // A dead backend must answer 502 quickly, not hold callers for the default 30 s.
      upstream: { connectTimeoutMs: 1_000, headersTimeoutMs: 5_000 },
    })),
  };
  const file = join(o.dir, 'gateway.yaml');
  writeFileSync(file, stringify(config));
  return file;
}
