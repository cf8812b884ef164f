// A real redis-server for the replay cache the brokers and the gateway's workers share, on its own
// port and in its own folder. Claims are made durable (append-only file, fsync on every write) so
// that the kill-and-restart fault tests the brokers and the gateway, not a Redis that forgets: a
// server restarted empty would rightly let a used proof through again, and the soak's replay
// invariant would blame them for it. The folder is on tmpfs when there is one (/dev/shm), so an
// fsync per claim costs no disk wait.
import { existsSync, mkdirSync } from 'node:fs';
import { Socket } from 'node:net';
import { Party } from './party.ts';

export const REDIS_SERVER = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) =>
  existsSync(p),
);

export class RedisParty {
  readonly party: Party;
  readonly url: string;
  readonly port: number;
  /** Removed by the runner at the end (it may live outside the run's temporary folder). */
  readonly dir: string;

  constructor(dir: string, port: number) {
    this.dir = dir;
    if (REDIS_SERVER === undefined) throw new Error('redis-server is not installed');
    mkdirSync(dir, { recursive: true });
    this.port = port;
    this.url = `redis://127.0.0.1:${port}`;
    this.party = new Party('redis', {
      command: REDIS_SERVER,
      args: [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--maxmemory-policy',
        'noeviction',
      ],
      readyLine: false,
    });
  }

  async start(): Promise<void> {
    await this.party.start();
    for (let i = 0; i < 150; i++) {
      if (await pong(this.port)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`redis-server on ${this.port} did not answer PING`);
  }
}

async function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(500, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1', () => {
      socket.write('PING\r\n');
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString().startsWith('+PONG'));
      });
    });
  });
}
