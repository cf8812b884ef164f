// Several brokers, one issuer: the client may be given a list of broker URLs to fail over
// between. A list arrives as an array, or as one string with commas (an environment variable, a
// flag), and is read once into a checked, de-duplicated, ordered list: the order is the caller's
// preference, the first broker is tried first.
import { checkBrokerUrl } from '../broker-url.ts';
import { RolegateClientError } from '../errors.ts';

/** One broker URL, several separated by commas, or a list (each entry may hold commas too). */
export type BrokerUrls = string | readonly string[];

/** The environment variable naming the broker(s) when no option does. */
export const BROKER_URL_ENV = 'ROLEGATE_BROKER_URL';

/**
 * The brokers `value` names, each checked (https, or http to loopback) and named by its
 * normalised URL (`http://127.0.0.1:8700/`), duplicates dropped, order kept. An empty list is an
 * error: the caller asked for brokers and named none.
 */
export function brokerUrlList(value: BrokerUrls): readonly string[] {
  const entries = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(entries) && typeof value !== 'string')
    throw new TypeError('brokerUrl must be a string or an array of strings');
  const urls: string[] = [];
  for (const entry of entries) {
    if (typeof entry !== 'string') throw new TypeError('each broker URL must be a string');
    for (const part of entry.split(',')) {
      const trimmed = part.trim();
      if (trimmed === '') continue;
      const href = checkBrokerUrl(trimmed).href;
      if (!urls.includes(href)) urls.push(href);
    }
  }
  if (urls.length === 0)
    throw new RolegateClientError('client.invalid_option', 'no broker URL was given');
  return urls;
}

/** The brokers of an option, else of ROLEGATE_BROKER_URL; undefined when neither names one. */
export function configuredBrokers(
  value: BrokerUrls | undefined,
  env: NodeJS.ProcessEnv = process.env,
): readonly string[] | undefined {
  const chosen = value ?? env[BROKER_URL_ENV];
  if (chosen === undefined) return undefined;
  if (typeof chosen === 'string' && chosen.trim() === '') return undefined;
  if (Array.isArray(chosen) && chosen.length === 0) return undefined;
  return brokerUrlList(chosen);
}
