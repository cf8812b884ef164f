// The gateway of `rolegate dev`: the Lattice + SPIFFE walkthrough on loopback. Two demo backends,
// `billing` and `rates`, sit behind the gateway with the walkthrough's auth policies — orders may
// call billing and rates, reviews only rates, nobody else — written so that they hold for the
// `orders` and `reviews` identities of every kind: the STS role sessions (a broker token, or a raw
// presigned proof sent to the gateway) and the SPIFFE SVIDs (a broker token from an X.509 login,
// or the SVID itself as the TLS client certificate on the gateway's HTTPS listener).
// The config and policies are written to <state-dir>/gateway, so `rolegate gateway --config` can
// run the same thing by hand.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGateway, type Gateway, loadGatewayConfigFile } from '@rolegate/gateway';
import { createTestCa, issueServerCert } from '@rolegate/testkit';
import type { Logger } from 'pino';
import { stringify } from 'yaml';
import { type DemoBackend, startDemoBackend } from './demo-backends.ts';
import { DEV_SPIFFE_ROLE, DEV_TRUST_DOMAIN } from './dev-x509.ts';

export const DEMO_SERVICES = ['billing', 'rates'] as const;
const ACCOUNT = '111122223333';

/** `dev.json`'s `gateway` section. */
export interface DevGatewayDescription {
  readonly url: string;
  /** The `aud` a token must carry (and an STS proof must be made for) to pass the gateway. */
  readonly audience: string;
  /** Service name → the URL to call it through the gateway. */
  readonly services: Readonly<Record<string, string>>;
  readonly config: string;
  /**
   * The same services on an HTTPS listener that takes SPIFFE SVIDs as TLS client certificates
   * (no token): its URL, the CA its server certificate chains to, and each service's URL there.
   */
  readonly mtls?: {
    readonly url: string;
    readonly ca: string;
    readonly services: Readonly<Record<string, string>>;
  };
  /**
   * Forward auth for a proxy of your own (docs/forward-auth.md): the URL it calls for each
   * decision — nginx's `auth_request` target (the `x-original` convention: X-Original-Method,
   * X-Original-URI, X-Forwarded-Host).
   */
  readonly forwardAuth?: { readonly url: string; readonly convention: 'x-original' };
  /** Service name → the demo backend's own address, for a proxy to send allowed requests to. */
  readonly backends?: Readonly<Record<string, string>>;
}

export interface RunningDevGateway {
  readonly description: DevGatewayDescription;
  close(): Promise<void>;
}

export interface DevGatewayOptions {
  readonly stateDir: string;
  /** 0 = any free port. */
  readonly port: number;
  readonly adminPort: number;
  readonly brokerIssuer: string;
  readonly sts: { readonly url: string; readonly caFile: string };
  /** The dev trust domain's bundle: the HTTPS listener trusts its SVIDs. */
  readonly spiffeBundle: string;
  /** 0 = any free port. */
  readonly mtlsPort: number;
  /** The forward-auth listener's port; 0 = any free port. */
  readonly forwardAuthPort: number;
  readonly logger?: Logger;
  readonly logLevel?: string;
}

/** Who may call what: orders → billing and rates, reviews → rates. */
const CALLERS: Readonly<Record<(typeof DEMO_SERVICES)[number], readonly string[]>> = {
  billing: ['orders'],
  rates: ['orders', 'reviews'],
};

/** A Lattice auth policy admitting `names` as STS role sessions and as SPIFFE workloads. */
export function demoPolicy(service: string, names: readonly string[]) {
  const resource = `arn:rolegate:lattice:::service/${service}/*`;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'RoleSessions',
        Effect: 'Allow',
        Principal: { AWS: names.map((n) => `arn:aws:iam::${ACCOUNT}:role/${n}`) },
        Action: 'vpc-lattice-svcs:Invoke',
        Resource: resource,
      },
      {
        Sid: 'SpiffeWorkloads',
        Effect: 'Allow',
        Principal: '*',
        Action: 'vpc-lattice-svcs:Invoke',
        Resource: resource,
        Condition: {
          StringEquals: {
            'aws:PrincipalTag/x509SAN/URI': names.map(
              (n) => `spiffe://${DEV_TRUST_DOMAIN}/service/${n}`,
            ),
          },
        },
      },
    ],
  };
}

