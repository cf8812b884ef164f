// Strict reading of what STS answered. CVE-2020-16250 turned a lenient parser that found an
// `<Arn>` anywhere in an error body into a full bypass; here the answer must have exactly AWS's
// JSON success shape, with no duplicate keys, no extra members and the right content type.
import { type JsonValue, parseJsonStrict } from '@rolegate/core';
import { isThrottlingError, isTransientError } from '@smithy/core/retry';
import type { SdkError } from '@smithy/types';
import { IdentityError } from '../errors.ts';

export interface CallerIdentity {
  readonly arn: string;
  readonly userId: string;
  readonly account: string;
  readonly requestId: string;
}

export interface RawAnswer {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly retryAfter: string | undefined;
  readonly body: string;
}

const JSON_CONTENT_TYPE = /^application\/(x-amz-)?json(\s*;\s*charset=utf-8)?$/i;
const AUTH_FAILURES: Readonly<Record<string, IdentityError['code']>> = {
  SignatureDoesNotMatch: 'sts.signature_mismatch',
  IncompleteSignature: 'sts.signature_mismatch',
  InvalidClientTokenId: 'sts.invalid_client_token',
  UnrecognizedClientException: 'sts.invalid_client_token',
  ExpiredToken: 'sts.expired_token',
  ExpiredTokenException: 'sts.expired_token',
};

export function readStsAnswer(answer: RawAnswer): CallerIdentity {
  if (answer.status >= 300 && answer.status < 400) {
    throw new IdentityError('sts.bad_response', `STS answered a redirect (${answer.status})`);
  }
  if (answer.status !== 200) throw errorAnswer(answer);
  if (!answer.contentType || !JSON_CONTENT_TYPE.test(answer.contentType)) {
    throw new IdentityError('sts.bad_response', `content type ${answer.contentType ?? '(none)'}`);
  }
  const root = parse(answer.body);
  exactKeys(root, ['GetCallerIdentityResponse']);
  const response = member(root, 'GetCallerIdentityResponse');
  exactKeys(response, ['GetCallerIdentityResult', 'ResponseMetadata'], ['ResponseMetadata']);
  const result = member(response, 'GetCallerIdentityResult');
  exactKeys(result, ['Account', 'Arn', 'UserId']);
  const metadata = isObject(response) ? response.ResponseMetadata : undefined;
  const requestId =
    isObject(metadata) && typeof metadata.RequestId === 'string' ? metadata.RequestId : '';
  return {
    arn: stringMember(result, 'Arn'),
    userId: stringMember(result, 'UserId'),
    account: stringMember(result, 'Account'),
    requestId,
  };
}

function errorAnswer(answer: RawAnswer): IdentityError {
  const code = errorCode(answer.body);
  // The AWS SDK's own lists decide what is throttling (Throttling is an HTTP 400!) and what is
  // transient, so "try again later" is never reported as bad credentials.
  const sdkError: SdkError = Object.assign(new Error(code ?? 'Unknown'), {
    name: code ?? 'Unknown',
    $metadata: { httpStatusCode: answer.status },
    $fault: answer.status >= 500 ? ('server' as const) : ('client' as const),
    cause: undefined,
  });
  if (answer.status === 429 || isThrottlingError(sdkError)) {
    return new IdentityError('sts.throttled', `STS ${answer.status} ${code ?? ''}`, {
      retryAfterSeconds: retryAfter(answer.retryAfter),
    });
  }
  if (code && isTransientError(sdkError)) {
    return new IdentityError('sts.unavailable', `STS ${answer.status} ${code}`, {
      retryAfterSeconds: retryAfter(answer.retryAfter),
    });
  }
  if (answer.status >= 500) {
    return new IdentityError('sts.unavailable', `STS ${answer.status} ${code ?? ''}`, {
      retryAfterSeconds: 1,
    });
  }
  const mapped = code ? AUTH_FAILURES[code] : undefined;
  if (mapped) return new IdentityError(mapped, `STS ${answer.status} ${code}`);
  if (answer.status >= 400 && answer.status < 500 && code) {
    return new IdentityError('sts.rejected', `STS ${answer.status} ${code}`);
  }
  return new IdentityError('sts.bad_response', `STS ${answer.status} with an unreadable body`);
}

function errorCode(body: string): string | undefined {
  try {
    const root = parseJsonStrict(body);
    const error = isObject(root) ? root.Error : undefined;
    const code = isObject(error) ? error.Code : undefined;
    return typeof code === 'string' && /^[A-Za-z.]{1,64}$/.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

function retryAfter(header: string | undefined): number {
  const seconds = Number(header);
  return Number.isInteger(seconds) && seconds > 0 && seconds <= 60 ? seconds : 1;
}

function parse(body: string): JsonValue {
  try {
    return parseJsonStrict(body);
  } catch (cause) {
    throw new IdentityError(
      'sts.bad_response',
      `body is not strict JSON: ${(cause as Error).message}`,
    );
  }
}

type JsonObject = { readonly [k: string]: JsonValue };

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function member(value: JsonValue, name: string): JsonValue {
  if (!isObject(value) || !Object.hasOwn(value, name)) {
    throw new IdentityError('sts.bad_response', `no ${name}`);
  }
  const inner = value[name]!;
  if (!isObject(inner)) throw new IdentityError('sts.bad_response', `${name} is not an object`);
  return inner;
}

function exactKeys(
  value: JsonValue,
  keys: readonly string[],
  optional: readonly string[] = [],
): void {
  if (!isObject(value)) throw new IdentityError('sts.bad_response', 'not an object');
  const actual = Object.keys(value);
  const required = keys.filter((k) => !optional.includes(k));
  if (actual.some((k) => !keys.includes(k)) || required.some((k) => !Object.hasOwn(value, k))) {
    throw new IdentityError(
      'sts.bad_response',
      `members ${actual.join(',')}; expected ${keys.join(',')}`,
    );
  }
}

function stringMember(value: JsonValue, name: string): string {
  const v = isObject(value) ? value[name] : undefined;
  if (typeof v !== 'string' || v.length === 0 || v.length > 2048) {
    throw new IdentityError('sts.bad_response', `${name} is not a string`);
  }
  return v;
}
