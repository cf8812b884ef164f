// The operations endpoints of rolegate's servers (broker and gateway), on a listener of their own
// so that no service path can shadow them and no client of the token port or of the services can
// reach them: `/healthz` (the process answers), `/readyz` (what "ready" means is the server's:
// the broker's replay cache answers, the gateway's credential kinds have their keys), `/metrics`
// (Prometheus text format, from prom-client; a gateway cluster primary serves its workers' summed).

import { createServer, type Server } from 'node:http';

export interface AdminDeps {
  /** The Prometheus text for /metrics. */
  readonly metricsText: () => Promise<string>;
  readonly contentType: string;
  readonly isReady: () => Promise<boolean>;
}

function json(
  status: number,
  body: Record<string, string>,
): [number, Record<string, string>, string] {
  return [
    status,
    { 'content-type': 'application/json', 'cache-control': 'no-store' },
    JSON.stringify(body),
  ];
}

export function createAdminServer(deps: AdminDeps): Server {
  const answer = async (
    method: string,
    path: string,
  ): Promise<[number, Record<string, string>, string]> => {
    if (method !== 'GET' && method !== 'HEAD') return json(405, { status: 'method not allowed' });
    switch (path) {
      case '/healthz':
        return json(200, { status: 'ok' });
      case '/readyz': {
        const ready = await deps.isReady();
        return json(ready ? 200 : 503, { status: ready ? 'ready' : 'not ready' });
      }
      case '/metrics':
        return [200, { 'content-type': deps.contentType }, await deps.metricsText()];
      default:
        return json(404, { status: 'not found' });
    }
  };
  return createServer({ headersTimeout: 5_000, requestTimeout: 10_000 }, (req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    answer(req.method ?? '', path).then(
      ([status, headers, body]) => {
        res.writeHead(status, headers);
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      () => {
        res.writeHead(500).end();
      },
    );
  });
}
