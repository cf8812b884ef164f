// A small relay between the gateway and the brokers' JWKS, standing in for the CDN or proxy that
// usually sits there. It exists so the soak can make the JWKS unreachable (the runner kills this
// process and starts it again on the same port) without touching the brokers, and so the key
// set's freshness is short enough for a revocation to propagate within a short run: it answers
// `Cache-Control: max-age=5` (the gateway's verifier still waits its 30 s cooldown between
// fetches). It asks each broker in turn, so one dead replica does not take the JWKS down.
// Usage: jwks-relay-process.ts <port> <broker-url>...
import { createServer } from 'node:http';

const JWKS_PATH = '/.well-known/jwks.json';
export const RELAY_MAX_AGE_SECONDS = 5;

const [port, ...brokers] = process.argv.slice(2) as [string, ...string[]];

async function fetchJwks(): Promise<string | undefined> {
  for (const broker of brokers) {
    try {
      const res = await fetch(`${broker}${JWKS_PATH}`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return await res.text();
    } catch {
      // this replica is down: ask the next
    }
  }
  return undefined;
}

const server = createServer((req, res) => {
  if (req.method !== 'GET' || req.url !== JWKS_PATH) {
    res.writeHead(404).end();
    return;
  }
  void fetchJwks().then((body) => {
    if (body === undefined) {
      res.writeHead(502).end();
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/json',
      'cache-control': `public, max-age=${RELAY_MAX_AGE_SECONDS}`,
    });
    res.end(body);
  });
});
server.listen(Number(port), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}${JWKS_PATH}` })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.on('disconnect', () => process.exit(0));
