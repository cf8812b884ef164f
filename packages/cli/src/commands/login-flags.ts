import type { Command } from 'commander';
import { collectBroker } from '../lib/broker-urls.ts';

/** Flags shared by `proof` and `token`. */
export function addLoginFlags(command: Command): Command {
  return command
    .option(
      '--broker <url>',
      'broker base URL; repeat it (or separate URLs with commas) for brokers sharing one issuer, tried in turn when one is down (default: $ROLEGATE_BROKER_URL, else the running `rolegate dev`)',
      collectBroker,
    )
    .option(
      '--login-audience <value>',
      "the broker's login audience (default: read from the broker's discovery document)",
    )
    .option(
      '--dev-identity <name>',
      'sign with a `rolegate dev` identity (orders, reviews, alice) instead of AWS credentials',
    )
    .option('--state-dir <dir>', 'where `rolegate dev` keeps its state', '.rolegate/dev')
    .option(
      '--region <region>',
      'sign for the regional STS endpoint of this region (default: $AWS_REGION)',
    )
    .option('--global', 'sign for the global endpoint sts.amazonaws.com');
}

/** The token cache's flags, for `token` and `exec` (../token-cache/). */
export function addCacheFlags(command: Command): Command {
  return command
    .option(
      '--cache-dir <dir>',
      'where cached tokens live (default: $ROLEGATE_CACHE_DIR, else $XDG_CACHE_HOME/rolegate/tokens, else ~/.cache/rolegate/tokens)',
    )
    .option('--no-cache', 'always ask the broker; neither read nor write the token cache');
}
