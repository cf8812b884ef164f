// SPIFFE trust bundles (SPIFFE Trust Domain and Bundle, §4): a JWK Set whose `x509-svid` entries
// carry one CA certificate each in `x5c`, and whose `jwt-svid` entries carry a JWT signing key
// with its `kid`. Also the bundle map (trust domain → bundle) federation and the Workload API use.
import { type KeyObject, X509Certificate } from 'node:crypto';

export interface JwtAuthority {
  readonly kid: string;
  readonly publicKey: KeyObject;
}

export interface SpiffeBundleInput {
  /** CA certificates (DER) trusted for X.509-SVIDs. */
  readonly x509Authorities?: readonly { readonly der: Uint8Array }[];
  /** Keys trusted for JWT-SVIDs. */
  readonly jwtAuthorities?: readonly JwtAuthority[];
  readonly sequence?: number;
  readonly refreshHint?: number;
}

export type BundleJwk = Readonly<Record<string, unknown>>;

export interface SpiffeBundleDocument {
  readonly keys: readonly BundleJwk[];
  readonly spiffe_sequence?: number;
  readonly spiffe_refresh_hint?: number;
}

export function spiffeBundle(input: SpiffeBundleInput): SpiffeBundleDocument {
  const keys: BundleJwk[] = [];
  for (const ca of input.x509Authorities ?? []) {
    const publicKey = new X509Certificate(ca.der).publicKey;
    keys.push({
      ...publicJwk(publicKey),
      use: 'x509-svid',
      x5c: [Buffer.from(ca.der).toString('base64')],
    });
  }
  for (const authority of input.jwtAuthorities ?? []) {
    keys.push({ ...publicJwk(authority.publicKey), use: 'jwt-svid', kid: authority.kid });
  }
  return {
    keys,
    ...(input.sequence === undefined ? {} : { spiffe_sequence: input.sequence }),
    ...(input.refreshHint === undefined ? {} : { spiffe_refresh_hint: input.refreshHint }),
  };
}

/** The bundle as JSON text, ready to write to a bundle file. */
export function writeSpiffeBundle(input: SpiffeBundleInput): string {
  return `${JSON.stringify(spiffeBundle(input), null, 2)}\n`;
}

/**
 * A bundle map `{"<trust domain>": <bundle>, …}` as JSON text. Entries are written in order and
 * as given, so a test can repeat a trust domain (JSON.stringify of an object never could).
 */
export function writeSpiffeBundleMap(
  entries: readonly (readonly [trustDomain: string, bundle: SpiffeBundleInput])[],
): string {
  const members = entries.map(
    ([td, bundle]) => `${JSON.stringify(td)}: ${JSON.stringify(spiffeBundle(bundle))}`,
  );
  return `{${members.join(', ')}}\n`;
}

function publicJwk(key: KeyObject): Record<string, unknown> {
  const { kty, crv, x, y, n, e } = key.export({ format: 'jwk' });
  return Object.fromEntries(
    Object.entries({ kty, crv, x, y, n, e }).filter(([, v]) => v !== undefined),
  );
}
