// Where a proof or token may be sent. A proof is a bearer credential for the broker it names, so it
// travels only over https — or plain http to this machine, for `rolegate dev` and tests.
import { isLoopback } from '@rolegate/core';
import { RolegateClientError } from './errors.ts';

export function checkBrokerUrl(brokerUrl: string): URL {
  let url: URL;
  try {
    url = new URL(brokerUrl);
  } catch {
    throw new RolegateClientError(
      'client.invalid_option',
      `not a URL: ${JSON.stringify(brokerUrl)}`,
    );
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return url;
  throw new RolegateClientError(
    'client.invalid_option',
    `the broker URL must be https (plain http only to loopback): ${url.origin}`,
  );
}
