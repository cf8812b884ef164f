// One gateway worker of a cluster: the whole gateway (listeners, routes, policies, credential
// kinds, upstream pools) in its own process, sharing the listening sockets its primary holds. What
// must be one for all is asked of the primary: the used-proof memory (STS proofs; with
// `replay.redis`, Redis is that one memory and the worker asks it directly), readiness and metrics. SIGHUP reloads this worker's configuration (the primary passes it on to every worker);
// SIGTERM drains and exits; losing the primary does the same.

import cluster from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import { loadGatewayConfigFile } from '../config/load-config.ts';
import { createGateway, type Gateway } from '../gateway.ts';
import { createGatewayLogger } from '../ops/logger.ts';
import { IpcReplayCache } from './ipc-replay-cache.ts';
import { asPrimaryMessage, TAG, type WorkerMessage } from './messages.ts';

function send(message: WorkerMessage): void {
  process.send?.(message);
}

/** Runs in a `node:cluster` worker until told to stop; resolves once it is listening. */
export async function runGatewayWorker(configFile: string): Promise<Gateway> {
  if (!cluster.isWorker) throw new Error('runGatewayWorker runs in a cluster worker');
  const config = loadGatewayConfigFile(configFile);
  const logger = createGatewayLogger(config.logLevel).child({ worker: cluster.worker?.id });
  // The primary's memory, unless Redis is shared: then this worker claims there itself, on its
  // own connection (createGateway builds it), and its /readyz answer follows that connection.
  const replayCache = config.replay.redis === undefined ? new IpcReplayCache() : undefined;
  const gateway = await createGateway(config, {
    configFile,
    logger,
    ...(replayCache === undefined ? {} : { replayCache }),
    adminListener: false,
  });
  // prom-client's worker side answers the primary's metrics requests with this registry.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([gateway.metricsRegistry]);

  process.on('message', (raw: unknown) => {
    const message = asPrimaryMessage(raw);
    if (message?.type !== 'ready?') return;
    void gateway.isReady().then(
      (ready) => send({ rolegate: TAG, type: 'ready', id: message.id, ready }),
      () => send({ rolegate: TAG, type: 'ready', id: message.id, ready: false }),
    );
  });

  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ why }, 'worker draining');
    try {
      await gateway.close();
      await replayCache?.close();
    } finally {
      process.exit(0);
    }
  };
  // reload() logs what it did and never throws: a refused reload keeps the old config.
  process.on('SIGHUP', () => void gateway.reload());
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // Ctrl-C reaches every process of the group; the primary decides, so a worker ignores it.
  process.on('SIGINT', () => {});
  // Without its primary, nobody answers replay checks: stop taking requests.
  process.on('disconnect', () => void stop('the primary is gone'));

  await gateway.listen();
  send({ rolegate: TAG, type: 'listening', urls: [...gateway.urls] });
  return gateway;
}
