// A stand-in gateway worker for cluster-ipc.test.ts: it asks its parent (playing the primary)
// through IpcReplayCache and reports each outcome back, so the test sees what a worker would.
import { ReplayCacheFullError } from '@rolegate/identity';
import { IpcReplayCache } from '../../src/cluster/ipc-replay-cache.ts';

const cache = new IpcReplayCache({ timeoutMs: 300 });
const outcome = async (op: () => Promise<boolean>) => {
  try {
    return { value: await op() };
  } catch (error) {
    return { error: error instanceof ReplayCacheFullError ? 'full' : (error as Error).message };
  }
};
process.on('message', async (m: { test?: string }) => {
  if (m.test === 'claim') {
    process.send!({ outcome: await outcome(() => cache.claim('k', Date.now() + 60_000)) });
  } else if (m.test === 'seen') {
    process.send!({ outcome: await outcome(() => cache.seen('k')) });
  } else if (m.test === 'close') {
    const pending = outcome(() => cache.claim('late', Date.now() + 60_000));
    await cache.close();
    process.send!({ outcome: await pending, after: await outcome(() => cache.seen('k')) });
    process.disconnect();
  }
});
process.send!({ started: true });
