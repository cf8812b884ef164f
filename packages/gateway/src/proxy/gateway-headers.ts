// The headers the gateway itself adds upstream: where the request came from (`x-forwarded-for`,
// `-proto`, `-port`, set from the connection, never passed on from the client), which service and
// request it is, and who called. The identity header of a principal is built once and remembered:
// with the token cache, every request with the same token shares one frozen principal.

import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Principal } from '@rolegate/core';
import type { Admission } from '../http/admit.ts';
import { identityHeader, identityTagsHeader } from './identity-headers.ts';
import { REQUEST_ID_HEADER } from './response-headers.ts';

interface Rendered {
  readonly orgIds: Readonly<Record<string, string>>;
  readonly identity: string;
  readonly tags: string | undefined;
}

const rendered = new WeakMap<Principal, Rendered>();

function render(principal: Principal, orgIds: Readonly<Record<string, string>>): Rendered {
  const cached = rendered.get(principal);
  if (cached !== undefined && cached.orgIds === orgIds) return cached;
  const fresh = {
    orgIds,
    identity: identityHeader(principal, orgIds[principal.account]),
    tags: identityTagsHeader(principal),
  };
  rendered.set(principal, fresh);
  return fresh;
}

/** `::ffff:10.0.0.1` → `10.0.0.1`: a dual-stack socket reports IPv4 callers that way. */
export function plainIp(address: string | undefined): string | undefined {
  if (address === undefined || address === '') return undefined;
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

export function gatewayHeaders(
  req: IncomingMessage,
  admission: Admission,
  requestId: string,
  orgIds: Readonly<Record<string, string>>,
): string[] {
  const socket = req.socket as Partial<TLSSocket> & IncomingMessage['socket'];
  const out: string[] = [];
  const ip = plainIp(socket.remoteAddress);
  if (ip !== undefined) out.push('x-forwarded-for', ip);
  out.push(
    'x-forwarded-proto',
    socket.encrypted === true ? 'https' : 'http',
    'x-forwarded-port',
    String(socket.localPort ?? ''),
    'x-rolegate-service',
    admission.service.serviceArn,
    REQUEST_ID_HEADER,
    requestId,
  );
  if (admission.service.mode === 'pass-through') return out;
  const principal = admission.caller?.principal ?? null;
  if (principal === null) {
    out.push('x-rolegate-identity', identityHeader(null, undefined));
    return out;
  }
  const { identity, tags } = render(principal, orgIds);
  out.push('x-rolegate-identity', identity);
  if (tags !== undefined) out.push('x-rolegate-identity-tags', tags);
  return out;
}
