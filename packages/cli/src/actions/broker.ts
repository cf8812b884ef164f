// What `rolegate broker` runs (its flags: ../commands/broker.ts). A broker that cannot listen is
// closed before the error is reported, so the process exits instead of idling on its key-ring
// watchers.
import { createBroker, loadBrokerConfigFile } from '@rolegate/broker';
import closeWithGrace from 'close-with-grace';
import type { BrokerFlags } from '../commands/broker.ts';
import { listenFailure } from '../lib/listen-failure.ts';

export async function runBroker(flags: BrokerFlags): Promise<void> {
  const config = loadBrokerConfigFile(flags.config);
  const broker = await createBroker(config);
  try {
    // The broker logs 'broker listening' with its URL and its admin listener's.
    await broker.listen(flags.port);
  } catch (error) {
    await broker.close();
    throw listenFailure(error, 'the broker', 'pass --port or change listen.port');
  }
  // close-with-grace stops on SIGHUP by default; the key ring and trust store reload on it.
  closeWithGrace({ delay: 10_000, skip: ['SIGHUP'] }, async ({ err }) => {
    if (err) broker.logger.error({ err }, 'shutting down after an error');
    await broker.close();
  });
}
