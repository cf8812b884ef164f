// A token provider gets a rolegate token for an audience. Providers are tried in a chain; one that
// is not configured in this environment says so with TokenProviderSkipped and the chain moves on,
// while a configured provider that fails stops the chain (a broken broker must not silently fall
// through to a weaker source). After smithy's property-provider chain.
import type { IssuedToken } from '../token-exchange.ts';

export type TokenProvider = (audience: string) => Promise<IssuedToken>;

export class TokenProviderSkipped extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenProviderSkipped';
  }
}

/** Tries each provider in order; the first that does not skip answers. */
export function chainTokenProviders(...providers: readonly TokenProvider[]): TokenProvider {
  if (providers.length === 0)
    throw new TypeError('chainTokenProviders needs at least one provider');
  return async (audience) => {
    const skipped: string[] = [];
    for (const provider of providers) {
      try {
        return await provider(audience);
      } catch (error) {
        if (!(error instanceof TokenProviderSkipped)) throw error;
        skipped.push(error.message);
      }
    }
    throw new TokenProviderSkipped(`no token provider is configured: ${skipped.join('; ')}`);
  };
}
