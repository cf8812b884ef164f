// A fetch that attaches `Authorization: Bearer <token>` for the audience of each URL — the way the
// original design used an HTTP client interceptor. URLs with no audience pass through untouched,
// so tokens are never sent to hosts they were not minted for.
import type { TokenSource } from './token-source.ts';

export interface AuthorizedFetchOptions {
  readonly tokenSource: TokenSource;
  /**
   * The audience for a request URL, or undefined to send it without a token: a function, or a map
   * from origin (`https://billing.example.com`) to audience. There is deliberately no "one audience
   * for every URL": a token must not leak to hosts it was not minted for.
   */
  readonly audienceFor: ((url: URL) => string | undefined) | Readonly<Record<string, string>>;
  readonly fetch?: typeof fetch;
}

export function createAuthorizedFetch(options: AuthorizedFetchOptions): typeof fetch {
  const base = options.fetch ?? fetch;
  const option = options.audienceFor;
  if (typeof option !== 'function' && (typeof option !== 'object' || option === null)) {
    throw new TypeError('audienceFor must be a function or a map from origin to audience');
  }
  const byOrigin = typeof option === 'function' ? undefined : new Map(Object.entries(option));
  const audienceFor =
    typeof option === 'function' ? option : (url: URL) => byOrigin!.get(url.origin);
  if (typeof options.tokenSource?.getToken !== 'function')
    throw new TypeError('tokenSource is required');

  const authorizedFetch = async (
    input: string | URL | Request,
    init?: RequestInit,
  ): Promise<Response> => {
    const request = new Request(input, init);
    const audience = audienceFor(new URL(request.url));
    if (audience === undefined || request.headers.has('authorization')) return base(request);
    const headers = new Headers(request.headers);
    headers.set('authorization', `Bearer ${await options.tokenSource.getToken(audience)}`);
    const response = await base(new Request(request, { headers }));
    // A 401 means the service no longer accepts this token (revoked key, clock): get a new one next time.
    if (response.status === 401) options.tokenSource.invalidate(audience);
    return response;
  };
  return authorizedFetch as typeof fetch;
}
