// `rolegate demo`: a scripted exchange against a running `rolegate dev` (or one it starts itself):
// proofs for each dev identity, tokens, verification through the JWKS, and a replay refused.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createStsProof,
  exchangeToken,
  RolegateClientError,
  STS_PROOF_TOKEN_TYPE,
} from '@rolegate/client';
import type { Command } from 'commander';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import {
  DEFAULT_DEV_STATE_DIR,
  type DevDescription,
  readDevDescription,
} from '../dev/dev-state.ts';
import { startDev } from '../dev/start-dev.ts';

const AUDIENCE = 'https://billing.example';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'run a scripted token exchange against `rolegate dev` and print the decoded tokens',
    )
    .option(
      '--state-dir <dir>',
      'the state folder of a running `rolegate dev`',
      DEFAULT_DEV_STATE_DIR,
    )
    .action(async (flags: { stateDir: string }) => {
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
        await runDemo(dev);
      } finally {
        await own?.close();
        if (tmp) rmSync(tmp, { recursive: true, force: true });
      }
    });
}

async function findRunningDev(stateDir: string): Promise<DevDescription | undefined> {
  const dev = readDevDescription(stateDir);
  if (!dev) return undefined;
  try {
    const res = await fetch(`${dev.broker.url}/healthz`, { signal: AbortSignal.timeout(1000) });
    return res.ok ? dev : undefined;
  } catch {
    return undefined;
  }
}

async function runDemo(dev: DevDescription): Promise<void> {
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

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}
