// The request line is written by hand (request-log.ts): it must be, byte for byte, the line pino
// itself writes for the same record, and loggers that could write anything else take pino's path.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import pino from 'pino';
import { createServiceLogger, logRequest, type RequestLogLine } from '../../src/index.ts';

/** A destination that keeps every line written to it, synchronously. */
function collector(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { stream, lines };
}

function serviceLogger(level = 'info') {
  const out = collector();
  const logger = createServiceLogger(
    { service: 'rolegate-test', version: '1.2.3', level, redact: ['token', '*.token'] },
    out.stream,
  );
  return { logger, lines: out.lines };
}

const line: RequestLogLine = {
  requestId: '0b5c6f1e-2d3a-4e5f-8a9b-0c1d2e3f4a5b',
  method: 'GET',
  path: '/billing/invoices',
  status: 403,
  durationMs: 0.734,
  principal: 'arn:aws:sts::111122223333:assumed-role/reviews/s1',
  code: 'request.denied',
  sourceIp: '127.0.0.1',
};

const reference = serviceLogger();

/** pino's own line for the same record (its general path), the time replaced by the hand-written one's. */
function pinoLine(written: string, record: object, levelName: 'info' | 'warn'): string {
  reference.lines.length = 0;
  reference.logger[levelName](record, 'request');
  const time = (JSON.parse(written) as { time: string }).time;
  return reference.lines[0]!.replace(/"time":"[^"]+"/, `"time":"${time}"`);
}

describe('the request line', () => {
  it('is the line pino writes, field for field and byte for byte', () => {
    const { logger, lines } = serviceLogger();
    const extra = { targetService: 'billing', decision: 'ImplicitDeny', reason: undefined };
    logRequest(logger, line, extra);
    assert.equal(lines.length, 1);
    assert.equal(lines[0], pinoLine(lines[0]!, { ...line, ...extra }, 'info'));
  });

  it('is a warn line for a 5xx answer, and absent below the level threshold', () => {
    const { logger, lines } = serviceLogger('warn');
    logRequest(logger, { ...line, status: 200, code: undefined });
    assert.equal(lines.length, 0);
    logRequest(logger, { ...line, status: 503, code: 'sts.unavailable' });
    assert.equal((JSON.parse(lines[0]!) as { level: number }).level, 40);
    assert.equal(
      lines[0],
      pinoLine(lines[0]!, { ...line, status: 503, code: 'sts.unavailable' }, 'warn'),
    );
  });

  it('is written by hand for a service logger: its fields never pass through redaction', () => {
    // A request line carries no credential by construction; a redact path naming one of its
    // fields shows which writer ran (pino's would censor it).
    const out = collector();
    const logger = createServiceLogger(
      { service: 's', version: '1', level: 'info', redact: ['principal'] },
      out.stream,
    );
    logRequest(logger, line);
    assert.equal((JSON.parse(out.lines[0]!) as { principal: string }).principal, line.principal);
  });

  it('carries a child logger bindings as pino does', () => {
    const { logger, lines } = serviceLogger();
    const child = logger.child({ worker: 2 });
    logRequest(child, line);
    const parsed = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.equal(parsed.worker, 2);
    assert.equal(parsed.service, 'rolegate-test');
  });

  it('stays valid JSON equal to pino for any string a client can put in a field (fast-check)', () => {
    const { logger, lines } = serviceLogger();
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string(), fc.double(), (path, reason, ms) => {
        lines.length = 0;
        const record = { ...line, path, durationMs: ms };
        logRequest(logger, record, { reason });
        assert.deepEqual(
          JSON.parse(lines[0]!),
          JSON.parse(pinoLine(lines[0]!, { ...record, reason }, 'info')),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('goes through pino for a logger not made by createServiceLogger', () => {
    const out = collector();
    const plain = pino({ level: 'info', redact: ['principal'] }, out.stream);
    logRequest(plain, line);
    // pino's own path: its redaction applies, which the hand-written line would not know about.
    assert.equal((JSON.parse(out.lines[0]!) as { principal: string }).principal, '[Redacted]');
  });

  it('goes through pino for a level-routing destination (multistream) and a message prefix', () => {
    const info = collector();
    const warn = collector();
    const logger = createServiceLogger(
      { service: 's', version: '1', level: 'info', redact: [] },
      pino.multistream([
        { level: 'info', stream: info.stream },
        { level: 'warn', stream: warn.stream },
      ]),
    );
    logRequest(logger, { ...line, status: 200 });
    logRequest(logger, { ...line, status: 502 });
    // multistream routes by the level pino records on it: info → one stream, warn → both.
    assert.equal(info.lines.length, 2);
    assert.equal(warn.lines.length, 1);
    const { logger: parent, lines } = serviceLogger();
    logRequest(parent.child({}, { msgPrefix: '[w1] ' }), line);
    assert.equal((JSON.parse(lines[0]!) as { msg: string }).msg, '[w1] request');
  });
});
