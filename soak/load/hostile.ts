// The hostile share: credentials that must never open a service — a forged signature, an expired
// token validly signed by the broker's own key, a token minted for another audience, proofs
// replayed at the gateway (twice at once, across its two workers) and at both broker replicas at
// once, and each of those proofs, once spent, replayed across (a gateway's at a broker, a broker's
// at the gateway: only the shared Redis claim can refuse it as replayed) — and the kept tokens:
// the last token of every key, presented until it expires, so that a revoked key's tokens are
// seen being refused once the revocation has propagated.
import { readFileSync } from 'node:fs';
import {
  createStsProof,
  createX509Assertion,
  STS_PROOF_TOKEN_TYPE,
  X509_ASSERTION_TOKEN_TYPE,
} from '@rolegate/client';
import { BROKER_ISSUER, GATEWAY_AUDIENCE } from '../lib/constants.ts';
import type { Kind } from '../oracle/records.ts';
import { ExpiredTokenMaker } from './expired-token.ts';
import { callGateway, exchange, kidOf, type Sink } from './http.ts';
import { credentialsOf, type LoadPlan, pause, readIdentities } from './plan.ts';

const GLOBAL_STS = { kind: 'global' } as const;
const CASES = ['forged', 'expired', 'wrong-audience', 'replay-gateway', 'replay-broker'] as const;
/** Kept tokens are dropped this long before the gateway's leeway (30 s past `exp`) runs out. */
const KEEP_UNTIL_AFTER_EXP_S = 20;

function expOf(token: string): number {
  const payload = token.split('.')[1] ?? '';
  return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp: number }).exp;
}

export async function runHostile(plan: LoadPlan, sink: Sink): Promise<void> {
  const identities = readIdentities(plan);
  const orders = plan.workloads.find((w) => w.name === 'orders')!;
  const svid = { certificate: readFileSync(orders.cert), privateKey: readFileSync(orders.key) };
  const expired = new ExpiredTokenMaker(plan, identities);
  /** The latest token of each kid; the first one seen is the template for the expired token. */
  const kept = new Map<string, string>();
  let template: string | undefined;
  let broker = 0;

  const login = async (kind: Kind, audience = GATEWAY_AUDIENCE) => {
    const assertion = await createX509Assertion({ audience: BROKER_ISSUER, ...svid });
    broker = (broker + 1) % plan.brokerUrls.length;
    const subject = { token: assertion, type: X509_ASSERTION_TOKEN_TYPE, viaSts: false };
    const { record, token } = await exchange(
      { lg: plan.name, kind, caller: 'orders' },
      plan.brokerUrls,
      broker,
      subject,
      audience,
    );
    sink(record);
    const kid = token ? kidOf(token) : undefined;
    if (token && kid && audience === GATEWAY_AUDIENCE) {
      kept.set(kid, token);
      template ??= token;
    }
    return token;
  };
  const gateway = (kind: Kind, scheme: 'Bearer' | 'RoleGate-STS', credential: string) =>
    callGateway({ lg: plan.name, kind, caller: 'orders' }, plan.gatewayUrl, 'rates', {
      scheme,
      credential,
    });

  for (let n = 0; Date.now() < plan.stopAt; n++) {
    const step = CASES[n % CASES.length]!;
    if (step === 'forged') {
      const token = await login('hostile-kept-token');
      if (token) {
        // Another signature of the right length: flip bits in its middle.
        const [h, p, s] = token.split('.') as [string, string, string];
        const sig = Buffer.from(s, 'base64url');
        sig[sig.length >> 1]! ^= 0xff;
        sink(await gateway('hostile-forged', 'Bearer', `${h}.${p}.${sig.toString('base64url')}`));
      }
    } else if (step === 'expired' && template) {
      const token = await expired.make(template);
      if (token) sink(await gateway('hostile-expired', 'Bearer', token));
    } else if (step === 'wrong-audience') {
      const token = await login('hostile-wrong-audience', 'https://elsewhere.soak.rolegate.dev');
      if (token) sink(await gateway('hostile-wrong-audience', 'Bearer', token));
    } else if (step === 'replay-gateway') {
      const proof = await createStsProof({
        audience: GATEWAY_AUDIENCE,
        credentials: credentialsOf(identities, 'orders'),
        endpoint: GLOBAL_STS,
      });
      const twice = await Promise.all(
        [1, 2].map(() => gateway('hostile-replay-gateway', 'RoleGate-STS', proof)),
      );
      const again = await gateway('hostile-replay-gateway', 'RoleGate-STS', proof);
      for (const record of [...twice, again]) sink(record);
      // Spent at the gateway (not when every try failed: then nothing was claimed): a broker.
      if ([...twice, again].some((r) => r.status === 200)) {
        broker = (broker + 1) % plan.brokerUrls.length;
        const subject = { token: proof, type: STS_PROOF_TOKEN_TYPE, viaSts: true };
        const asked = {
          lg: plan.name,
          kind: 'hostile-replay-cross' as const,
          caller: 'orders' as const,
        };
        sink((await exchange(asked, plan.brokerUrls, broker, subject, GATEWAY_AUDIENCE)).record);
      }
    } else if (step === 'replay-broker') {
      const proof = await createStsProof({
        audience: BROKER_ISSUER,
        credentials: credentialsOf(identities, 'orders'),
        endpoint: GLOBAL_STS,
      });
      const subject = { token: proof, type: STS_PROOF_TOKEN_TYPE, viaSts: true };
      const asked = {
        lg: plan.name,
        kind: 'hostile-replay-broker' as const,
        caller: 'orders' as const,
      };
      const both = await Promise.all(
        plan.brokerUrls.map((_, i) =>
          exchange(asked, plan.brokerUrls, i, subject, GATEWAY_AUDIENCE),
        ),
      );
      const again = await exchange(asked, plan.brokerUrls, 0, subject, GATEWAY_AUDIENCE);
      const records = [...both.map((b) => b.record), again.record];
      for (const record of records) sink(record);
      // Spent at a broker: the gateway must refuse it as replayed, before it asks STS.
      if (records.some((r) => r.status === 200)) {
        sink(await gateway('hostile-replay-cross', 'RoleGate-STS', proof));
      }
    }
    // Every kept token, every round, until shortly before it would expire anyway.
    const now = Date.now() / 1000;
    for (const [kid, token] of kept) {
      if (now > expOf(token) + KEEP_UNTIL_AFTER_EXP_S) kept.delete(kid);
      else sink(await gateway('hostile-kept-token', 'Bearer', token));
    }
    await pause(plan.pauseMs);
  }
  expired.close();
}
