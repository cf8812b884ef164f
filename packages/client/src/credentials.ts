// Where the caller's AWS credentials come from: anything the AWS SDK's default chain supports
// (env, shared profiles, SSO, credential_process, web identity, container and instance metadata).
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { RolegateClientError } from './errors.ts';

export type CredentialSource = AwsCredentialIdentity | AwsCredentialIdentityProvider;

let defaultChain: AwsCredentialIdentityProvider | undefined;

/** The SDK's default provider chain, created once: it memoizes and refreshes by itself. */
export function defaultCredentialProvider(): AwsCredentialIdentityProvider {
  defaultChain ??= fromNodeProviderChain();
  return defaultChain;
}

export async function resolveCredentials(
  source: CredentialSource = defaultCredentialProvider(),
): Promise<AwsCredentialIdentity> {
  if (typeof source !== 'function') return source;
  try {
    return await source();
  } catch (cause) {
    throw new RolegateClientError(
      'client.credentials_unavailable',
      `no AWS credentials found: ${(cause as Error).message}`,
      { cause },
    );
  }
}
