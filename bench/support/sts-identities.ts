// STS identities for the emulator, shaped like AWS's (ASIA access key, session token, assumed-role
// ARN): the broker and overload benches exchange proofs signed with them.

import { randomBytes } from 'node:crypto';
import type { StsIdentity } from '@rolegate/testkit';

export function makeIdentities(count: number): StsIdentity[] {
  return Array.from({ length: count }, (_, i) => {
    const id = randomBytes(10)
      .toString('hex')
      .toUpperCase()
      .replace(/[^A-Z2-7]/g, 'A')
      .padEnd(16, 'A')
      .slice(0, 16);
    return {
      name: `bench-${i}`,
      accessKeyId: `ASIA${id}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: `IQoJb3JpZ2luX2Vj${randomBytes(240).toString('base64')}`,
      arn: `arn:aws:sts::111122223333:assumed-role/bench/session-${i}`,
      userId: `AROA${id}A:session-${i}`,
      account: '111122223333',
    };
  });
}
