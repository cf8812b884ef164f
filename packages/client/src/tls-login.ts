// Login with the TLS client certificate itself, on a broker that terminates TLS (its `listen.tls`):
// the handshake proves the key, and the token request carries no subject token. The request goes
// over a connection of its own (no pooling, no session reuse: the broker validates the chain of
// every connection), through a `fetch`-shaped function so the token exchange reads the answer
// exactly as it reads any other.

import { request } from 'node:https';
import { TLS_CLIENT_CERTIFICATE_TOKEN_TYPE } from '@rolegate/core';
import { checkBrokerUrl } from './broker-url.ts';
import { RolegateClientError } from './errors.ts';
import { exchangeToken, type IssuedToken } from './token-exchange.ts';
import { readCertificates } from './x509-assertion.ts';
import { type CertificateKeyInput, readPrivateKey } from './x509-keys.ts';

export { TLS_CLIENT_CERTIFICATE_TOKEN_TYPE };

export interface TlsLoginOptions {
  /** The broker's https base URL. */
  readonly brokerUrl: string;
  readonly audience: string;
  /** PEM: the leaf first (intermediates may follow). */
  readonly certificate: string | Buffer;
  /** PEM intermediates, when the certificate file lacks them. */
  readonly chain?: string | Buffer;
  readonly privateKey: CertificateKeyInput;
  readonly passphrase?: string;
  /** Extra CA (PEM) to trust for the broker's server certificate; default the system's. */
  readonly ca?: string | Buffer;
  readonly timeoutMs?: number;
}

export async function requestTokenWithTlsCertificate(
  options: TlsLoginOptions,
): Promise<IssuedToken> {
  const broker = checkBrokerUrl(options.brokerUrl);
  if (broker.protocol !== 'https:') {
    throw new RolegateClientError(
      'client.invalid_option',
      `a TLS client-certificate login needs an https broker URL: ${broker.origin}`,
    );
  }
  // Read (and so check) what will be presented before connecting: a clear error beats a
  // handshake failure.
  const chain = [
    ...readCertificates(options.certificate, 'certificate'),
    ...(options.chain === undefined ? [] : readCertificates(options.chain, 'chain')),
  ];
  if (chain.length === 0)
    throw new RolegateClientError('client.certificate_invalid', 'no certificate to present');
  const key = readPrivateKey(options.privateKey, options.passphrase);
  if (!chain[0]!.checkPrivateKey(key)) {
    throw new RolegateClientError(
      'client.certificate_invalid',
      'the private key is not the key of the leaf certificate',
    );
  }
  const tls = {
    cert: chain.map((c) => c.toString()).join(''),
    key: key.export({ format: 'pem', type: 'pkcs8' }),
    ca: options.ca,
  };
  return exchangeToken({
    brokerUrl: broker.href,
    audience: options.audience,
    subjectTokenType: TLS_CLIENT_CERTIFICATE_TOKEN_TYPE,
    timeoutMs: options.timeoutMs,
    fetch: tlsFetch(tls),
  });
}

/** A minimal `fetch` over node:https with client-certificate options, one connection per call. */
function tlsFetch(tls: { cert: string; key: string | Buffer; ca?: string | Buffer }): typeof fetch {
  return (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    const body = init.body === undefined || init.body === null ? undefined : String(init.body);
    return new Promise<Response>((resolve, reject) => {
      const req = request(
        url,
        {
          method: init.method ?? 'GET',
          headers: init.headers as Record<string, string>,
          agent: false,
          ...tls,
          ...(tls.ca === undefined ? {} : { ca: tls.ca }),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const headers = new Headers();
            for (const [name, value] of Object.entries(res.headers)) {
              if (typeof value === 'string') headers.set(name, value);
            }
            resolve(new Response(Buffer.concat(chunks), { status: res.statusCode, headers }));
          });
          res.on('error', reject);
        },
      );
      // The signal's reason (a TimeoutError) is what the token exchange describes to the user.
      init.signal?.addEventListener('abort', () => req.destroy(init.signal?.reason as Error));
      req.on('error', reject);
      req.end(body);
    });
  }) as typeof fetch;
}
