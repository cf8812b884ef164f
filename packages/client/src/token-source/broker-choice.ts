// The broker options every broker-bound provider shares, and the one BrokerFailover a provider
// keeps for them. It is built on the provider's first call, when ROLEGATE_BROKER_URL is read (as
// before: a program may set the environment after building its token source), and kept while the
// brokers named stay the same, so which broker failed and which answered last carries over from
// one refresh to the next.
import { BrokerFailover } from '../failover/broker-failover.ts';
import { type BrokerUrls, configuredBrokers } from '../failover/broker-list.ts';
import type { FailoverOptions } from '../failover/failover-policy.ts';

export interface BrokerChoiceOptions {
  /**
   * The broker's base URL, or several brokers sharing one issuer to fail over between (an array,
   * or one string with commas), first preferred; ROLEGATE_BROKER_URL (which may hold commas) when
   * omitted.
   */
  readonly brokerUrl?: BrokerUrls;
  /** The broker's login audience; read from each broker's discovery document when omitted. */
  readonly loginAudience?: string;
  /** The `iss` every broker's tokens must carry; a broker issuing another is failed over. */
  readonly expectedIssuer?: string;
  /** Attempts, deadline, back-off and how long a failed broker is passed over. */
  readonly failover?: FailoverOptions;
  readonly fetch?: typeof fetch;
}

/** The provider's BrokerFailover for the brokers configured now, or undefined when none are. */
export function brokerFailoverFor(options: BrokerChoiceOptions): () => BrokerFailover | undefined {
  let current: { key: string; failover: BrokerFailover } | undefined;
  return () => {
    const brokers = configuredBrokers(options.brokerUrl);
    if (brokers === undefined) return undefined;
    const key = brokers.join(' ');
    if (current?.key !== key) {
      current = {
        key,
        failover: new BrokerFailover({
          brokerUrl: brokers,
          loginAudience: options.loginAudience,
          expectedIssuer: options.expectedIssuer,
          failover: options.failover,
          fetch: options.fetch,
        }),
      };
    }
    return current.failover;
  };
}