/** The service network's policy: only authenticated callers of the dev account. */
const NETWORK_POLICY = {
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

export async function startDevGateway(options: DevGatewayOptions): Promise<RunningDevGateway> {
  const dir = join(options.stateDir, 'gateway');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const backends: DemoBackend[] = [];
  let gateway: Gateway | undefined;
  try {
    for (const name of DEMO_SERVICES) backends.push(await startDemoBackend(name));
    const writeJson = (file: string, value: unknown) => {
      writeFileSync(join(dir, file), `${JSON.stringify(value, null, 2)}\n`);
      return file;
    };
    // The audience is fixed before the port is known (`--port 0`): a name, not a URL.
    const audience = 'https://gateway.rolegate.dev';
    // The HTTPS listener's own certificate, from a CA of its own (not the SPIFFE dev CA, whose
    // name constraints allow only SPIFFE IDs).
    const tlsCa = await createTestCa({ commonName: 'rolegate dev gateway CA', validityDays: 30 });
    const server = await issueServerCert(tlsCa, { hosts: ['127.0.0.1', 'localhost'] });
    writeFileSync(join(dir, 'tls-ca.pem'), tlsCa.certPem);
    writeFileSync(join(dir, 'tls.pem'), server.chainPem);
    writeFileSync(join(dir, 'tls-key.pem'), server.keyPem, { mode: 0o600 });
    const config = {
      listeners: [
        { host: '127.0.0.1', port: options.port },
        {
          host: '127.0.0.1',
          port: options.mtlsPort,
          tls: { certFile: 'tls.pem', keyFile: 'tls-key.pem' },
        },
      ],
      x509: {
        trustDomains: [{ name: DEV_TRUST_DOMAIN, bundleFile: options.spiffeBundle }],
        profiles: [
          { name: 'dev-workloads', trustDomain: DEV_TRUST_DOMAIN, roleArn: DEV_SPIFFE_ROLE },
        ],
      },
      admin: { host: '127.0.0.1', port: options.adminPort },
      logLevel: options.logLevel ?? 'warn',
      jwt: { issuer: options.brokerIssuer },
      sts: {
        endpointOverrides: { '*': options.sts.url },
        caFile: options.sts.caFile,
        allowInsecureEndpoints: true,
      },
      serviceNetwork: {
        arn: 'arn:rolegate:lattice:::servicenetwork/dev',
        policy: writeJson('network-policy.json', NETWORK_POLICY),
      },
      // nginx's auth_request convention; an Allow may be cached by the proxy for 30 s at most
      // (the dev policies read only the principal and the path).
      forwardAuth: {
        listeners: [{ host: '127.0.0.1', port: options.forwardAuthPort, convention: 'x-original' }],
        decisionCacheSeconds: 30,
      },
      services: backends.map((backend) => ({
        name: backend.name,
        listener: { pathPrefix: `/${backend.name}` },
        upstreams: [backend.url],
        audiences: [audience],
        policy: writeJson(
          `${backend.name}-policy.json`,
          demoPolicy(backend.name, CALLERS[backend.name as (typeof DEMO_SERVICES)[number]]),
        ),
      })),
    };
    const configFile = join(dir, 'gateway.yaml');
    writeFileSync(
      configFile,
      `# Written by rolegate dev at every start; run it yourself with rolegate gateway --config\n${stringify(config)}`,
    );
    gateway = await createGateway(
      loadGatewayConfigFile(configFile),
      options.logger ? { logger: options.logger, configFile } : { configFile },
    );
    await gateway.listen();
    const [url, mtlsUrl] = gateway.urls as [string, string];
    const running = gateway;
    const servicesAt = (base: string) =>
      Object.fromEntries(DEMO_SERVICES.map((name) => [name, `${base}/${name}`]));
    return {
      description: {
        url,
        audience,
        services: servicesAt(url),
        config: configFile,
        mtls: { url: mtlsUrl, ca: join(dir, 'tls-ca.pem'), services: servicesAt(mtlsUrl) },
        forwardAuth: { url: `${running.forwardAuthUrls[0]}/auth`, convention: 'x-original' },
        backends: Object.fromEntries(backends.map((b) => [b.name, b.url])),
      },
      async close() {
        await running.close();
        await Promise.all(backends.map((b) => b.close()));
      },
    };
  } catch (error) {
    await gateway?.close();
    await Promise.all(backends.map((b) => b.close()));
    throw error;
  }
}
