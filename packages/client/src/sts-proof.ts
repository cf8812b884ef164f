// Makes an `rgsts1.` proof: a presigned sts:GetCallerIdentity GET URL that also signs the
// `x-rolegate-audience` header, so the proof is only good for the broker whose login audience it
// names (the broker sends its own value; STS rejects the signature if they differ).
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

export const STS_PROOF_PREFIX = 'rgsts1.';
export const AUDIENCE_HEADER = 'x-rolegate-audience';
export const STS_PROOF_TOKEN_TYPE = 'urn:rolegate:token-type:aws-sts-presigned';

export interface StsProofOptions {
  /** The broker's login audience (by default the broker's issuer URL). */
  readonly audience: string;
  /** Credentials or a provider; the AWS SDK's default chain when omitted. */
  readonly credentials?: CredentialSource;
  /** Which STS endpoint to sign for; regional from AWS_REGION when omitted. */
  readonly endpoint?: StsEndpointChoice | StsEndpoint;
  /** X-Amz-Expires (1..900, default 300). STS ignores it and accepts ~15 min; the broker honours it. */
  readonly expiresInSeconds?: number;
  /** Signing time, for tests. By default each proof of a key gets its own second (see signing-clock.ts). */
  readonly now?: Date;
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
  const url = await presignStsGet({
    credentials,
    host: endpoint.host,
    region: endpoint.region,
    signedHeaders: { [AUDIENCE_HEADER]: audience },
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    expiresInSeconds: expires,
    signingDate: options.now ?? uniqueSigningDate(credentials.accessKeyId),
  });
  return STS_PROOF_PREFIX + Buffer.from(url, 'utf8').toString('base64url');
}

function toEndpoint(choice: StsEndpointChoice | StsEndpoint | undefined): StsEndpoint {
  if (choice === undefined) return defaultStsEndpoint();
  if ('kind' in choice) return resolveStsEndpoint(choice);
  return choice;
}

/** Decodes a proof back to its URL, for display and debugging only: the broker validates it. */
export function describeStsProof(proof: string): URL {
  if (!proof.startsWith(STS_PROOF_PREFIX)) throw new TypeError('not an rgsts1 proof');
  return new URL(Buffer.from(proof.slice(STS_PROOF_PREFIX.length), 'base64url').toString('utf8'));
}
