// Sends a request with its path exactly as given (fetch would normalise it first), on loopback.
import { request } from 'node:http';
import type { Answer } from './service.ts';

export function rawRequest(
  baseUrl: string,
  method: string,
  path: string,
  authorization?: string,
): Promise<Answer> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: authorization === undefined ? {} : { authorization },
        agent: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (typeof value === 'string') headers.set(name, value);
          }
          resolve({
            status: res.statusCode ?? 0,
            headers,
            body: text === '' ? {} : JSON.parse(text),
          });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}
