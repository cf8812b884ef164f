// The worker's side of the primary's used-proof memory, against a parent process playing the
// primary: answers are matched by id, a full memory is ReplayCacheFullError, and no answer, a
// malformed one or a closed cache is an error — which the STS login turns into 503, never into
// "this proof is new".
import assert from 'node:assert/strict';
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { asPrimaryMessage, asWorkerMessage, TAG } from '../src/cluster/messages.ts';

type Outcome = { value?: boolean; error?: string };

describe('IpcReplayCache (worker side)', () => {
  let child: ChildProcess;
  let answer: (m: Record<string, unknown>) => void = () => {};
  const outcomes: Array<{ outcome: Outcome; after?: Outcome }> = [];

  before(async () => {
    child = fork(join(import.meta.dirname, 'support', 'ipc-replay-child.ts'), {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await new Promise<void>((resolve) => {
      child.on('message', (m: Record<string, unknown>) => {
        if (m['started'] === true) resolve();
        else if (m['outcome'] !== undefined) outcomes.push(m as (typeof outcomes)[number]);
        else answer(m);
      });
    });
  });
  after(() => {
    if (child.connected) child.kill();
  });

  /** Asks the child to run `test` while this process answers its request with `respond`. */
  async function run(test: string, respond: (request: Record<string, unknown>) => unknown) {
    const count = outcomes.length;
    const requests: Record<string, unknown>[] = [];
    answer = (m) => {
      requests.push(m);
      const reply = respond(m);
      for (const r of Array.isArray(reply) ? reply : reply === undefined ? [] : [reply]) {
        child.send(r as object);
      }
    };
    child.send({ test });
    const deadline = Date.now() + 5_000;
    while (outcomes.length === count && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    return { result: outcomes[count]!, requests };
  }

  it('sends the key and expiry, and takes the answer with the same id', async () => {
    // An answer to another request comes first: it must not be taken for this one.
    const { result, requests } = await run('claim', (m) => [
      { rolegate: TAG, type: 'replay-result', id: (m['id'] as number) + 1000, result: false },
      { rolegate: TAG, type: 'replay-result', id: m['id'], result: true },
    ]);
    assert.deepEqual(result.outcome, { value: true });
    const request = asWorkerMessage(requests[0]);
    assert.equal(request?.type, 'replay');
    assert.equal(request?.type === 'replay' && request.op, 'claim');
    assert.equal(request?.type === 'replay' && request.key, 'k');
  });

  it('reports a full memory as ReplayCacheFullError', async () => {
    const { result } = await run('claim', (m) => ({
      rolegate: TAG,
      type: 'replay-result',
      id: m['id'],
      error: 'full',
    }));
    assert.deepEqual(result.outcome, { error: 'full' });
  });

  it('fails when the primary does not answer in time, or answers nonsense', async () => {
    const silent = await run('seen', () => undefined);
    assert.match(silent.result.outcome.error ?? '', /did not answer the replay check in time/);
    const garbled = await run('seen', (m) => ({
      rolegate: TAG,
      type: 'replay-result',
      id: m['id'],
      result: 'yes',
    }));
    assert.match(garbled.result.outcome.error ?? '', /could not check the replay cache/);
    const failed = await run('seen', (m) => ({
      rolegate: TAG,
      type: 'replay-result',
      id: m['id'],
      error: 'failed',
    }));
    assert.match(failed.result.outcome.error ?? '', /could not check the replay cache/);
  });

  it('fails pending and later checks once closed', async () => {
    const { result } = await run('close', () => undefined);
    assert.deepEqual(result.outcome, { error: 'replay cache closed' });
    assert.deepEqual(result.after, { error: 'replay cache closed' });
  });
});

describe('cluster messages', () => {
  it('take only well-formed, tagged messages', () => {
    const ok = { rolegate: TAG, type: 'replay', id: 1, op: 'claim', key: 'k', expiresAtMs: 5 };
    assert.deepEqual(asWorkerMessage(ok), ok);
    for (const bad of [
      null,
      'replay',
      { ...ok, rolegate: 'other' },
      { ...ok, op: 'delete' },
      { ...ok, id: 1.5 },
      { ...ok, key: 7 },
      { rolegate: TAG, type: 'listening', urls: [1] },
      { rolegate: TAG, type: 'ready', id: 1, ready: 'yes' },
      { type: 'prom-client:getMetricsRes', requestId: 1 },
    ]) {
      assert.equal(asWorkerMessage(bad), undefined, JSON.stringify(bad));
    }
    assert.equal(asPrimaryMessage({ rolegate: TAG, type: 'ready?', id: 'x' }), undefined);
    assert.equal(asPrimaryMessage({ rolegate: TAG, type: 'shutdown', id: 1 }), undefined);
  });
});
