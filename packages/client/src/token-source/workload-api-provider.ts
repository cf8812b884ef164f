// A token from the broker for the SVID the SPIFFE Workload API (a SPIRE agent) gives this workload,
// with no certificate files at all: an X.509-SVID signs an x509-assertion (default), or a JWT-SVID
// minted for the broker's login audience is exchanged. The SVID is fetched again for every token —
// the agent rotates it, and a token must never outlive the SVID it came from.
import { JWT_TOKEN_TYPE } from '@rolegate/core';
import { RolegateClientError } from '../errors.ts';
import { SPIFFE_ENDPOINT_SOCKET } from '../workload-api/endpoint.ts';
import { WorkloadApiClient } from '../workload-api/workload-api-client.ts';
import { createX509Assertion, X509_ASSERTION_TOKEN_TYPE } from '../x509-assertion.ts';
import { type BrokerChoiceOptions, brokerFailoverFor } from './broker-choice.ts';
import { type TokenProvider, TokenProviderSkipped } from './token-provider.ts';

/** As the broker names a SPIFFE JWT-SVID subject token. */
/** A JWT-SVID is sent as a plain JWT subject token. */
const JWT_SVID_TOKEN_TYPE = JWT_TOKEN_TYPE;

export interface WorkloadApiProviderOptions extends BrokerChoiceOptions {
  /** `unix:///path` or `tcp://IP:port`; SPIFFE_ENDPOINT_SOCKET when omitted. Skips when neither. */
  readonly address?: string;
  /** Which SVID proves the workload: `x509` (default) or `jwt`. */
  readonly svid?: 'x509' | 'jwt';
  /** The identity to use when the agent gives several; default its first. */
  readonly spiffeId?: string;
  /** The Workload API call's own time. */
  readonly timeoutMs?: number;
}

export function fromWorkloadApi(options: WorkloadApiProviderOptions = {}): TokenProvider {
  const brokers = brokerFailoverFor(options);
  return async (audience) => {
    const address = options.address ?? process.env[SPIFFE_ENDPOINT_SOCKET];
    if (!address) throw new TokenProviderSkipped(`no Workload API (${SPIFFE_ENDPOINT_SOCKET})`);
    const failover = brokers();
    if (!failover) throw new TokenProviderSkipped('no broker URL (ROLEGATE_BROKER_URL)');
    const client = new WorkloadApiClient({ address, timeoutMs: options.timeoutMs });
    try {
      if (options.svid === 'jwt') {
        // A JWT-SVID is minted for one audience: a new one per attempt, for that broker.
        return await failover.exchange({
          audience,
          subjectTokenType: JWT_SVID_TOKEN_TYPE,
          subjectToken: async ({ loginAudience }) =>
            (await client.fetchJwtSvid(loginAudience, options.spiffeId)).token,
        });
      }
      const svids = await client.fetchX509Svids();
      const svid =
        options.spiffeId === undefined
          ? svids[0]!
          : svids.find((s) => s.spiffeId === options.spiffeId);
      if (svid === undefined) {
        throw new RolegateClientError(
          'client.workload_api_no_identity',
          `the Workload API has no X.509-SVID for ${options.spiffeId}`,
        );
      }
      const [leaf, ...intermediates] = svid.certificates.map(pem);
      return await failover.exchange({
        audience,
        subjectTokenType: X509_ASSERTION_TOKEN_TYPE,
        subjectToken: ({ loginAudience }) =>
          createX509Assertion({
            audience: loginAudience,
            certificate: leaf!,
            chain: intermediates.length === 0 ? undefined : intermediates.join(''),
            privateKey: svid.privateKey,
          }),
      });
    } finally {
      client.close();
    }
  };
}

function pem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
