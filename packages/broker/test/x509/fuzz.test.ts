// fast-check against the X.509 parsers and logins: whatever the input — random bytes, random
// text, or a valid certificate, PEM file or assertion with one thing changed — the answer is a
// stable refusal (BrokerError, or an Error for configuration files), never a crash, a hang, or a
// login from an altered assertion.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { IdentityError } from '@rolegate/identity';
import fc from 'fast-check';
import { parseBundleFile } from '../../../identity/src/x509/bundle.ts';
import { parseCertificate } from '../../../identity/src/x509/certificate.ts';
import { parsePem } from '../../../identity/src/x509/pem.ts';
import { parseSpiffeId } from '../../../identity/src/x509/spiffe-id.ts';
import { verifyAssertionSignature } from '../../../identity/src/x509/x509-assertion.ts';
import {
  createX509Fixture,
  LOGIN_AUDIENCE,
  offlineLogins,
  type X509Fixture,
} from './support/pki-fixture.ts';
import { assertionFor } from './support/x509-harness.ts';

const f: X509Fixture = createX509Fixture();
after(() => f.cleanup());

function refusedOrOk(fn: () => unknown, kind: 'broker' | 'config' = 'broker'): void {
  try {
    fn();
  } catch (error) {
    if (kind === 'broker' && !(error instanceof IdentityError)) throw error;
    if (kind === 'config' && !(error instanceof Error)) throw error;
  }
}

async function refusedAsync(promise: Promise<unknown>): Promise<'refused' | 'accepted'> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    if (!(error instanceof IdentityError)) throw error;
    return 'refused';
  }
}

/** One byte changed, one removed, or one inserted, at a random place. */
const mutation = (length: number) =>
  fc.record({
    at: fc.nat({ max: Math.max(0, length - 1) }),
    kind: fc.constantFrom('flip', 'drop', 'insert'),
    byte: fc.integer({ min: 0, max: 255 }),
  });
function mutate(bytes: Uint8Array, m: { at: number; kind: string; byte: number }): Uint8Array {
  const out = [...bytes];
  if (m.kind === 'flip') out[m.at] = (out[m.at]! ^ (m.byte || 1)) & 0xff;
  else if (m.kind === 'drop') out.splice(m.at, 1);
  else out.splice(m.at, 0, m.byte);
  return new Uint8Array(out);
}

describe('DER certificate parser', () => {
  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (b) => refusedOrOk(() => parseCertificate(b))),
      {
        numRuns: 2000,
      },
    );
  });
  it('random bytes behind a plausible SEQUENCE header', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 2, maxLength: 400 }), (b) =>
        refusedOrOk(() =>
          parseCertificate(
            new Uint8Array([0x30, 0x82, (b.length >> 8) & 0xff, b.length & 0xff, ...b]),
          ),
        ),
      ),
      { numRuns: 1000 },
    );
  });
  it('a valid certificate with one byte changed: refused, or re-encodes to exactly itself', () => {
    const der = f.svids.valid.der;
    fc.assert(
      fc.property(mutation(der.length), (m) => {
        const changed = mutate(der, m);
        try {
          const cert = parseCertificate(changed);
          assert.deepEqual(cert.der, changed);
        } catch (error) {
          if (!(error instanceof IdentityError)) throw error;
          assert.equal(
            error.code === 'cert.malformed' || error.code === 'cert.unsupported_key',
            true,
          );
        }
      }),
      { numRuns: 1500 },
    );
  });
});

describe('PEM reader', () => {
  it('random text and random edits of a CA file: blocks or an Error, nothing else', () => {
    const pem = f.clients.anchors[0]!.pem;
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) =>
        refusedOrOk(() => parsePem(s, 'CERTIFICATE'), 'config'),
      ),
      {
        numRuns: 1000,
      },
    );
    fc.assert(
      fc.property(fc.nat({ max: pem.length - 1 }), fc.string({ maxLength: 3 }), (at, s) => {
        const text = pem.slice(0, at) + s + pem.slice(at + 1);
        try {
          for (const der of parsePem(text, 'CERTIFICATE')) assert.ok(der.length > 0);
        } catch (error) {
          assert.ok(error instanceof Error);
        }
      }),
      { numRuns: 1500 },
    );
  });
});

describe('SPIFFE IDs and bundles', () => {
  it('an accepted SPIFFE ID is exactly its input and within the grammar', () => {
    const piece = fc.constantFrom(
      'spiffe://',
      'example.org',
      '/',
      'a',
      'B',
      '.',
      '..',
      '%2F',
      ':',
      '@',
      '?',
      '#',
      ' ',
      '-',
      '_',
      'É',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
        const text = parts.join('');
        try {
          const id = parseSpiffeId(text);
          assert.equal(id.id, text);
          assert.match(text, /^spiffe:\/\/[a-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/);
          assert.ok(!/\/\.\.?(\/|$)/.test(id.path));
        } catch (error) {
          if (!(error instanceof IdentityError)) throw error;
        }
      }),
      { numRuns: 3000 },
    );
  });
  it('random JSON as a bundle: a bundle or an Error', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 4 }), (json) =>
        refusedOrOk(() => parseBundleFile(json, 'example.org'), 'config'),
      ),
      {
        numRuns: 1000,
      },
    );
  });
});

describe('assertions', () => {
  it('random strings and random compact-JWS shapes', async () => {
    const segment = fc.string({
      unit: fc.constantFrom(...'ABCabc012-_+/=.'.split('')),
      maxLength: 40,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.tuple(segment, segment, segment).map((t) => t.join('.')),
        ),
        async (s) => {
          assert.equal(await refusedAsync(verifyAssertionSignature(s)), 'refused');
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('a valid assertion with one character changed never logs in', async () => {
    const original = await assertionFor(f.svids.valid);
    const { x509Login } = offlineLogins(f.x509);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/';
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: original.length - 1 }),
        fc.constantFrom(...alphabet.split('')),
        async (at, c) => {
          const token = original.slice(0, at) + c + original.slice(at + 1);
          if (token === original) return;
          assert.equal(await refusedAsync(x509Login.authenticate(token)), 'refused', `${at}:${c}`);
        },
      ),
      { numRuns: 600 },
    );
  });

  it('a valid JWT-SVID with one character changed never logs in', async () => {
    const original = await f.jwt.issue({
      spiffeId: 'spiffe://example.org/a',
      audience: LOGIN_AUDIENCE,
    });
    const { jwtSvidLogin } = offlineLogins(f.x509);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: original.length - 1 }),
        fc.constantFrom(...alphabet.split('')),
        async (at, c) => {
          const token = original.slice(0, at) + c + original.slice(at + 1);
          if (token === original) return;
          assert.equal(
            await refusedAsync(jwtSvidLogin.authenticate(token)),
            'refused',
            `${at}:${c}`,
          );
        },
      ),
      { numRuns: 600 },
    );
  });
});
