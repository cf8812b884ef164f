// Where the Workload API listens: SPIFFE_ENDPOINT_SOCKET (or an explicit address), checked as the
// SPIFFE Workload Endpoint standard and go-spiffe check it — `unix:///absolute/path` (or
// `unix:/absolute/path`) with nothing else in the URI, or `tcp://<IP>:<port>` — and turned into a
// gRPC target. A malformed address is an error, not a guess.
import { isIP } from 'node:net';
import { RolegateClientError } from '../errors.ts';

export const SPIFFE_ENDPOINT_SOCKET = 'SPIFFE_ENDPOINT_SOCKET';

/** The gRPC target for a Workload API address. */
export function workloadApiTarget(address: string): string {
  const invalid = (why: string) =>
    new RolegateClientError(
      'client.invalid_option',
      `Workload API address ${JSON.stringify(address.slice(0, 200))}: ${why}`,
    );
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw invalid('not a URI (expected unix:///path or tcp://IP:port)');
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '')
    throw invalid('no query, fragment or user info allowed');
  if (url.protocol === 'unix:') {
    if (url.host !== '') throw invalid('a unix address has no authority (use unix:///path)');
    const path = decodeURIComponent(url.pathname);
    if (!path.startsWith('/') || path === '/' || path.includes('\0'))
      throw invalid('a unix address needs an absolute socket path');
    return `unix:${path}`;
  }
  if (url.protocol === 'tcp:') {
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(host) === 0) throw invalid('a tcp address needs an IP address, not a host name');
    if (url.port === '') throw invalid('a tcp address needs a port');
    if (url.pathname !== '' && url.pathname !== '/') throw invalid('a tcp address has no path');
    return isIP(host) === 6 ? `ipv6:[${host}]:${url.port}` : `ipv4:${host}:${url.port}`;
  }
  throw invalid(`scheme ${url.protocol} (expected unix: or tcp:)`);
}
