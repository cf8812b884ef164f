// Debian's nginx, run by a test as an operator would run it in front of `rolegate dev`: its own
// prefix in a temporary folder (config, pid, logs, temp and cache paths), in the foreground, on a
// free loopback port. Undefined when nginx is not installed (CI installs it: .ci/run).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx', '/usr/local/sbin/nginx'].find((p) =>
  existsSync(p),
);

export interface RunningNginx {
  readonly url: string;
  readonly dir: string;
  errorLog(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts nginx with `http` as the body of its `http {}` block; `{port}` and `{dir}` are filled in. */
export async function startNginx(http: string): Promise<RunningNginx> {
  if (NGINX === undefined) throw new Error('nginx is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-nginx-'));
  const port = await freePort();
  const body = http.replaceAll('{port}', String(port)).replaceAll('{dir}', dir);
  writeFileSync(
    join(dir, 'nginx.conf'),
    // As root, nginx's workers would run as nobody, who cannot enter the private temp folder.
    `${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
${body}
}
`,
  );
  const child: ChildProcess = spawn(
    NGINX,
    ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${stderr}`);
    try {
      await fetch(url);
      break;
    } catch {
      if (i > 100) throw new Error(`nginx did not answer: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    url,
    dir,
    errorLog: () => readFileSync(join(dir, 'error.log'), 'utf8'),
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGQUIT');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
