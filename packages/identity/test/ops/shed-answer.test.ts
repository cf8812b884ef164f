// The compiled shed answer, over a real node:http server: the fixed parts, a fresh request id in
// the header and the body alike, a right Content-Length, and the connection kept or closed.

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { compileShedAnswer, type ShedWriter } from '../../src/index.ts';

const PLACEHOLDER = '00000000-0000-4000-8000-00000000f00d';

async function serve(writer: ShedWriter) {
  const server = createServer((req, res) => writer(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('compileShedAnswer', () => {
  const withId = compileShedAnswer({
    headers: { 'content-type': 'application/json', 'x-request-id': PLACEHOLDER, 'x-other': 'é' },
    body: JSON.stringify({ code: 'overloaded', note: 'dépassé', request_id: PLACEHOLDER }),
    requestIdPlaceholder: PLACEHOLDER,
  });
  let url = '';
  let close = () => {};
  before(async () => {
    const s = await serve(withId);
    url = s.url;
    close = () => s.server.close();
  });
  after(() => close());

  it('answers 503 + Retry-After with a fresh request id, the same in header and body', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const res = await fetch(url);
      assert.equal(res.status, 503);
      assert.equal(res.headers.get('retry-after'), '1');
      assert.equal(res.headers.get('content-type'), 'application/json');
      const text = await res.text();
      assert.equal(Number(res.headers.get('content-length')), Buffer.byteLength(text));
      const body = JSON.parse(text) as { request_id: string; note: string };
      assert.equal(body.note, 'dépassé');
      assert.equal(res.headers.get('x-request-id'), body.request_id);
      assert.match(body.request_id, /^[0-9a-f-]{36}$/);
      assert.notEqual(body.request_id, PLACEHOLDER);
      ids.add(body.request_id);
    }
    assert.equal(ids.size, 3);
  });

  it('keeps the connection for a small body and closes it for a large or chunked one', async () => {
    const small = await fetch(url, { method: 'POST', body: 'x'.repeat(100) });
    assert.equal(small.headers.get('connection'), 'keep-alive');
    await small.text();
    const large = await fetch(url, { method: 'POST', body: 'x'.repeat(100_000) });
    assert.equal(large.status, 503);
    assert.equal(large.headers.get('connection'), 'close');
    await large.text();
    const chunked = await fetch(url, {
      method: 'POST',
      body: new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode('x'));
          c.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    assert.equal(chunked.headers.get('connection'), 'close');
    await chunked.text();
  });

  it('serves a fixed answer when no request id is named', async () => {
    const s = await serve(compileShedAnswer({ headers: { 'x-a': 'b' }, body: 'busy' }));
    try {
      const res = await fetch(s.url);
      assert.equal(res.status, 503);
      assert.equal(await res.text(), 'busy');
      assert.equal(res.headers.get('content-length'), '4');
      assert.equal(res.headers.get('x-a'), 'b');
    } finally {
      s.server.close();
    }
  });

  it('refuses a placeholder missing from the body or the headers, or doubled', () => {
    const shape = { headers: { 'x-id': PLACEHOLDER }, requestIdPlaceholder: PLACEHOLDER };
    assert.throws(() => compileShedAnswer({ ...shape, body: 'no id' }), /placeholder/);
    assert.throws(
      () => compileShedAnswer({ ...shape, body: `${PLACEHOLDER} ${PLACEHOLDER}` }),
      /placeholder/,
    );
    assert.throws(
      () =>
        compileShedAnswer({ headers: {}, body: PLACEHOLDER, requestIdPlaceholder: PLACEHOLDER }),
      /placeholder/,
    );
  });
});
