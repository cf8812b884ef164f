// A local signing key published as a JWKS file (the gateway's `jwt.jwksFile`), and rolegate
// tokens signed with it by jose — an implementation independent of the verifier under test.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, SignJWT } from 'jose';

export const ISSUER = 'https://broker.test';
export const ACCOUNT = '111122223333';
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/orders`;
export const SESSION_ARN = `arn:aws:sts::${ACCOUNT}:assumed-role/orders/orders-1`;

export interface TokenKit {
  readonly jwksFile: string;
  readonly dir: string;
  sign(claims?: Record<string, unknown>, header?: Record<string, unknown>): Promise<string>;
  /** A token signed by a key the JWKS does not hold. */
  signWithStranger(claims?: Record<string, unknown>): Promise<string>;
  close(): void;
}

export function claims(
  audience: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  const { rolegate, ...rest } = overrides;
  return {
    iss: ISSUER,
    sub: ROLE_ARN,
    aud: audience,
    iat: now,
    nbf: now,
    exp: now + 900,
    jti: `jti-${Math.random().toString(36).slice(2)}`,
    rolegate: {
      v: 1,
      method: 'aws-sts',
      principal_type: 'AssumedRole',
      account: ACCOUNT,
      partition: 'aws',
      session_arn: SESSION_ARN,
      session_name: 'orders-1',
      user_id: 'AROAEXAMPLEEXAMPLE01:orders-1',
      tags: { team: 'payments' },
      ...(rolegate as Record<string, unknown> | undefined),
    },
    ...rest,
  };
}

async function keyWithKid(): Promise<{
  kid: string;
  privateKey: KeyObject;
  jwk: Record<string, unknown>;
}> {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = await exportJWK(pair.publicKey);
  const kid = await calculateJwkThumbprint(jwk, 'sha256');
  return { kid, privateKey: pair.privateKey, jwk: { ...jwk, kid, alg: 'RS256', use: 'sig' } };
}

export async function createTokenKit(): Promise<TokenKit> {
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-gw-'));
  const key = await keyWithKid();
  const stranger = await keyWithKid();
  const jwksFile = join(dir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys: [key.jwk] }));
  const signWith =
    (k: typeof key) =>
    (
      body: Record<string, unknown> = claims('https://billing.example'),
      header: Record<string, unknown> = {},
    ) =>
      new SignJWT(body)
        .setProtectedHeader({ alg: 'RS256', kid: k.kid, typ: 'JWT', ...header })
        .sign(k.privateKey);
  return {
    jwksFile,
    dir,
    sign: signWith(key),
    signWithStranger: (body) => signWith(stranger)(body),
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}
