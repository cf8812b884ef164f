// SPIFFE trust bundles (SPIFFE Trust Domain and Bundle §4): a JWK Set whose `x509-svid` entries
// carry exactly one CA certificate in `x5c` and whose `jwt-svid` entries carry a key and a `kid`.
// An empty `keys` is valid and trusts nothing (every SVID of the domain is refused). Entries of an
// unknown `use` are skipped, as the standard asks, so newer bundles still load. A bundle map
// (`{"<trust domain>": <bundle>, …}`) may not name a trust domain twice, in any spelling.
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { decodeBase64Strict, type JsonValue, parseJsonStrict } from '@rolegate/core';
import { keyKind } from './algorithms.ts';
import { type ParsedCertificate, parseCertificate } from './certificate.ts';
import { isTrustDomainName } from './spiffe-id.ts';

export interface JwtAuthority {
  readonly kid: string;
  readonly key: KeyObject;
  /** The `alg` the entry pins, if any. */
  readonly alg: string | undefined;
}

export interface SpiffeBundle {
  readonly trustDomain: string;
  readonly x509Authorities: readonly ParsedCertificate[];
  readonly jwtAuthorities: ReadonlyMap<string, JwtAuthority>;
  readonly sequence: number | undefined;
  readonly refreshHintSeconds: number | undefined;
  /** Entries skipped for an unknown `use`. */
  readonly skipped: number;
}

type Obj = { readonly [k: string]: JsonValue };
const isObject = (v: JsonValue | undefined): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * One trust domain's bundle from a bundle file: a bundle, or a bundle map that holds it. Throws an
 * Error naming the problem (bundles are configuration).
 */
export function parseBundleFile(text: string, trustDomain: string): SpiffeBundle {
  const json = parseJsonStrict(text);
  if (!isObject(json)) throw new Error('a bundle is a JSON object');
  if ('keys' in json) return readBundle(json, trustDomain);
  const map = readBundleMap(json);
  const bundle = map.get(trustDomain);
  if (bundle === undefined) throw new Error(`the bundle map has no entry for ${trustDomain}`);
  return bundle;
}

/** Every bundle of a bundle map, keyed by trust domain (`example.org` or `spiffe://example.org`). */
export function readBundleMap(json: JsonValue): Map<string, SpiffeBundle> {
  if (!isObject(json)) throw new Error('a bundle map is a JSON object');
  const out = new Map<string, SpiffeBundle>();
  for (const [key, value] of Object.entries(json)) {
    const td = key.startsWith('spiffe://') ? key.slice('spiffe://'.length) : key;
    if (!isTrustDomainName(td)) throw new Error(`bundle map key ${JSON.stringify(key)}`);
    if (out.has(td)) throw new Error(`trust domain ${td} appears twice in the bundle map`);
    if (!isObject(value)) throw new Error(`bundle of ${td} is not an object`);
    out.set(td, readBundle(value, td));
  }
  return out;
}

function readBundle(json: Obj, trustDomain: string): SpiffeBundle {
  const keys = json['keys'];
  if (!Array.isArray(keys)) throw new Error('keys must be an array');
  const x509: ParsedCertificate[] = [];
  const jwt = new Map<string, JwtAuthority>();
  let skipped = 0;
  keys.forEach((entry, i) => {
    const at = `keys[${i}]`;
    if (!isObject(entry)) throw new Error(`${at} is not an object`);
    const use = entry['use'];
    if (typeof use !== 'string') throw new Error(`${at}.use is required`);
    if (use === 'x509-svid') x509.push(x509Authority(entry, at));
    else if (use === 'jwt-svid') {
      const authority = jwtAuthority(entry, at);
      if (jwt.has(authority.kid)) throw new Error(`${at}: kid ${authority.kid} appears twice`);
      jwt.set(authority.kid, authority);
    } else skipped++;
  });
  const sequence = optionalInteger(json['spiffe_sequence'], 'spiffe_sequence');
  const refreshHint = optionalInteger(json['spiffe_refresh_hint'], 'spiffe_refresh_hint');
  return Object.freeze({
    trustDomain,
    x509Authorities: x509,
    jwtAuthorities: jwt,
    sequence,
    refreshHintSeconds: refreshHint,
    skipped,
  });
}

function x509Authority(entry: Obj, at: string): ParsedCertificate {
  const x5c = entry['x5c'];
  if (!Array.isArray(x5c) || x5c.length !== 1 || typeof x5c[0] !== 'string')
    throw new Error(`${at}.x5c must hold exactly one certificate`);
  const der = decodeBase64Strict(x5c[0]);
  if (der === undefined) throw new Error(`${at}.x5c[0] is not strict base64`);
  const cert = parseCertificate(der);
  // The JWK's own key parameters, when present, must be the certificate's key.
  if (entry['kty'] !== undefined) {
    const jwk = importJwk(entry, at);
    const spki = (k: KeyObject) => k.export({ type: 'spki', format: 'der' });
    if (!cert.publicKey || !spki(jwk).equals(spki(cert.publicKey)))
      throw new Error(`${at}: the key parameters are not the certificate's key`);
  }
  return cert;
}

function jwtAuthority(entry: Obj, at: string): JwtAuthority {
  const kid = entry['kid'];
  if (typeof kid !== 'string' || kid === '' || kid.length > 256)
    throw new Error(`${at}.kid is required`);
  const alg = entry['alg'];
  if (alg !== undefined && typeof alg !== 'string') throw new Error(`${at}.alg`);
  return { kid, key: importJwk(entry, at), alg };
}

function importJwk(entry: Obj, at: string): KeyObject {
  let key: KeyObject;
  try {
    // Only the public members: a private `d` in a bundle is a leak, and is not read.
    const { kty, crv, x, y, n, e } = entry as unknown as JsonWebKey;
    if ((entry as JsonWebKey).d !== undefined) throw new Error('private key material');
    key = createPublicKey({ key: { kty, crv, x, y, n, e } as JsonWebKey, format: 'jwk' });
  } catch (cause) {
    throw new Error(`${at}: unreadable key (${(cause as Error).message})`);
  }
  if (keyKind(key) === undefined) throw new Error(`${at}: key type or size not allowed`);
  return key;
}

function optionalInteger(value: JsonValue | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw new Error(`${name} must be a non-negative integer`);
  return value;
}
