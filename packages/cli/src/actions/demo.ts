// What `rolegate demo` runs (its flags: ../commands/demo.ts): a scripted exchange against a
// running `rolegate dev` (or one it starts itself): proofs for each dev identity, tokens,
// verification through the JWKS, and a replay refused; then the Lattice + SPIFFE walkthrough
// through the gateway with STS and SPIFFE identities.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createSession,
  createStsProof,
  createX509Assertion,
  exchangeToken,
  loadSigningMaterial,
  RolegateClientError,
  STS_PROOF_TOKEN_TYPE,
  X509_ASSERTION_TOKEN_TYPE,
} from '@rolegate/client';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import type { DemoFlags } from '../commands/demo.ts';
import { type DevDescription, readDevDescription } from '../dev/dev-state.ts';
import { startDev } from '../dev/start-dev.ts';

const AUDIENCE = 'https://billing.example';

export async function runDemo(flags: DemoFlags): Promise<void> {
  const running = await findRunningDev(flags.stateDir);
  const tmp = running ? undefined : mkdtempSync(join(tmpdir(), 'rolegate-demo-'));
  const own = tmp ? await startDev({ stateDir: tmp, port: 0, logLevel: 'silent' }) : undefined;
  const dev = running ?? own!.description;
  try {
    say(
      running
        ? `using the running rolegate dev at ${dev.broker.url}`
        : `started a private rolegate dev at ${dev.broker.url}`,
    );
    await runTokenDemo(dev);
    await runGatewayDemo(dev);
  } finally {
    await own?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

async function findRunningDev(stateDir: string): Promise<DevDescription | undefined> {
  const dev = readDevDescription(stateDir);
  if (!dev) return undefined;
  try {
    const health = `${dev.broker.adminUrl ?? dev.broker.url}/healthz`;
    const res = await fetch(health, { signal: AbortSignal.timeout(1000) });
    return res.ok ? dev : undefined;
  } catch {
    return undefined;
  }
}

async function runTokenDemo(dev: DevDescription): Promise<void> {
  const jwks = createRemoteJWKSet(new URL(dev.broker.jwksUrl));
  for (const identity of dev.identities) {
    const credentials = {
      accessKeyId: identity.accessKeyId,
      secretAccessKey: identity.secretAccessKey,
      sessionToken: identity.sessionToken,
    };
    const proof = await createStsProof({
      audience: dev.broker.loginAudience,
      credentials,
      endpoint: { kind: 'regional', region: 'us-east-1' },
    });
    say(`\n== ${identity.name}: ${identity.arn}`);
    say(`1. proof (presigned GetCallerIdentity, ${proof.length} chars): ${proof.slice(0, 48)}…`);
    const token = await exchangeToken({
      brokerUrl: dev.broker.url,
      audience: AUDIENCE,
      subjectToken: proof,
      subjectTokenType: STS_PROOF_TOKEN_TYPE,
    });
    say(`2. token for ${AUDIENCE}, expires in ${token.expiresIn}s`);
    const { payload } = await jwtVerify(token.accessToken, jwks, {
      issuer: dev.broker.issuer,
      audience: AUDIENCE,
    });
    say('3. verified against the JWKS; header and claims:');
    say(
      JSON.stringify(
        { header: decodeProtectedHeader(token.accessToken), claims: payload },
        null,
        2,
      ),
    );
    try {
      await exchangeToken({
        brokerUrl: dev.broker.url,
        audience: AUDIENCE,
        subjectToken: proof,
        subjectTokenType: STS_PROOF_TOKEN_TYPE,
      });
      throw new Error('the broker accepted a replayed proof');
    } catch (error) {
      if (!(error instanceof RolegateClientError)) throw error;
      say(`4. the same proof again is refused: ${error.status} ${error.rolegateCode}`);
    }
  }
}

/**
 * The four calls of the Lattice + SPIFFE walkthrough through the gateway, for each kind of
 * identity: orders → billing and rates allowed, reviews → rates allowed, reviews → billing denied.
 */
async function runGatewayDemo(dev: DevDescription): Promise<void> {
  const { gateway } = dev;
  say(`\n== the gateway at ${gateway.url}: billing and rates behind the walkthrough's policies`);
  const calls = [
    ['orders', 'billing'],
    ['orders', 'rates'],
    ['reviews', 'rates'],
    ['reviews', 'billing'],
  ] as const;
  const kinds: [string, (who: string) => Promise<string>][] = [
    ['STS role session (broker token)', (who) => stsToken(dev, who, gateway.audience)],
    [
      'SPIFFE SVID (broker token from an X.509 login)',
      (who) => svidToken(dev, who, gateway.audience),
    ],
    [
      'SPIFFE SVID → IAM Roles Anywhere credentials → STS proof (broker token; STS tells no session tags)',
      (who) => rolesAnywhereToken(dev, who, gateway.audience),
    ],
  ];
  const forged = { 'x-rolegate-identity': 'Principal=forged' };
  const modes: [string, (who: string, service: string) => Promise<DemoAnswer>][] = kinds.map(
    ([kind, tokenFor]) => [
      kind,
      async (who, service) => {
        const res = await fetch(`${gateway.services[service]}/demo?caller=${who}`, {
          headers: { authorization: `Bearer ${await tokenFor(who)}`, ...forged },
        });
        return { status: res.status, body: (await res.json()) as DemoAnswer['body'] };
      },
    ],
  );
  const mtls = gateway.mtls;
  if (mtls !== undefined) {
    modes.push([
      'SPIFFE SVID as the TLS client certificate (no token at all)',
      (who, service) => {
        const workload = dev.x509.workloads.find((w) => w.name === who)!;
        return mtlsGet(`${mtls.services[service]}/demo?caller=${who}`, forged, {
          ca: readFileSync(mtls.ca),
          cert: Buffer.concat([readFileSync(workload.cert), readFileSync(workload.chain)]),
          key: readFileSync(workload.key),
        });
      },
    ]);
  }
  for (const [kind, call] of modes) {
    say(`\n-- ${kind}`);
    for (const [who, service] of calls) {
      const { status, body } = await call(who, service);
      if (status >= 200 && status < 300) {
        if (body.headers?.['x-rolegate-identity'] === 'Principal=forged') {
          throw new Error(`the gateway passed a forged identity header on to ${service}`);
        }
        say(`${who} → ${service}: ${status} allowed; ${service} saw:`);
        say(`   x-rolegate-identity: ${body.headers?.['x-rolegate-identity']}`);
        const tags = body.headers?.['x-rolegate-identity-tags'];
        if (tags) say(`   x-rolegate-identity-tags: ${tags}`);
        say(`   x-rolegate-service: ${body.headers?.['x-rolegate-service']}`);
      } else {
        say(
          `${who} → ${service}: ${status} ${body.rolegate_code} (denied by ${service}'s auth policy)`,
        );
      }
    }
  }
  say('\n(the forged x-rolegate-identity header each call sent never reached a backend)');
}

interface DemoAnswer {
  readonly status: number;
  readonly body: { headers?: Record<string, string>; rolegate_code?: string };
}

/** One GET over a TLS connection of its own that presents the workload's SVID. */
function mtlsGet(
  url: string,
  headers: Record<string, string>,
  tls: { ca: Buffer; cert: Buffer; key: Buffer },
): Promise<DemoAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { headers, agent: false, ...tls }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        try {
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
          });
        } catch (error) {
          reject(error);
        }
      });
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer from ${url}`)));
    req.on('error', reject);
    req.end();
  });
}

async function stsToken(dev: DevDescription, who: string, audience: string): Promise<string> {
  const identity = dev.identities.find((i) => i.name === who)!;
  return tokenWithAwsCredentials(dev, audience, {
    accessKeyId: identity.accessKeyId,
    secretAccessKey: identity.secretAccessKey,
    sessionToken: identity.sessionToken,
  });
}

/** An STS proof signed with `credentials`, exchanged at the dev broker for a token. */
async function tokenWithAwsCredentials(
  dev: DevDescription,
  audience: string,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
): Promise<string> {
  const proof = await createStsProof({
    audience: dev.broker.loginAudience,
    credentials,
    endpoint: { kind: 'regional', region: 'us-east-1' },
  });
  return (
    await exchangeToken({
      brokerUrl: dev.broker.url,
      audience,
      subjectToken: proof,
      subjectTokenType: STS_PROOF_TOKEN_TYPE,
    })
  ).accessToken;
}

/**
 * The walkthrough's own path: the SVID buys role credentials from Roles Anywhere (what
 * `rolegate credential-process` does for an SDK), and those sign an ordinary STS proof. The token
 * names the role session; it carries no x509 tags, because STS's GetCallerIdentity does not
 * return session tags to anyone (docs/roles-anywhere.md).
 */
async function rolesAnywhereToken(
  dev: DevDescription,
  who: string,
  audience: string,
): Promise<string> {
  const workload = dev.x509.workloads.find((w) => w.name === who)!;
  const { rolesAnywhere } = dev;
  const material = await loadSigningMaterial({
    certificate: workload.cert,
    privateKey: workload.key,
  });
  const session = await createSession({
    endpoint: rolesAnywhere.endpoint,
    region: rolesAnywhere.region,
    trustAnchorArn: rolesAnywhere.trustAnchorArn,
    profileArn: rolesAnywhere.profileArn,
    roleArn: rolesAnywhere.roles[who]!,
    certificate: material.certificate,
    intermediates: material.intermediates,
    privateKey: material.privateKey,
  });
  return tokenWithAwsCredentials(dev, audience, session);
}

async function svidToken(dev: DevDescription, who: string, audience: string): Promise<string> {
  const workload = dev.x509.workloads.find((w) => w.name === who)!;
  const assertion = await createX509Assertion({
    audience: dev.broker.loginAudience,
    certificate: readFileSync(workload.cert),
    privateKey: readFileSync(workload.key),
    chain: readFileSync(workload.chain),
  });
  return (
    await exchangeToken({
      brokerUrl: dev.broker.url,
      audience,
      subjectToken: assertion,
      subjectTokenType: X509_ASSERTION_TOKEN_TYPE,
    })
  ).accessToken;
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}
