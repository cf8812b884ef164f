// The login share: every iteration proves an identity afresh — an STS proof or an X.509-SVID
// assertion exchanged at one broker replica (alternating), then the token used at the gateway —
// or sends a new `RoleGate-STS` proof straight to the gateway. Nothing is cached, so every STS,
// KMS and Redis fault shows up here first.
import { readFileSync } from 'node:fs';
import {
  createStsProof,
  createX509Assertion,
  STS_PROOF_TOKEN_TYPE,
  X509_ASSERTION_TOKEN_TYPE,
} from '@rolegate/client';
import { BROKER_ISSUER, type Caller, GATEWAY_AUDIENCE, SERVICES } from '../lib/constants.ts';
import { callGateway, exchange, type Sink } from './http.ts';
import { credentialsOf, type LoadPlan, pause, readIdentities } from './plan.ts';

const GLOBAL_STS = { kind: 'global' } as const;
const STEPS = ['sts-login', 'x509-login', 'raw-proof'] as const;
const STS_CALLERS: readonly Caller[] = ['orders', 'reviews', 'alice'];
const X509_CALLERS: readonly Caller[] = ['orders', 'reviews'];

export async function runLogins(plan: LoadPlan, sink: Sink): Promise<void> {
  const identities = readIdentities(plan);
  const svids = new Map(
    plan.workloads.map((w) => [
      w.name,
      { certificate: readFileSync(w.cert), privateKey: readFileSync(w.key) },
    ]),
  );
  const loops = Array.from({ length: plan.loops }, async (_, i) => {
    for (let n = i; Date.now() < plan.stopAt; n++) {
      const step = STEPS[n % STEPS.length]!;
      const service = SERVICES[Math.floor(n / STEPS.length) % SERVICES.length]!;
      const broker = Math.floor(n / 6) % plan.brokerUrls.length;
      const callers = step === 'x509-login' ? X509_CALLERS : STS_CALLERS;
      const caller = callers[Math.floor(n / 12) % callers.length]!;
      const asked = { lg: plan.name, kind: step, caller };
      if (step === 'raw-proof') {
        const proof = await createStsProof({
          audience: GATEWAY_AUDIENCE,
          credentials: credentialsOf(identities, caller),
          endpoint: GLOBAL_STS,
        });
        sink(
          await callGateway(asked, plan.gatewayUrl, service, {
            scheme: 'RoleGate-STS',
            credential: proof,
          }),
        );
      } else {
        const subject =
          step === 'sts-login'
            ? {
                token: await createStsProof({
                  audience: BROKER_ISSUER,
                  credentials: credentialsOf(identities, caller),
                  endpoint: GLOBAL_STS,
                }),
                type: STS_PROOF_TOKEN_TYPE,
                viaSts: true,
              }
            : {
                token: await createX509Assertion({
                  audience: BROKER_ISSUER,
                  ...svids.get(caller)!,
                }),
                type: X509_ASSERTION_TOKEN_TYPE,
                viaSts: false,
              };
        const { record, token } = await exchange(
          asked,
          plan.brokerUrls,
          broker,
          subject,
          GATEWAY_AUDIENCE,
        );
        sink(record);
        if (token) {
          sink(
            await callGateway(asked, plan.gatewayUrl, service, {
              scheme: 'Bearer',
              credential: token,
            }),
          );
        }
      }
      await pause(plan.pauseMs);
    }
  });
  await Promise.all(loops);
}
