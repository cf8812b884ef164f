// Token verification in a target service, RS256 (RSA-2048), one request in flight, beside the raw
// limit: synchronous `crypto.verify` over a token's signing input with a prepared KeyObject,
// measured in the same run. A floor row adds only what every JWT verifier must also do — decode
// and parse the payload — so the room left for claim checks and policy is visible. Then jose's jwtVerify (WebCrypto, async) and fast-jwt (sync) with
// the same checks, and rolegate's verify + authorize against the typical Lattice policy of
// bench/policy.bench.ts, without and with the verified-token cache.
//
// Every token is distinct (own jti) and rotated, so "uncached" never repeats work by accident;
// every library's verdict is checked once before anything is timed. The synchronous rows are
// measured in turns with the anchor, five rounds, and each keeps its median.

import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { createVerifier as fastJwtVerifier } from 'fast-jwt';
import { jwtVerify, SignJWT } from 'jose';
import { compilePolicy } from '../packages/policy/src/index.ts';
import { SVC, toIam, typicalSpecs } from '../packages/policy/test/support/lattice-workload.ts';
import {
  createAuthorizer,
  createVerifier,
  type HttpRequestInfo,
  type Principal,
} from '../packages/verify/src/index.ts';
import { measureAsync, measureInterleaved, printTable, type Rate } from './lib/measure.ts';

const ISSUER = 'https://rolegate.example.com';
const AUDIENCE = 'https://billing.example.com';
const TOKENS = 256;

function rotate<T>(items: readonly T[]): () => T {
  let i = 0;
  return () => items[i++ % items.length]!;
}

async function makeTokens(
  privateKey: Parameters<SignJWT['sign']>[0],
  kid: string,
): Promise<string[]> {
  const now = Math.floor(Date.now() / 1000);
  const tokens: string[] = [];
  for (let i = 0; i < TOKENS; i++) {
    tokens.push(
      await new SignJWT({
        rolegate: {
          v: 1,
          method: 'aws-sts',
          principal_type: 'AssumedRole',
          account: '444455556666',
          partition: 'aws',
          session_arn: `arn:aws:sts::444455556666:assumed-role/billing/session-${i}`,
          session_name: `session-${i}`,
          user_id: `AROAEXAMPLEEXAMPLE01:session-${i}`,
          tags: { team: 'payments' },
        },
      })
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
        .setIssuer(ISSUER)
        .setSubject('arn:aws:iam::444455556666:role/billing')
        .setAudience(AUDIENCE)
        .setIssuedAt(now)
        .setNotBefore(now)
        .setExpirationTime(now + 3600)
        .setJti(`jti-${i}`)
        .sign(privateKey),
    );
  }
  return tokens;
}

// A typical request to a billing service: the Billing statement allows it.
const REQUEST: HttpRequestInfo = {
  method: 'GET',
  url: '/invoices/2025/06?limit=50&status=open',
  headers: {
    host: 'billing.example.com',
    'user-agent': 'orders-api/1.4 (node)',
    accept: 'application/json',
    'accept-encoding': 'gzip, br',
    'x-request-id': '0f6c2a9e-3b1d-4e77-9d0a-5b8f5c1e2d34',
    authorization: 'Bearer …',
  },
  sourceIp: '10.1.2.3',
  secure: true,
  port: 443,
};

function syncPrincipal(result: Principal | Promise<Principal>): Principal {
  if (result instanceof Promise) throw new Error('verifyNow went async: the key set was not held');
  return result;
}

