// The broker's login audience, read from its discovery document, and the rule for trusting it.
import { DISCOVERY_PATH, describeFetchFailure } from '@rolegate/core';
import { checkBrokerUrl } from './broker-url.ts';
import { RolegateClientError } from './errors.ts';

const DISCOVERY_TIMEOUT_MS = 5000;

/**
 * The broker names its login audience in its discovery document. Because the proof we sign is
 * bound to that audience, trusting it blindly would let a hostile "broker" hand us another
 * broker's audience and relay our proof there. So a discovered audience is accepted only when it
 * is a URL on the same origin as the broker we asked; any other login audience must be configured.
 */
export async function discoverLoginAudience(
  brokerUrl: string,
  doFetch: typeof fetch = fetch,
  timeoutMs: number = DISCOVERY_TIMEOUT_MS,
): Promise<string> {
  const broker = checkBrokerUrl(brokerUrl);
  const url = new URL(DISCOVERY_PATH, broker);
  let doc: { rolegate_login_audience?: unknown };
  try {
    const response = await doFetch(url, {
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    doc = (await response.json()) as typeof doc;
  } catch (cause) {
    throw new RolegateClientError(
      'client.broker_unreachable',
      `cannot read ${url}: ${describeFetchFailure(cause, { timeoutMs }).text}`,
      { cause },
    );
  }
  const audience = doc.rolegate_login_audience;
  if (typeof audience !== 'string') {
    throw new RolegateClientError(
      'client.broker_bad_response',
      `${url} names no rolegate_login_audience`,
    );
  }
  if (!sameOrigin(audience, broker)) {
    throw new RolegateClientError(
      'client.login_audience_mismatch',
      `${broker.origin} names the login audience ${JSON.stringify(audience)}, which is not its own origin; configure the login audience explicitly if you trust it`,
    );
  }
  return audience;
}

function sameOrigin(value: string, broker: URL): boolean {
  try {
    return new URL(value).origin === broker.origin;
  } catch {
    return false;
  }
}
