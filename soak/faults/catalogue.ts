// Every fault the soak injects, with when it starts within a cycle, how long it lasts, how long its
// effects may linger after it is lifted (settle), and how it is switched on and off — through
// the emulators' fault API, signals to real processes, or the real CLI.

import type { FaultName, FlipEvent } from '../oracle/records.ts';
import { writePolicies } from '../parties/configs.ts';
import { waitFor200 } from '../parties/party.ts';
import type { Stack } from '../parties/stack.ts';
import { activeKey } from './keys.ts';

export interface FaultContext {
  readonly stack: Stack;
  readonly cycle: number;
  readonly plant: string | undefined;
  readonly flips: FlipEvent[];
}

export interface FaultSpec {
  readonly name: FaultName;
  /** Seconds into the cycle. */
  readonly atS: number;
  readonly forS: number;
  readonly settleMs: number;
  /** Returns a detail for the report (which key, which replica…). */
  on(ctx: FaultContext): Promise<string | undefined>;
  off(ctx: FaultContext): Promise<void>;
}

const stsFault = (
  name: FaultName,
  atS: number,
  forS: number,
  faults: object,
  settleMs: number,
): FaultSpec => ({
  name,
  atS,
  forS,
  settleMs,
  on: async ({ stack }) => void (await stack.sts.control({ faults })),
  off: async ({ stack }) => void (await stack.sts.control({ faults: {} })),
});

let deniedAlias = '';

export const FAULTS: readonly FaultSpec[] = [
  {
    name: 'kms-throttle',
    atS: 4,
    forS: 4,
    // The SDK's retries of a Sign begun just before the lift still see throttling.
    settleMs: 4_000,
    on: async ({ stack }) =>
      void (await stack.kms.control({ faults: { throttleRate: 1, operations: ['Sign'] } })),
    off: async ({ stack }) => void (await stack.kms.control({ faults: {} })),
  },
  {
    name: 'kms-deny-sign',
    atS: 12,
    forS: 4,
    settleMs: 3_000,
    on: async ({ stack }) => {
      // The key that signs now: both replicas have promoted it by this time.
      const active = await activeKey(stack);
      deniedAlias = active.alias;
      await stack.kms.control({ denySign: deniedAlias, deny: true });
      // The kid, not the alias: the oracle checks no token of this key was issued meanwhile (a
      // promotion landing during the window rightly signs with the next key).
      return active.kid;
    },
    off: async ({ stack }) =>
      void (await stack.kms.control({ denySign: deniedAlias, deny: false })),
  },
  stsFault('sts-5xx', 20, 4, { serverErrorRate: 1 }, 2_000),
  stsFault('sts-throttle', 27, 3, { throttleRate: 1 }, 2_000),
  // A request that went in just before the lift still waits out the 5 s STS deadline.
  stsFault('sts-hang', 32, 4, { hang: true }, 7_000),
  {
    name: 'backend-crash',
    atS: 22,
    forS: 4,
    settleMs: 3_000,
    on: async ({ stack, cycle }) => {
      const name = cycle % 2 === 0 ? 'rates' : 'billing';
      await stack.backends[name].kill();
      return name;
    },
    off: async ({ stack, cycle }) => stack.backends[cycle % 2 === 0 ? 'rates' : 'billing'].start(),
  },
  {
    name: 'redis-stop',
    atS: 39,
    forS: 4,
    settleMs: 3_000,
    on: async ({ stack }) => void stack.redis.party.signal('SIGSTOP'),
    off: async ({ stack }) => void stack.redis.party.signal('SIGCONT'),
  },
  {
    name: 'redis-restart',
    atS: 45,
    forS: 2,
    // The brokers and the gateway's workers (the same Redis client) reconnect every 2 s at most.
    settleMs: 4_000,
    on: async ({ stack }) => void (await stack.redis.party.kill()),
    off: async ({ stack }) => stack.redis.start(),
  },
  {
    name: 'broker-kill',
    atS: 50,
    forS: 3,
    settleMs: 2_000,
    on: async ({ stack, cycle }) => {
      const broker = stack.brokers[cycle % stack.brokers.length]!;
      await broker.party.kill();
      return broker.party.name;
    },
    off: async ({ stack, cycle }) => {
      const broker = stack.brokers[cycle % stack.brokers.length]!;
      await broker.party.start();
      await waitFor200(`${broker.adminUrl}/readyz`);
    },
  },
  {
    name: 'gateway-reload-flip',
    atS: 57,
    forS: 6,
    // Each worker re-reads and compiles the policies after the signal reaches it.
    settleMs: 3_000,
    on: async ({ stack, plant, flips }) => {
      writePolicies(stack.gatewayDir, { flipped: true, plant });
      flips.push({ at: Date.now(), denied: true });
      stack.gateway.signal('SIGHUP');
      return 'reviews → rates denied';
    },
    off: async ({ stack, plant, flips }) => {
      writePolicies(stack.gatewayDir, { flipped: false, plant });
      flips.push({ at: Date.now(), denied: false });
      stack.gateway.signal('SIGHUP');
    },
  },
  {
    name: 'jwks-unreachable',
    atS: 62,
    forS: 6,
    settleMs: 3_000,
    on: async ({ stack }) => void (await stack.relay.kill()),
    off: async ({ stack }) => stack.relay.start(),
  },
];
