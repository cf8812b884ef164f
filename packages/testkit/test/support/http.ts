// Sends a WireRequest to an emulator over loopback with node:http(s), the Host header as given.
import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { StsEmulator } from '../../src/index.ts';
import type { WireRequest } from './sign.ts';

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface SendOptions {
  /** For HTTPS: the CA to trust and the TLS server name (default: the Host header). */
  ca?: string;
  servername?: string;
  accept?: string;
}

export function send(
  sts: StsEmulator,
  wire: WireRequest,
  opts: SendOptions = {},
): Promise<HttpAnswer> {
  const url = new URL(sts.url);
  const headers = { ...wire.headers };
  if (opts.accept !== undefined) headers['accept'] = opts.accept;
  const common = {
    host: url.hostname,
    port: Number(url.port),
    method: wire.method,
    path: wire.path,
    headers,
    agent: false as const,
  };
  return new Promise((resolve, reject) => {
    const onResponse = (res: import('node:http').IncomingMessage): void => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    };
    const req =
      url.protocol === 'https:'
        ? httpsRequest(
            {
              ...common,
              ...(opts.ca === undefined ? {} : { ca: opts.ca }),
              servername: opts.servername ?? headers['host'] ?? 'localhost',
            },
            onResponse,
          )
        : httpRequest(common, onResponse);
    req.on('error', reject);
    req.end(wire.body);
  });
}

/** Parses a JSON STS error answer into code/message/type. */
export function jsonError(answer: HttpAnswer): { Code: string; Message: string; Type: string } {
  const parsed = JSON.parse(answer.body) as {
    Error: { Code: string; Message: string; Type: string };
  };
  return parsed.Error;
}

export const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** Sends with Accept: application/json and returns the STS error's status, code and message. */
export async function refusal(
  sts: StsEmulator,
  wire: WireRequest,
): Promise<{ status: number; code: string; message: string }> {
  const answer = await send(sts, wire, { accept: 'application/json' });
  assert.equal(answer.headers['content-type'], 'application/json');
  const error = jsonError(answer);
  assert.equal(error.Type, 'Sender');
  return { status: answer.status, code: error.Code, message: error.Message };
}
