// KMS clients for tests against the KMS emulator: the broker's own client settings, with a test
// identity's credentials instead of the SDK's default chain.
import { KMSClient } from '@aws-sdk/client-kms';
import type { KmsEmulator, StsIdentity } from '@rolegate/testkit';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import { defaultKmsClientConfig, type KmsClientFactory } from '../../src/keys/kms-signer.ts';

export function kmsClientFactoryFor(caller: StsIdentity): KmsClientFactory {
  return (ref) =>
    new KMSClient({
      ...defaultKmsClientConfig(ref),
      credentials: {
        accessKeyId: caller.accessKeyId,
        secretAccessKey: caller.secretAccessKey,
        sessionToken: caller.sessionToken,
      },
    });
}

/** The RFC 7638 thumbprint of a KMS key's public key, taken from the emulator, not the signer. */
export async function kmsThumbprint(kms: KmsEmulator, keyId: string): Promise<string> {
  return calculateJwkThumbprint(await exportJWK(kms.describe(keyId).publicKey), 'sha256');
}
