// Calls IAM Roles Anywhere CreateSession and reads its answer strictly: temporary credentials
// out, or an error that names what the service said. AWS answers an error with
// `x-amzn-ErrorType: <Type>[:<namespace>]` and `{"message": …}`; both are carried in the message
// so `credential_process` users see AccessDeniedException and its reason, not a bare 403.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { describeFetchFailure, parseJsonStrict } from '@rolegate/core';
import { RolegateClientError } from '../errors.ts';
import {
  type CreateSessionInput,
  type SignedCreateSession,
  signCreateSessionRequest,
} from './sign-request.ts';

export interface RolesAnywhereSession {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
  /** `arn:aws:sts::<account>:assumed-role/<role>/<session>`. */
  readonly assumedRoleArn?: string;
  readonly sourceIdentity?: string;
}

export interface CreateSessionOptions extends CreateSessionInput {
  /** Whole call, body included. Default 10 s. */
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
// A credential set is a few kilobytes; a larger answer is not one.
const MAX_ANSWER_BYTES = 256 * 1024;

export async function createSession(options: CreateSessionOptions): Promise<RolesAnywhereSession> {
  const request = signCreateSessionRequest(options);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const signal = AbortSignal.timeout(timeoutMs);
  let answer: RawAnswer;
  try {
    answer = await post(request, signal);
  } catch (cause) {
    if (cause instanceof RolegateClientError) throw cause;
    // An aborted request fails with an AbortError; the deadline's own TimeoutError names it.
    const failure = describeFetchFailure(signal.aborted ? signal.reason : cause, { timeoutMs });
    throw new RolegateClientError(
      'client.roles_anywhere_unreachable',
      `Roles Anywhere at ${new URL(request.url).origin} cannot be reached: ${failure.text}`,
      { cause },
    );
  }
  const { status, errorType, text } = answer;
  if (status >= 200 && status < 300) return readSession(text);
  if (status >= 300 && status < 400)
    throw bad(`answered a redirect (${status}), which a credential request never follows`);
  // The header is the service's (or a proxy's) text too: a header value may carry bytes 0x80-0xff,
  // which include the C1 controls a terminal acts on (0x9b is CSI).
  const type = oneLine(errorType?.split(':')[0] ?? '', 128) || 'an error';
  const said = serviceMessage(text);
  const detail = `Roles Anywhere answered ${status} ${type}${said ? `: ${said}` : ''}`;
  if (status >= 500 || status === 429)
    throw new RolegateClientError('client.roles_anywhere_unreachable', detail, { status });
  throw new RolegateClientError('client.roles_anywhere_refused', detail, { status });
}

interface RawAnswer {
  readonly status: number;
  readonly errorType: string | undefined;
  readonly text: string;
}

/**
 * One POST on a connection of its own, through node:http(s) rather than fetch: `credential-process`
 * runs on every SDK refresh, and fetch (undici) costs ~60 ms to load and holds the process ~170 ms
 * on exit for its idle socket. No redirect is followed and no compression is asked for.
 */
function post(request: SignedCreateSession, signal: AbortSignal): Promise<RawAnswer> {
  const url = new URL(request.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = send(
      url,
      {
        method: 'POST',
        headers: { ...request.headers, 'content-length': Buffer.byteLength(request.body) },
        agent: false,
        signal,
      },
      (incoming) => {
        const fail = (error: unknown) => {
          incoming.destroy();
          reject(error);
        };
        if (Number(incoming.headers['content-length'] ?? '0') > MAX_ANSWER_BYTES)
          return fail(tooLarge());
        const chunks: Buffer[] = [];
        let size = 0;
        incoming.on('data', (chunk: Buffer) => {
          size += chunk.byteLength;
          if (size > MAX_ANSWER_BYTES) fail(tooLarge());
          else chunks.push(chunk);
        });
        incoming.on('error', reject);
        incoming.on('end', () => {
          const type = incoming.headers['x-amzn-errortype'];
          resolve({
            status: incoming.statusCode ?? 0,
            errorType: Array.isArray(type) ? type[0] : type,
            text: Buffer.concat(chunks).toString('utf8'),
          });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

function tooLarge(): RolegateClientError {
  return new RolegateClientError(
    'client.roles_anywhere_bad_response',
    `Roles Anywhere answered more than ${MAX_ANSWER_BYTES} bytes`,
  );
}

// The service's own words, one line, bounded: it is shown to people, never parsed further.
function serviceMessage(text: string): string | undefined {
  try {
    const parsed = parseJsonStrict(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      const message = parsed['message'] ?? parsed['Message'];
      if (typeof message === 'string') return oneLine(message, 300);
    }
  } catch {
    // Not JSON (a proxy's HTML page): say nothing rather than echo it.
  }
  return undefined;
}

/** Printable ASCII on one line, at most `max` characters: safe to show on a terminal. */
function oneLine(text: string, max: number): string {
  const line = text.replace(/[\r\n\t]+/g, ' ').replace(/[^\x20-\x7e]/g, '?');
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

function readSession(text: string): RolesAnywhereSession {
  let parsed: unknown;
  try {
    parsed = parseJsonStrict(text);
  } catch (cause) {
    throw bad('its answer is not JSON', cause);
  }
  const set = field(parsed, 'credentialSet');
  if (!Array.isArray(set) || set.length !== 1) throw bad('credentialSet must hold one entry');
  const entry = set[0];
  const credentials = field(entry, 'credentials');
  const accessKeyId = field(credentials, 'accessKeyId');
  const secretAccessKey = field(credentials, 'secretAccessKey');
  const sessionToken = field(credentials, 'sessionToken');
  const expiration = field(credentials, 'expiration');
  if (typeof accessKeyId !== 'string' || !/^[A-Z0-9]{16,128}$/.test(accessKeyId))
    throw bad('credentials.accessKeyId is missing or malformed');
  if (typeof secretAccessKey !== 'string' || secretAccessKey === '')
    throw bad('credentials.secretAccessKey is missing');
  if (typeof sessionToken !== 'string' || sessionToken === '')
    throw bad('credentials.sessionToken is missing');
  const expires = typeof expiration === 'string' ? new Date(expiration) : undefined;
  if (expires === undefined || Number.isNaN(expires.getTime()))
    throw bad('credentials.expiration is missing or not a date');
  const assumed = field(field(entry, 'assumedRoleUser'), 'arn');
  const sourceIdentity = field(entry, 'sourceIdentity');
  return {
    accessKeyId,
    secretAccessKey,
    sessionToken,
    expiration: expires,
    ...(typeof assumed === 'string' ? { assumedRoleArn: assumed } : {}),
    ...(typeof sourceIdentity === 'string' ? { sourceIdentity } : {}),
  };
}

function field(value: unknown, name: string): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return Object.hasOwn(value, name) ? (value as Record<string, unknown>)[name] : undefined;
}

function bad(what: string, cause?: unknown): RolegateClientError {
  return new RolegateClientError(
    'client.roles_anywhere_bad_response',
    `Roles Anywhere answered 2xx but ${what}`,
    { cause },
  );
}
