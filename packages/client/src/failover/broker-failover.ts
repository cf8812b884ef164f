// Logins at one of several brokers that share an issuer (their tokens are interchangeable). One
// BrokerFailover lives as long as its token provider, so the pool's memory — which broker failed,
// which answered last — carries from one refresh to the next.
//
// Every attempt makes its subject token anew, for the broker it goes to: a broker that failed
// may still have consumed the proof it was sent (the STS login claims a proof once STS confirmed
// it; a 503 from the signing key, or a timeout after the request went out, comes after that), so
// resending it would be refused as a replay at best and is a bearer credential travelling twice
// at worst. A new presigned STS request or X.509 assertion is signed locally in about a
// millisecond; it also carries the audience of the broker it is for, which may differ per broker.
import { RolegateClientError } from '../errors.ts';
import { discoverLoginAudience } from '../login-audience.ts';
import { exchangeToken, type IssuedToken } from '../token-exchange.ts';
import { type BrokerUrls, brokerUrlList } from './broker-list.ts';
import { BrokerPool } from './broker-pool.ts';
import { type FailoverOptions, type ResolvedFailover, resolveFailover } from './failover-policy.ts';
import { withFailover } from './with-failover.ts';

export interface BrokerFailoverOptions {
  /** One broker URL, several (an array, or separated by commas), tried in this order. */
  readonly brokerUrl: BrokerUrls;
  /** The login audience every broker takes; else each broker's, from its discovery document. */
  readonly loginAudience?: string;
  /**
   * The `iss` every broker must put in its tokens. When set, a token with another issuer is that
   * broker's failure (a replica configured apart from the others) and the next is asked. Unset,
   * the brokers are assumed to share one issuer, as they must for failover to make sense.
   */
  readonly expectedIssuer?: string;
  readonly fetch?: typeof fetch;
  readonly failover?: FailoverOptions;
}

export interface BrokerAttempt {
  readonly brokerUrl: string;
  readonly timeoutMs: number;
  /** This broker's login audience (configured, or discovered once and remembered). */
  readonly loginAudience: () => Promise<string>;
}

export interface FailoverExchangeInput {
  /** The service the token is for (`aud`). */
  readonly audience: string;
  readonly subjectTokenType: string;
  /** Makes a new subject token for one attempt; called once per attempt, never reused. */
  readonly subjectToken: (target: {
    readonly brokerUrl: string;
    readonly loginAudience: string;
  }) => Promise<string>;
}

export class BrokerFailover {
  readonly brokerUrls: readonly string[];
  readonly #pool: BrokerPool;
  readonly #failover: ResolvedFailover;
  readonly #options: BrokerFailoverOptions;
  readonly #loginAudiences = new Map<string, string>();

  constructor(options: BrokerFailoverOptions) {
    this.brokerUrls = brokerUrlList(options.brokerUrl);
    this.#options = options;
    this.#failover = resolveFailover(options.failover ?? {}, this.brokerUrls.length);
    this.#pool = new BrokerPool(this.brokerUrls, {
      passOverMs: options.failover?.passOverMs,
      now: this.#failover.now,
    });
  }

  /** A token for `audience` from the first broker that gives one. */
  exchange(input: FailoverExchangeInput): Promise<IssuedToken> {
    return this.run(async (at) => {
      const loginAudience = await at.loginAudience();
      const subjectToken = await input.subjectToken({ brokerUrl: at.brokerUrl, loginAudience });
      return exchangeToken({
        brokerUrl: at.brokerUrl,
        audience: input.audience,
        subjectToken,
        subjectTokenType: input.subjectTokenType,
        fetch: this.#options.fetch,
        timeoutMs: at.timeoutMs,
      });
    });
  }

  /** Any login (e.g. a TLS client certificate) run against the brokers in turn. */
  run(login: (at: BrokerAttempt) => Promise<IssuedToken>): Promise<IssuedToken> {
    return withFailover(this.#pool, this.#failover, async ({ brokerUrl, timeoutMs }) => {
      const token = await login({
        brokerUrl,
        timeoutMs,
        loginAudience: () => this.#loginAudience(brokerUrl, timeoutMs),
      });
      this.#checkIssuer(brokerUrl, token);
      return token;
    });
  }

  async #loginAudience(brokerUrl: string, timeoutMs: number): Promise<string> {
    if (this.#options.loginAudience !== undefined) return this.#options.loginAudience;
    const known = this.#loginAudiences.get(brokerUrl);
    if (known !== undefined) return known;
    const doFetch = this.#options.fetch ?? fetch;
    const discovered = await discoverLoginAudience(brokerUrl, doFetch, timeoutMs);
    this.#loginAudiences.set(brokerUrl, discovered);
    return discovered;
  }

  #checkIssuer(brokerUrl: string, token: IssuedToken): void {
    const expected = this.#options.expectedIssuer;
    if (expected === undefined) return;
    const issuer = unverifiedIssuer(token.accessToken);
    if (issuer !== expected) {
      throw new RolegateClientError(
        'client.issuer_mismatch',
        `${new URL(brokerUrl).origin} issued a token with iss ${JSON.stringify(issuer ?? null)}, not ${JSON.stringify(expected)}`,
      );
    }
  }
}

/** `iss` read without verifying: only to tell a misconfigured replica; services verify. */
function unverifiedIssuer(token: string): string | undefined {
  try {
    const claims: unknown = JSON.parse(
      Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'),
    );
    const iss = (claims as { iss?: unknown } | null)?.iss;
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}