export default async function verifyBench(): Promise<void> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'bench', alg: 'RS256', use: 'sig' };
  const tokens = await makeTokens(privateKey, 'bench');
  const next = rotate(tokens);

  // Anchor: the RSA check alone, on exactly what the tokens sign, with a prepared KeyObject.
  const keyObject = createPublicKey({ format: 'jwk', key: jwk });
  const raw = tokens.map((t) => {
    const dot = t.lastIndexOf('.');
    return {
      input: Buffer.from(t.slice(0, dot)),
      sig: Buffer.from(t.slice(dot + 1), 'base64url'),
      payload: t.slice(t.indexOf('.') + 1, dot),
    };
  });
  const nextRaw = rotate(raw);

  const joseOptions = { issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256'] };
  const fast = fastJwtVerifier({
    key: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    algorithms: ['RS256'],
    allowedIss: ISSUER,
    allowedAud: AUDIENCE,
  });

  const policy = compilePolicy(toIam(typicalSpecs()));
  const authorizer = createAuthorizer(policy, { serviceArn: SVC });
  const uncached = createVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    keys: [jwk],
    tokenCacheSize: 0,
  });
  const cached = createVerifier({ issuer: ISSUER, audience: AUDIENCE, keys: [jwk] });

  // Same verdict from everyone before timing anything.
  const sample = tokens[0]!;
  if (!verify('sha256', raw[0]!.input, keyObject, raw[0]!.sig)) throw new Error('anchor failed');
  await jwtVerify(sample, keyObject, joseOptions);
  fast(sample);
  const decision = authorizer.authorize(await uncached.verify(sample), REQUEST).decision;
  if (decision !== 'Allow') throw new Error(`typical request decided ${decision}, expected Allow`);

  // The floor plus the decision: what is left of the 0.75 target once the payload is read and the
  // typical policy has decided, before a single claim has been checked. The principals are made
  // ahead (one per token), so this row pays for no verifier code at all.
  const principals = await Promise.all(tokens.map((t) => uncached.verify(t)));
  let pick = 0;

  const async = {
    jose: await measureAsync('jose jwtVerify (WebCrypto)', () =>
      jwtVerify(next(), keyObject, joseOptions),
    ),
    verify: await measureAsync('rolegate verify, uncached', () => uncached.verify(next())),
    verifyAuthorize: await measureAsync('rolegate await verify() + authorize, uncached', async () =>
      authorizer.authorize(await uncached.verify(next()), REQUEST),
    ),
  };
  // The rows the targets are read from, measured in turns beside their anchor.
  const [anchor, floor, floorAndPolicy, fastJwt, verifyNow, uncachedNow, cachedNow] =
    measureInterleaved([
      [
        'anchor: crypto.verify RS256, KeyObject, sync',
        () => {
          const r = nextRaw();
          return verify('sha256', r.input, keyObject, r.sig);
        },
      ],
      // The floor of any JWT verifier: the RSA check plus reading the payload, with no claim
      // checked and no policy evaluated. What is left between it and the anchor is JSON alone.
      [
        'floor: crypto.verify + payload decode + JSON.parse',
        () => {
          const r = nextRaw();
          const ok = verify('sha256', r.input, keyObject, r.sig);
          return ok && JSON.parse(Buffer.from(r.payload, 'base64url').toString('utf8'));
        },
      ],
      [
        'floor + authorize (no claim checked)',
        () => {
          pick = (pick + 1) & (TOKENS - 1);
          const r = raw[pick]!;
          const ok = verify('sha256', r.input, keyObject, r.sig);
          JSON.parse(Buffer.from(r.payload, 'base64url').toString('utf8'));
          return ok && authorizer.authorize(principals[pick]!, REQUEST);
        },
      ],
      ['fast-jwt verify (sync, no cache)', () => fast(next())],
      [
        'rolegate verifyNow, uncached (no authorize)',
        () => syncPrincipal(uncached.verifyNow(next())),
      ],
      // What the middleware and the gateway run: verifyNow answers synchronously while the key
      // set is held, which it is for every one of these tokens (checked before timing).
      [
        'rolegate verifyNow + authorize, uncached',
        () => authorizer.authorize(syncPrincipal(uncached.verifyNow(next())), REQUEST),
      ],
      [
        'rolegate verifyNow + authorize, token cache',
        () => authorizer.authorize(syncPrincipal(cached.verifyNow(next())), REQUEST),
      ],
    ]) as [Rate, Rate, Rate, Rate, Rate, Rate, Rate];
  const rates: Rate[] = [
    floor,
    floorAndPolicy,
    async.jose,
    fastJwt,
    async.verify,
    verifyNow,
    async.verifyAuthorize,
    uncachedNow,
    cachedNow,
  ];

  // The same two steps alone, for the line below: what each costs with no RSA check beside it.
  const [decodeAlone, authorizeAlone] = measureInterleaved(
    [
      [
        'payload decode + JSON.parse alone',
        () => JSON.parse(Buffer.from(nextRaw().payload, 'base64url').toString('utf8')),
      ],
      [
        'authorize alone',
        () => {
          pick = (pick + 1) & (TOKENS - 1);
          return authorizer.authorize(principals[pick]!, REQUEST);
        },
      ],
    ],
    3,
  ) as [Rate, Rate];
  const us = (rate: Rate) => 1e6 / rate.opsPerSecond;

  printTable('verify: RS256 token checks per second, 1 in flight', anchor, rates);
  const ratio = (i: number) => rates[i]!.opsPerSecond / anchor.opsPerSecond;
  const uncachedRatio = ratio(7);
  const cachedRate = rates[8]!.opsPerSecond;
  console.log(
    `  floor (RSA check + payload JSON, nothing checked) / crypto.verify = ${ratio(0).toFixed(2)}; ` +
      `with the policy's decision = ${ratio(1).toFixed(2)}\n` +
      `  step costs: payload JSON ${us(decodeAlone).toFixed(1)} µs alone, ${(us(floor) - us(anchor)).toFixed(1)} µs after an RSA check; ` +
      `authorize ${us(authorizeAlone).toFixed(1)} µs alone, ${(us(floorAndPolicy) - us(floor)).toFixed(1)} µs after one\n` +
      `  jose / crypto.verify = ${ratio(2).toFixed(2)}, fast-jwt / crypto.verify = ${ratio(3).toFixed(2)}\n` +
      `  rolegate verify+authorize uncached / crypto.verify = ${uncachedRatio.toFixed(2)} (target ≥ 0.75: ${uncachedRatio >= 0.75 ? 'met' : 'not met'})\n` +
      `  rolegate verify+authorize with the token cache = ${Math.round(cachedRate).toLocaleString('en-US')}/s ` +
      `(target ≥ 250,000/s: ${cachedRate >= 250_000 ? 'met' : 'not met on this machine'})`,
  );
}
