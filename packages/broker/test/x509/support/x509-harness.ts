// The broker harness with an `x509` section, and the forms and assertions the X.509 tests send.
import { randomUUID } from 'node:crypto';
import { signX509Assertion, type TestLeaf, type X509AssertionOptions } from '@rolegate/testkit';
import type { BrokerConfigInput } from '../../../src/config/schema.ts';
import { type Harness, startHarness, type TokenResponse } from '../../support/harness.ts';
import { signRaw } from './jws.ts';
import { LOGIN_AUDIENCE, type X509Fixture } from './pki-fixture.ts';

export const X509_TOKEN_TYPE = 'urn:rolegate:token-type:x509-assertion';
export const JWT_SVID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt';
export const TARGET_AUDIENCE = 'https://billing.example';

export interface X509Harness extends Harness {
  send(subjectToken: string, tokenType?: string, audience?: string): Promise<TokenResponse>;
}

export async function startX509Harness(
  fixture: X509Fixture,
  config: Partial<BrokerConfigInput> = {},
): Promise<X509Harness> {
  const h = await startHarness({ x509: fixture.x509, ...config });
  return Object.assign(h, {
    send(subjectToken: string, tokenType = X509_TOKEN_TYPE, audience = TARGET_AUDIENCE) {
      return h.exchange({
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: subjectToken,
        subject_token_type: tokenType,
        audience,
      });
    },
  });
}

/**
 * A well-formed assertion for `leaf`. Keys jose refuses to sign with (RSA-1024, secp256k1) are
 * signed directly, with the `alg` a careless client would claim for them.
 */
export async function assertionFor(
  leaf: Pick<TestLeaf, 'x5c' | 'key'>,
  options: Partial<X509AssertionOptions> = {},
): Promise<string> {
  if (leaf.key.type === 'rsa-1024' || leaf.key.type === 'ec-secp256k1') {
    const now = Math.floor(Date.now() / 1000);
    return signRaw(
      { alg: leaf.key.type === 'rsa-1024' ? 'RS256' : 'ES256', x5c: leaf.x5c },
      { aud: LOGIN_AUDIENCE, iat: now, exp: now + 60, jti: randomUUID() },
      leaf.key.privateKey,
    );
  }
  return signX509Assertion({ leaf, audience: LOGIN_AUDIENCE, ...options });
}
