// One emulator per test file with dev identities and a clock the tests can move.
import { after, before } from 'node:test';
import {
  createDevIdentities,
  type StsEmulator,
  type StsEmulatorOptions,
  type StsIdentity,
  startStsEmulator,
} from '../../src/index.ts';
import { SIGNED_AT } from './sign.ts';

export interface Fixture {
  sts: StsEmulator;
  /** orders, reviews (role sessions, ASIA + token) and alice (IAM user, AKIA). */
  orders: StsIdentity;
  reviews: StsIdentity;
  alice: StsIdentity;
  /** The emulator's clock; starts at SIGNED_AT. */
  now: { value: Date };
}

/** Registers before/after hooks; the fixture is filled in before the first test runs. */
export function useEmulator(opts: Partial<StsEmulatorOptions> = {}): Fixture {
  const fixture = { now: { value: SIGNED_AT } } as Fixture;
  before(async () => {
    const [orders, reviews, alice] = createDevIdentities() as [
      StsIdentity,
      StsIdentity,
      StsIdentity,
    ];
    Object.assign(fixture, { orders, reviews, alice });
    fixture.sts = await startStsEmulator({
      identities: [orders, reviews, alice],
      clock: () => fixture.now.value,
      ...opts,
    });
  });
  after(() => fixture.sts.close());
  return fixture;
}

export const minutes = (n: number): number => n * 60 * 1000;
export const shift = (date: Date, ms: number): Date => new Date(date.getTime() + ms);
