// What authorize() needs to know about an HTTP request, independent of the framework serving it.
// Each adapter fills it from its own request object; authorize() never reads a framework type.

/** One HTTP request, as the policy context is built from it. */
export interface HttpRequestInfo {
  /** The method as received, e.g. `GET`. */
  readonly method: string;
  /** The request-target as received: the raw path and optional query, e.g. `/a/b?x=1`. */
  readonly url: string;
  /** Request headers by lower-case name; a repeated header may be an array. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The caller's address (`aws:SourceIp`); absent when unknown. IPv4-mapped IPv6 is unwrapped. */
  readonly sourceIp?: string | undefined;
  /** Whether the request came over TLS (`aws:SecureTransport`). Default false. */
  readonly secure?: boolean | undefined;
  /** The port the service listens on (`vpc-lattice-svcs:Port`); absent when unknown. */
  readonly port?: number | undefined;
}

/** `::ffff:10.0.0.1` → `10.0.0.1`: a dual-stack socket reports IPv4 callers that way. */
export function plainIp(address: string | undefined): string | undefined {
  if (address === undefined || address === '') return undefined;
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
