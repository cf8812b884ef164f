// Strict reading of STS answers, as a unit: shapes, content types, error mapping, and fuzzing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { IdentityError } from '../src/errors.ts';
import { readStsAnswer } from '../src/sts/sts-answer.ts';

const ok = (body: string, contentType = 'application/json') => ({
  status: 200,
  contentType,
  retryAfter: undefined,
  body,
});
const good =
  '{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Account":"111122223333","Arn":"arn:aws:iam::111122223333:user/a","UserId":"AIDAAAAAAAAAAAAAAAAAA"},"ResponseMetadata":{"RequestId":"r-1"}}}';

describe('STS answers', () => {
  it('reads the exact success shape', () => {
    assert.deepEqual(readStsAnswer(ok(good)), {
      arn: 'arn:aws:iam::111122223333:user/a',
      userId: 'AIDAAAAAAAAAAAAAAAAAA',
      account: '111122223333',
      requestId: 'r-1',
    });
    assert.equal(
      readStsAnswer(ok(good, 'application/json; charset=utf-8')).account,
      '111122223333',
    );
  });

  const refused: [string, ReturnType<typeof ok>, string][] = [
    ['XML content type', ok(good, 'text/xml'), 'sts.bad_response'],
    ['no content type', { ...ok(good), contentType: undefined } as never, 'sts.bad_response'],
    ['JSON array', ok(`[${good}]`), 'sts.bad_response'],
    ['extra top-level member', ok(`{"x":1,${good.slice(1)}`), 'sts.bad_response'],
    [
      'result nested one level deeper',
      ok(
        '{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"GetCallerIdentityResult":{}}}}',
      ),
      'sts.bad_response',
    ],
    [
      'missing UserId',
      ok('{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Account":"1","Arn":"a"}}}'),
      'sts.bad_response',
    ],
    [
      'empty Arn',
      ok(
        '{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Account":"1","Arn":"","UserId":"u"}}}',
      ),
      'sts.bad_response',
    ],
    [
      'duplicate Account',
      ok(
        '{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Account":"1","Account":"2","Arn":"a","UserId":"u"}}}',
      ),
      'sts.bad_response',
    ],
    ['trailing garbage', ok(`${good}x`), 'sts.bad_response'],
    ['two documents', ok(`${good}${good}`), 'sts.bad_response'],
    ['BOM first', ok(`\ufeff${good}`), 'sts.bad_response'],
    [
      '302',
      { status: 302, contentType: 'application/json', retryAfter: undefined, body: good },
      'sts.bad_response',
    ],
    [
      '201',
      { status: 201, contentType: 'application/json', retryAfter: undefined, body: good },
      'sts.bad_response',
    ],
  ];
  for (const [name, answer, code] of refused) {
    it(`refuses: ${name}`, () => assert.throws(() => readStsAnswer(answer), { code }));
  }

  const errors: [number, string, string][] = [
    [403, 'SignatureDoesNotMatch', 'sts.signature_mismatch'],
    [403, 'InvalidClientTokenId', 'sts.invalid_client_token'],
    [403, 'ExpiredToken', 'sts.expired_token'],
    [400, 'ExpiredToken', 'sts.expired_token'],
    [400, 'Throttling', 'sts.throttled'],
    [400, 'RequestThrottled', 'sts.throttled'],
    [400, 'ThrottledException', 'sts.throttled'],
    [400, 'RequestLimitExceeded', 'sts.throttled'],
    [400, 'RequestTimeout', 'sts.unavailable'],
    [400, 'IncompleteSignature', 'sts.signature_mismatch'],
    [403, 'AccessDenied', 'sts.rejected'],
    [500, 'InternalFailure', 'sts.unavailable'],
    [503, 'ServiceUnavailable', 'sts.unavailable'],
  ];
  for (const [status, code, expected] of errors) {
    it(`maps ${status} ${code} → ${expected}`, () => {
      const body = JSON.stringify({
        Error: { Code: code, Message: 'm', Type: 'Sender' },
        RequestId: 'r',
      });
      assert.throws(
        () =>
          readStsAnswer({ status, contentType: 'application/json', retryAfter: undefined, body }),
        { code: expected },
      );
    });
  }

  it('Throttling carries a bounded Retry-After', () => {
    const body =
      '{"Error":{"Code":"Throttling","Message":"Rate exceeded","Type":"Sender"},"RequestId":"r"}';
    const retry = (h: string | undefined) => {
      try {
        readStsAnswer({ status: 400, contentType: 'application/json', retryAfter: h, body });
      } catch (e) {
        return (e as IdentityError).retryAfterSeconds;
      }
    };
    assert.equal(retry('5'), 5);
    assert.equal(retry(undefined), 1);
    assert.equal(retry('99999'), 1);
  });

  it('fuzz: any body and status gives a IdentityError or a well-formed identity', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 599 }),
        fc.oneof(fc.string(), fc.json()),
        (status, body) => {
          try {
            const id = readStsAnswer({
              status,
              contentType: 'application/json',
              retryAfter: undefined,
              body,
            });
            assert.equal(status, 200);
            assert.equal(typeof id.arn, 'string');
          } catch (error) {
            if (!(error instanceof IdentityError)) throw error;
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
