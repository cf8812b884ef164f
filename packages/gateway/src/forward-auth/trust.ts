// Whether the peer of a forward-auth request may describe an original request. The original
// method, URI and host arrive as headers, and anyone can write headers: believed from anyone, they
// would let a caller have the gateway decide about a request it never makes (ask about `/public`,
// send `/admin`). So the peer must be a configured proxy address — a Unix socket listener's
// peers are whoever may open the socket, which the file's permissions decide — and, when a shared
// secret is configured, must also send it (compared in constant time over digests, so neither its
// content nor its length leaks through timing).

import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { BlockList, isIPv4 } from 'node:net';
import type { ForwardAuthConfig } from '../config/forward-auth-schema.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { plainIp } from '../proxy/gateway-headers.ts';

export interface ProxyTrust {
  /** Throws `forwardauth.untrusted_proxy` unless `req` comes from a configured proxy. */
  check(req: IncomingMessage, unixSocket: boolean): void;
  /** The shared-secret header name (lower case), kept out of what the policy sees. */
  readonly secretHeader: string | undefined;
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

function blockListOf(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address, bits] = cidr.split('/') as [string, string | undefined];
    const type = isIPv4(address) ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return list;
}

export function createProxyTrust(config: ForwardAuthConfig): ProxyTrust {
  const proxies = blockListOf(config.trustedProxies);
  const secret = config.sharedSecret;
  const expected = secret === undefined ? undefined : digest(secret.value);
  const untrusted = (why: string) => new GatewayError('forwardauth.untrusted_proxy', why);
  return {
    secretHeader: secret?.header,
    check(req, unixSocket) {
      if (!unixSocket) {
        const ip = plainIp(req.socket.remoteAddress);
        if (ip === undefined) throw untrusted('no peer address');
        if (!proxies.check(ip, isIPv4(ip) ? 'ipv4' : 'ipv6')) {
          throw untrusted(`peer ${ip} is not in forwardAuth.trustedProxies`);
        }
      }
      if (secret === undefined || expected === undefined) return;
      // rawHeaders, not req.headers: two copies must be refused, not joined or picked from.
      let sent: string | undefined;
      let count = 0;
      const raw = req.rawHeaders;
      for (let i = 0; i < raw.length; i += 2) {
        if (raw[i]!.toLowerCase() !== secret.header) continue;
        count++;
        sent = raw[i + 1];
      }
      if (count !== 1 || sent === undefined) {
        throw untrusted(count === 0 ? 'no shared secret' : 'the shared secret sent twice');
      }
      if (!timingSafeEqual(digest(sent), expected)) throw untrusted('wrong shared secret');
    },
  };
}
