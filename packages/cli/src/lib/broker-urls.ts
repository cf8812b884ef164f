// Which brokers a client command talks to: every --broker given (the flag repeats, and each value
// may hold several URLs separated by commas), else $ROLEGATE_BROKER_URL (commas too), else the
// running `rolegate dev`. Several brokers must share one issuer: the login fails over between them
// in the order given (@rolegate/client's BrokerFailover). Read without loading @rolegate/client —
// the token cache names its entry by these URLs before anything else is loaded.
import { DEFAULT_DEV_STATE_DIR, readDevDescription } from '../dev/dev-state.ts';

export interface BrokerFlags {
  /** Every --broker value, in order (commander collects them). */
  readonly broker?: readonly string[];
  readonly stateDir?: string;
}

/** The brokers, first preferred; undefined when neither flag, environment nor dev names one. */
export function brokerUrlsOf(
  flags: BrokerFlags,
  env: NodeJS.ProcessEnv = process.env,
): readonly string[] | undefined {
  const given = flags.broker?.length ? flags.broker : env.ROLEGATE_BROKER_URL;
  const listed = splitUrls(given);
  if (listed.length > 0) return listed;
  const dev = readDevDescription(flags.stateDir ?? DEFAULT_DEV_STATE_DIR)?.broker.url;
  return dev === undefined ? undefined : [dev];
}

/** Commander's collector for a repeatable --broker. */
export function collectBroker(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function splitUrls(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  const values = typeof value === 'string' ? [value] : value;
  const urls: string[] = [];
  for (const part of values.flatMap((v) => v.split(','))) {
    const url = part.trim();
    if (url !== '' && !urls.includes(url)) urls.push(url);
  }
  return urls;
}
