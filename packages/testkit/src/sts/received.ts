// The request exactly as it arrived: raw path and query, every header value in arrival order (from
// rawHeaders, because Node's `req.headers` merges and drops duplicates), and the body bytes.
// The signature check must see what the client sent, not a cleaned-up copy.
import type { IncomingMessage } from 'node:http';

export interface ReceivedRequest {
  method: string;
  /** The request target as received, e.g. `/?Action=…`. */
  url: string;
  /** The raw path, still percent-encoded. */
  path: string;
  /** The raw query string without `?`, still percent-encoded. */
  rawQuery: string;
  /** Lower-case header name → every value received, in order. */
  headers: ReadonlyMap<string, readonly string[]>;
  body: Buffer;
}

export class BodyTooLargeError extends Error {}

export async function readRequest(
  req: IncomingMessage,
  maxBodyBytes: number,
): Promise<ReceivedRequest> {
  const url = req.url ?? '/';
  const queryAt = url.indexOf('?');
  const headers = new Map<string, string[]>();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = (req.rawHeaders[i] as string).toLowerCase();
    const values = headers.get(name) ?? [];
    values.push(req.rawHeaders[i + 1] as string);
    headers.set(name, values);
  }
  return {
    method: req.method ?? 'GET',
    url,
    path: queryAt === -1 ? url : url.slice(0, queryAt),
    rawQuery: queryAt === -1 ? '' : url.slice(queryAt + 1),
    headers,
    body: await readBody(req, maxBodyBytes),
  };
}

async function readBody(req: IncomingMessage, maxBodyBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > maxBodyBytes) throw new BodyTooLargeError(`body over ${maxBodyBytes} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** All values of one header joined with "," (SigV4's rule for repeated headers), or undefined. */
export function headerValue(req: ReceivedRequest, name: string): string | undefined {
  return req.headers.get(name.toLowerCase())?.join(',');
}
