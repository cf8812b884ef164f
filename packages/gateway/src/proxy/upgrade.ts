// WebSocket (and any other HTTP/1.1 Upgrade) pass-through, for a request already admitted: undici
// opens the upgraded connection to the upstream; when it answers 101, that answer goes to the
// client and the two sockets are joined. An upstream that does not switch protocols is a 502.
// Either side closing or failing closes the other.

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { GatewayError } from '../errors/gateway-error.ts';
import { REQUEST_ID_HEADER } from './response-headers.ts';
import { upstreamFailure } from './upstream-errors.ts';

export interface UpgradeRequest {
  readonly dispatcher: Dispatcher;
  readonly path: string;
  readonly headers: string[];
  readonly requestId: string;
}

function switchingHead(headers: Dispatcher.UpgradeData['headers'], requestId: string): string {
  let head = 'HTTP/1.1 101 Switching Protocols\r\n';
  for (const name in headers) {
    if (name === REQUEST_ID_HEADER) continue;
    const value = headers[name];
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) head += `${name}: ${v}\r\n`;
  }
  return `${head}${REQUEST_ID_HEADER}: ${requestId}\r\n\r\n`;
}

function join(a: Duplex, b: Duplex): void {
  const closeBoth = () => {
    a.destroy();
    b.destroy();
  };
  a.once('error', closeBoth).once('close', closeBoth);
  b.once('error', closeBoth).once('close', closeBoth);
  a.pipe(b);
  b.pipe(a);
}

/** Resolves once the sockets are joined (undefined), or with the failure to answer. */
export async function forwardUpgrade(
  req: IncomingMessage,
  client: Duplex,
  head: Buffer,
  request: UpgradeRequest,
): Promise<GatewayError | undefined> {
  const controller = new AbortController();
  const onClientGone = () => controller.abort();
  client.once('close', onClientGone);
  try {
    const { headers, socket } = await request.dispatcher.upgrade({
      path: request.path,
      method: req.method ?? 'GET',
      headers: request.headers,
      protocol: req.headers.upgrade ?? 'websocket',
      signal: controller.signal,
    });
    client.off('close', onClientGone);
    if (client.destroyed) {
      socket.destroy();
      return undefined;
    }
    client.write(switchingHead(headers, request.requestId));
    if (head.length > 0) socket.write(head);
    join(client, socket);
    return undefined;
  } catch (error) {
    client.off('close', onClientGone);
    return upstreamFailure(error);
  }
}
