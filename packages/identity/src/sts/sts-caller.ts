// Sends the rebuilt GetCallerIdentity request and returns STS's raw answer. Deliberately plain:
// no redirects (a 3xx is an answer, judged as a failure), no proxy from the environment, a connect
// timeout, a total deadline, one retry with jitter on network errors and 5xx, a body cap.
import { rootCertificates } from 'node:tls';
import { Agent, request } from 'undici';
import { IdentityError } from '../errors.ts';
import type { OutboundRequest } from './outbound-request.ts';
import type { RawAnswer } from './sts-answer.ts';

export interface StsCallerOptions {
  readonly connectTimeoutMs: number;
  readonly totalTimeoutMs: number;
  readonly maxBodyBytes: number;
  /** Extra CA certificates (PEM) trusted for overridden HTTPS endpoints, e.g. an emulator's. */
  readonly ca?: string;
  /** host → base URL (VPC endpoint, proxy, emulator); `*` applies to every allowed host. */
  readonly overrides: Readonly<Record<string, string>>;
}

export class StsCaller {
  readonly #options: StsCallerOptions;
  /** Real STS endpoints: the system trust store only. */
  readonly #agent: Agent;
  /** Overridden endpoints: the system trust store plus the configured CA (Node's `ca` replaces, so we add). */
  readonly #overrideAgent: Agent;

  constructor(options: StsCallerOptions) {
    this.#options = options;
    const agent = (ca?: string[]) =>
      new Agent({
        connect: { timeout: options.connectTimeoutMs, ...(ca ? { ca } : {}) },
        keepAliveTimeout: 10_000,
        connections: 64,
      });
    this.#agent = agent();
    this.#overrideAgent = options.ca ? agent([...rootCertificates, options.ca]) : this.#agent;
  }

  targetFor(host: string): { origin: string; dispatcher: Agent } {
    const override = this.#options.overrides[host] ?? this.#options.overrides['*'];
    return override
      ? { origin: override.replace(/\/+$/, ''), dispatcher: this.#overrideAgent }
      : { origin: `https://${host}`, dispatcher: this.#agent };
  }

  async call(outbound: OutboundRequest): Promise<RawAnswer> {
    const deadline = Date.now() + this.#options.totalTimeoutMs;
    const first = await this.#attempt(outbound, deadline);
    if (!('retry' in first)) return first;
    // One retry, after a short random pause, only if time remains.
    const pause = 50 + Math.random() * 150;
    if (Date.now() + pause >= deadline) throw first.retry;
    await new Promise((resolve) => setTimeout(resolve, pause));
    const second = await this.#attempt(outbound, deadline);
    if ('retry' in second) throw second.retry;
    return second;
  }

  async close(): Promise<void> {
    await this.#agent.close();
    if (this.#overrideAgent !== this.#agent) await this.#overrideAgent.close();
  }

  async #attempt(
    outbound: OutboundRequest,
    deadline: number,
  ): Promise<RawAnswer | { retry: IdentityError }> {
    const remaining = deadline - Date.now();
    if (remaining <= 0)
      throw new IdentityError('sts.timeout', 'deadline passed', { retryAfterSeconds: 1 });
    const { origin, dispatcher } = this.targetFor(outbound.headers.host!);
    try {
      const response = await request(origin + outbound.path, {
        method: 'GET',
        headers: outbound.headers,
        dispatcher,
        signal: AbortSignal.timeout(remaining),
        headersTimeout: remaining,
        bodyTimeout: remaining,
      });
      const body = await readCapped(response.body, this.#options.maxBodyBytes);
      const answer: RawAnswer = {
        status: response.statusCode,
        contentType: header(response.headers['content-type']),
        retryAfter: header(response.headers['retry-after']),
        body,
      };
      if (answer.status >= 500) {
        return {
          retry: new IdentityError('sts.unavailable', `STS ${answer.status}`, {
            retryAfterSeconds: 1,
          }),
        };
      }
      return answer;
    } catch (error) {
      if (error instanceof IdentityError && error.code !== 'sts.unavailable') throw error;
      if (isTimeout(error) || Date.now() >= deadline) {
        throw new IdentityError(
          'sts.timeout',
          `no answer within ${this.#options.totalTimeoutMs} ms`,
          {
            retryAfterSeconds: 1,
            cause: error,
          },
        );
      }
      return {
        retry: new IdentityError('sts.unavailable', `network error: ${(error as Error).message}`, {
          retryAfterSeconds: 1,
          cause: error,
        }),
      };
    }
  }
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function isTimeout(error: unknown): boolean {
  const name = (error as { name?: string; code?: string })?.name;
  const code = (error as { code?: string })?.code;
  return (
    name === 'TimeoutError' ||
    name === 'AbortError' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT'
  );
}

async function readCapped(
  body: AsyncIterable<Buffer> & { destroy(): void },
  cap: number,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > cap) {
      body.destroy();
      throw new IdentityError('sts.bad_response', `answer larger than ${cap} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
