// What `rolegate proof` runs (its flags: ../commands/proof.ts).
import { createStsProof } from '@rolegate/client';
import { type LoginTargetFlags, resolveLoginTarget } from '../lib/login-target.ts';

export async function runProof(flags: LoginTargetFlags): Promise<void> {
  // Without a broker to ask, resolveLoginTarget has named the login audience (or refused).
  const { loginAudience = '', ...target } = await resolveLoginTarget(flags, false);
  const proof = await createStsProof({
    audience: loginAudience,
    credentials: target.credentials,
    endpoint: target.endpoint,
  });
  process.stdout.write(`${proof}\n`);
}
