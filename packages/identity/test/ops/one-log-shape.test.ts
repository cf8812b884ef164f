// The broker and the gateway log in one shape: the same base fields on every line, the same time
// and level format, and the same names for what their request lines share. Both servers run for
// real on loopback; their log lines are read back as an operator's pipeline reads them.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { LOG_BASE_FIELDS, REQUEST_LOG_FIELDS } from '../../src/index.ts';
import { startTwoServers, type TwoServers } from './support/two-servers.ts';

/** What pino writes on every line, beside the base fields. */
const LINE_FIELDS = ['level', 'levelName', 'time', 'msg', ...LOG_BASE_FIELDS];
/** What only the gateway's request line carries: the routed service, the decision, the reason. */
const GATEWAY_ONLY_REQUEST_FIELDS = ['targetService', 'decision', 'reason'];
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

const keys = (line: Record<string, unknown> | undefined) => Object.keys(line ?? {}).sort();
const sorted = (names: readonly string[]) => [...names].sort();

describe('one log shape for the broker and the gateway', () => {
  let servers: TwoServers;
  let brokerRequest: Record<string, unknown> | undefined;
  let gatewayRequest: Record<string, unknown> | undefined;

  before(async () => {
    servers = await startTwoServers();
    // A refusal on each side, so both lines carry a code: a path the broker does not serve, a
    // host the gateway routes nowhere.
    const refusedByBroker = await fetch(`${servers.brokerUrl}/nowhere?x=1`);
    const brokerId = refusedByBroker.headers.get('x-request-id');
    const refusedByGateway = await fetch(`${servers.gateway.url}/nowhere?x=1`, {
      headers: { host: 'nobody.example' },
    });
    const gatewayId = refusedByGateway.headers.get('x-rolegate-request-id');
    // Closed before reading: every request line is written once its answer has ended.
    await servers.close();
    brokerRequest = servers
      .brokerLines()
      .find((l) => l.msg === 'request' && l.requestId === brokerId);
    gatewayRequest = servers
      .gatewayLines()
      .find((l) => l.msg === 'request' && l.requestId === gatewayId);
  });

  it('starts with the same base fields, time format and level format on both', () => {
    const brokerStart = servers.brokerLines().find((l) => l.msg === 'broker listening');
    const gatewayStart = servers.gatewayLines().find((l) => l.msg === 'gateway listening');
    const base = (line: Record<string, unknown> | undefined) =>
      keys(line).filter((k) => LINE_FIELDS.includes(k));
    assert.deepEqual(base(brokerStart), sorted(LINE_FIELDS));
    assert.deepEqual(base(gatewayStart), sorted(LINE_FIELDS));
    assert.equal(brokerStart?.service, 'rolegate-broker');
    assert.equal(gatewayStart?.service, 'rolegate-gateway');
    for (const line of [brokerStart, gatewayStart]) {
      assert.match(String(line?.time), ISO_TIME);
      assert.equal(line?.level, 30);
      assert.equal(line?.levelName, 'info');
      assert.equal(line?.pid, process.pid);
      assert.match(String(line?.version), /^\d+\.\d+\.\d+/);
      // Both listeners are named the same way, the admin one included.
      assert.match(String(line?.adminUrl), /^http:\/\/127\.0\.0\.1:\d+$/);
    }
  });

  it('writes one request line of the same fields on both (the gateway adds only its own)', () => {
    assert.deepEqual(keys(brokerRequest), sorted([...LINE_FIELDS, ...REQUEST_LOG_FIELDS]));
    assert.deepEqual(
      keys(gatewayRequest),
      sorted([...LINE_FIELDS, ...REQUEST_LOG_FIELDS, ...GATEWAY_ONLY_REQUEST_FIELDS]),
    );
    for (const line of [brokerRequest, gatewayRequest]) {
      assert.equal(line?.method, 'GET');
      assert.equal(line?.status, 404);
      assert.equal(line?.principal, '-');
      assert.equal(typeof line?.durationMs, 'number');
      assert.equal(line?.sourceIp, '127.0.0.1');
    }
    // The path without its query string, on both.
    assert.equal(brokerRequest?.path, '/nowhere');
    assert.equal(brokerRequest?.code, 'broker.not_found');
    assert.match(String(gatewayRequest?.code), /^[a-z_]+\.[a-z_]+$/);
  });

  it("writes one line per request on the broker, not Fastify's pair", () => {
    const fastifyPair = servers
      .brokerLines()
      .filter((l) => l.msg === 'incoming request' || l.msg === 'request completed');
    assert.deepEqual(fastifyPair, []);
  });
});
