// Builds real presigned proofs with @rolegate/client and hostile variants of them. Each variant
// is a transformation of a valid proof, so a test fails if the broker accepts it for any reason
// other than the one named.
import { createStsProof } from '@rolegate/client';

export const AUDIENCE = 'https://broker.test';
export const TEST_CREDENTIALS = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};

/** `rgsts1.<base64url(url)>[.<nonce>]`. */
export function encodeProof(url: string, nonce?: string): string {
  const envelope = `rgsts1.${Buffer.from(url, 'utf8').toString('base64url')}`;
  return nonce === undefined ? envelope : `${envelope}.${nonce}`;
}

/** The presigned URL of a proof (its nonce, if any, is dropped: see splitProof). */
export function decodeProof(proof: string): string {
  return splitProof(proof).url;
}

export function splitProof(proof: string): { url: string; nonce: string | undefined } {
  const [body, nonce] = proof.slice('rgsts1.'.length).split('.') as [string, string | undefined];
  return { url: Buffer.from(body, 'base64url').toString('latin1'), nonce };
}

export async function validProofUrl(
  options: {
    host?: string;
    region?: string;
    now?: Date;
    sessionToken?: string;
    expires?: number;
  } = {},
): Promise<string> {
  const proof = await createStsProof({
    audience: AUDIENCE,
    credentials: { ...TEST_CREDENTIALS, sessionToken: options.sessionToken },
    endpoint: {
      host: options.host ?? 'sts.us-east-1.amazonaws.com',
      region: options.region ?? 'us-east-1',
    },
    now: options.now,
    expiresInSeconds: options.expires ?? 900,
    // The hostile variants rewrite the URL alone: the older form, whose URL is the whole proof.
    nonce: false,
  });
  return decodeProof(proof);
}

/** Splits a proof URL into its prefix (`https://host/?`) and its ordered query pairs. */
export function splitUrl(url: string): { prefix: string; pairs: [string, string][] } {
  const q = url.indexOf('?');
  const pairs = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return [pair.slice(0, eq), pair.slice(eq + 1)] as [string, string];
    });
  return { prefix: url.slice(0, q + 1), pairs };
}

export function joinUrl(prefix: string, pairs: readonly [string, string][]): string {
  return prefix + pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** Replaces (raw, already-encoded) the value of one query parameter. */
export function withParam(url: string, name: string, rawValue: string): string {
  const { prefix, pairs } = splitUrl(url);
  return joinUrl(
    prefix,
    pairs.map(([k, v]) => [k, k === name ? rawValue : v]),
  );
}

export function withoutParam(url: string, name: string): string {
  const { prefix, pairs } = splitUrl(url);
  return joinUrl(
    prefix,
    pairs.filter(([k]) => k !== name),
  );
}

export function withExtraPair(url: string, rawPair: string): string {
  return `${url}&${rawPair}`;
}

export function paramValue(url: string, name: string): string {
  const found = splitUrl(url).pairs.find(([k]) => k === name);
  if (!found) throw new Error(`no ${name}`);
  return found[1];
}
