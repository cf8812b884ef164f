// The well-behaved share: callers holding a TokenSource each (one token per audience, refreshed
// ahead of expiry in the background, failures backed off), calling billing and rates through the
// gateway. Even callers use the soak's own provider, which signs a new proof per attempt and
// fails over across the broker replicas in order, recording every exchange; odd callers use the
// product's fromBrokerWithAwsCredentials — with every broker URL when the client fails over
// (comma-separated `brokerUrl`), else with one URL each, as applications did before.
import {
  createStsProof,
  fromBrokerWithAwsCredentials,
  RolegateClientError,
  STS_PROOF_TOKEN_TYPE,
  type TokenProvider,
  TokenSource,
} from '@rolegate/client';
import { BROKER_ISSUER, type Caller, GATEWAY_AUDIENCE, SERVICES } from '../lib/constants.ts';
import { callGateway, exchange, type Sink } from './http.ts';
import { credentialsOf, type LoadPlan, pause, readIdentities } from './plan.ts';

const CLIENT_CALLERS: readonly Caller[] = ['orders', 'reviews', 'orders', 'alice'];
const GLOBAL_STS = { kind: 'global' } as const;

/** Whether this @rolegate/client has broker failover (it knows the code of all brokers failing). */
const CLIENT_FAILS_OVER = 'client.all_brokers_failed' in RolegateClientError.registry;

/** The list starting at `n` (callers prefer different replicas first). */
const rotate = (list: readonly string[], n: number) =>
  list.map((_, k) => list[(k + n) % list.length]!);

function recordingProvider(plan: LoadPlan, caller: Caller, sink: Sink): TokenProvider {
  const credentials = credentialsOf(readIdentities(plan), caller);
  return async (audience) => {
    let lastError: unknown;
    for (let broker = 0; broker < plan.brokerUrls.length; broker++) {
      const proof = await createStsProof({
        audience: BROKER_ISSUER,
        credentials,
        endpoint: GLOBAL_STS,
      });
      const asked = { lg: plan.name, kind: 'client' as const, caller };
      const subject = { token: proof, type: STS_PROOF_TOKEN_TYPE, viaSts: true };
      const { record, token } = await exchange(asked, plan.brokerUrls, broker, subject, audience);
      sink(record);
      if (token) {
        return {
          accessToken: token,
          tokenType: 'Bearer',
          issuedTokenType: 'urn:ietf:params:oauth:token-type:jwt',
          expiresIn: 60,
          expiresAt: new Date(Date.now() + 60_000),
        };
      }
      lastError = new RolegateClientError(
        'client.broker_rejected',
        `broker ${broker}: ${record.status}`,
        {
          status: record.status,
          rolegateCode: record.code,
        },
      );
      // A refusal is the broker's answer for every replica; only unavailability is worth a retry.
      if (record.status !== 0 && record.status < 500) break;
    }
    throw lastError;
  };
}

export async function runClients(plan: LoadPlan, sink: Sink): Promise<void> {
  const loops = Array.from({ length: plan.loops }, async (_, i) => {
    const caller = CLIENT_CALLERS[i % CLIENT_CALLERS.length]!;
    const provider =
      i % 2 === 0
        ? recordingProvider(plan, caller, sink)
        : fromBrokerWithAwsCredentials({
            brokerUrl: CLIENT_FAILS_OVER
              ? rotate(plan.brokerUrls, i >> 1).join(',')
              : plan.brokerUrls[(i >> 1) % plan.brokerUrls.length],
            loginAudience: BROKER_ISSUER,
            credentials: credentialsOf(readIdentities(plan), caller),
            endpoint: GLOBAL_STS,
          });
    const source = new TokenSource({ provider, minBackoffMs: 250, maxBackoffMs: 2_000 });
    for (let n = 0; Date.now() < plan.stopAt; n++) {
      const service = SERVICES[n % SERVICES.length]!;
      const asked = { lg: plan.name, kind: 'client' as const, caller };
      let token: string;
      const t = Date.now();
      try {
        token = await source.getToken(GATEWAY_AUDIENCE);
      } catch (error) {
        // No usable token: what the caller sees is the broker's failure (odd callers only; the
        // recording provider already wrote its attempts).
        if (i % 2 === 1) {
          const e = error as RolegateClientError;
          const answered = e.code === 'client.broker_rejected';
          sink({
            t,
            end: Date.now(),
            ...asked,
            target: 'broker',
            broker: (i >> 1) % plan.brokerUrls.length,
            status: answered ? e.status : 0,
            code: answered ? e.rolegateCode : undefined,
            retryAfter: e.retryAfterSeconds !== undefined,
            error: answered ? undefined : String(e.code ?? error),
            viaSts: true,
          });
        }
        await pause(plan.pauseMs);
        continue;
      }
      const record = await callGateway(asked, plan.gatewayUrl, service, {
        scheme: 'Bearer',
        credential: token,
      });
      sink(record);
      // A refused token (a revoked key) is dropped, as the TokenSource's docs advise.
      if (record.status === 401) source.invalidate(GATEWAY_AUDIENCE);
      await pause(plan.pauseMs);
    }
  });
  await Promise.all(loops);
}
