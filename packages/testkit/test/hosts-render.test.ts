// Host → signing region, and answer bodies byte for byte against a real STS answer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_STS_REGIONS, defaultStsHosts, signingRegionOf } from '../src/index.ts';
import { renderError, renderSuccess, xmlEscape } from '../src/sts/render.ts';

test('signingRegionOf: global is us-east-1, others their own region, the rest undefined', () => {
  const cases: Array<[string, string | undefined]> = [
    ['sts.amazonaws.com', 'us-east-1'],
    ['sts.us-east-1.amazonaws.com', 'us-east-1'],
    ['sts.eu-west-1.amazonaws.com', 'eu-west-1'],
    ['sts-fips.us-east-2.amazonaws.com', 'us-east-2'],
    ['sts.ap-southeast-2.api.aws', 'ap-southeast-2'],
    ['sts.us-gov-west-1.amazonaws.com', 'us-gov-west-1'],
    ['sts.cn-northwest-1.amazonaws.com.cn', 'cn-northwest-1'],
    ['sts.amazonaws.com.evil.example', undefined],
    ['sts.evil.amazonaws.com', undefined],
    ['sts.amazonaws.com.', undefined],
    ['xsts.eu-west-1.amazonaws.com', undefined],
    ['sts.eu-west-1.amazonaws.com.cn.evil', undefined],
  ];
  for (const [host, region] of cases) assert.equal(signingRegionOf(host), region, host);
});

test('defaultStsHosts covers every variant and only STS hosts', () => {
  const hosts = defaultStsHosts();
  for (const host of [
    'sts.amazonaws.com',
    'sts.eu-central-1.amazonaws.com',
    'sts-fips.us-west-1.amazonaws.com',
    'sts.us-east-1.api.aws',
    'sts.us-gov-east-1.amazonaws.com',
    'sts.cn-north-1.amazonaws.com.cn',
  ]) {
    assert.ok(hosts.includes(host), host);
  }
  assert.ok(hosts.every((h) => signingRegionOf(h) !== undefined));
  assert.equal(new Set(hosts).size, hosts.length);
  assert.ok(DEFAULT_STS_REGIONS.includes('eu-west-1'));
  assert.deepEqual(
    defaultStsHosts(['xx-test-1']).filter((h) => h.includes('xx-test-1')),
    ['sts.xx-test-1.amazonaws.com', 'sts.xx-test-1.api.aws'],
  );
});

test('an error body identical to a real STS answer (botocore debug log, 305 bytes)', () => {
  const real =
    '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n  <Error>\n    <Type>Sender</Type>\n' +
    '    <Code>InvalidClientTokenId</Code>\n    <Message>The security token included in the request is invalid</Message>\n' +
    '  </Error>\n  <RequestId>16fc956c-311e-4199-bee1-1680236e9698</RequestId>\n</ErrorResponse>\n';
  const body = renderError(
    {
      code: 'InvalidClientTokenId',
      message: 'The security token included in the request is invalid',
      type: 'Sender',
    },
    '16fc956c-311e-4199-bee1-1680236e9698',
    'xml',
  );
  assert.equal(body, real);
  assert.equal(Buffer.byteLength(body), 305);
});

test('values are escaped in XML and JSON', () => {
  const id = {
    arn: 'arn:aws:iam::111122223333:user/a&b<c>',
    userId: `AIDA"x'`,
    account: '111122223333',
  };
  const xml = renderSuccess(id, 'r-1', 'xml');
  assert.match(xml, /<Arn>arn:aws:iam::111122223333:user\/a&amp;b&lt;c&gt;<\/Arn>/);
  assert.match(xml, /<UserId>AIDA&quot;x&apos;<\/UserId>/);
  assert.equal(
    JSON.parse(renderSuccess(id, 'r-1', 'json')).GetCallerIdentityResponse.GetCallerIdentityResult
      .Arn,
    id.arn,
  );
  assert.equal(xmlEscape('<&>"\''), '&lt;&amp;&gt;&quot;&apos;');
  const json = JSON.parse(
    renderError({ code: 'Throttling', message: 'Rate "exceeded"', type: 'Sender' }, 'r-2', 'json'),
  );
  assert.deepEqual(json, {
    Error: { Code: 'Throttling', Message: 'Rate "exceeded"', Type: 'Sender' },
    RequestId: 'r-2',
  });
});
