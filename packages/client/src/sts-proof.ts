// Makes an `rgsts1.` proof: a presigned sts:GetCallerIdentity GET URL that also signs the
// `x-rolegate-audience` header, so the proof is only good for the broker whose login audience it
// names (the broker sends its own value; STS rejects the signature if they differ), and a random
// `x-rolegate-nonce` header, so that every proof is unique: SigV4 is deterministic, and without it
// two processes signing with one key in the same second would make one proof, which a broker
// accepts once. The nonce travels after the URL: `rgsts1.<base64url(URL)>.<nonce>`.
import { randomBytes } from 'node:crypto';
import {
  AUDIENCE_HEADER,
  NONCE_HEADER,
  STS_PROOF_PREFIX,
  STS_PROOF_TOKEN_TYPE,
} from '@rolegate/core';
import { type CredentialSource, resolveCredentials } from './credentials.ts';
import { RolegateClientError } from './errors.ts';
import { uniqueSigningDate } from './signing-clock.ts';
import { presignStsGet } from './sigv4.ts';
import {
  defaultStsEndpoint,
  resolveStsEndpoint,
  type StsEndpoint,
  type StsEndpointChoice,
} from './sts-endpoint.ts';

export { AUDIENCE_HEADER, NONCE_HEADER, STS_PROOF_PREFIX, STS_PROOF_TOKEN_TYPE };

export interface StsProofOptions {
  /** The broker's login audience (by default the broker's issuer URL). */
  readonly audience: string;
  /** Credentials or a provider; the AWS SDK's default chain when omitted. */
  readonly credentials?: CredentialSource;
  /** Which STS endpoint to sign for; regional from AWS_REGION when omitted. */
  readonly endpoint?: StsEndpointChoice | StsEndpoint;
  /** X-Amz-Expires (1..900, default 300). STS ignores it and accepts ~15 min; the broker honours it. */
  readonly expiresInSeconds?: number;
  /** Signing time, for tests. Default now. */
  readonly now?: Date;
  /**
   * Sign a random `x-rolegate-nonce` (default true). `false` makes the older form, which brokers
   * and gateways before the nonce accept: each proof of a key then gets its own second within
   * this process (signing-clock.ts), but two processes can still make the same proof.
   */
  readonly nonce?: boolean;
}

export async function createStsProof(options: StsProofOptions): Promise<string> {
  const audience = options.audience;
  if (typeof audience !== 'string' || audience.length === 0 || !/^[\x21-\x7e]+$/.test(audience)) {
    throw new RolegateClientError(
      'client.invalid_option',
      'audience must be a non-empty string of printable ASCII without spaces',
    );
  }
  const expires = options.expiresInSeconds ?? 300;
  if (!Number.isInteger(expires) || expires < 1 || expires > 900) {
    throw new RolegateClientError('client.invalid_option', 'expiresInSeconds must be 1..900');
  }
  const endpoint = toEndpoint(options.endpoint);
  const credentials = await resolveCredentials(options.credentials);
  const nonce = options.nonce === false ? undefined : randomBytes(16).toString('base64url');
  const url = await presignStsGet({
    credentials,
    host: endpoint.host,
    region: endpoint.region,
    signedHeaders:
      nonce === undefined
        ? { [AUDIENCE_HEADER]: audience }
        : { [AUDIENCE_HEADER]: audience, [NONCE_HEADER]: nonce },
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    expiresInSeconds: expires,
    signingDate:
      options.now ?? (nonce === undefined ? uniqueSigningDate(credentials.accessKeyId) : undefined),
  });
  const envelope = STS_PROOF_PREFIX + Buffer.from(url, 'utf8').toString('base64url');
  return nonce === undefined ? envelope : `${envelope}.${nonce}`;
}

function toEndpoint(choice: StsEndpointChoice | StsEndpoint | undefined): StsEndpoint {
  if (choice === undefined) return defaultStsEndpoint();
  if ('kind' in choice) return resolveStsEndpoint(choice);
  return choice;
}

/** Decodes a proof back to its URL, for display and debugging only: the broker validates it. */
export function describeStsProof(proof: string): URL {
  if (!proof.startsWith(STS_PROOF_PREFIX)) throw new TypeError('not an rgsts1 proof');
  const body = proof.slice(STS_PROOF_PREFIX.length).split('.')[0]!;
  return new URL(Buffer.from(body, 'base64url').toString('utf8'));
}
