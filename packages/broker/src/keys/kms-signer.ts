// Signs with an AWS KMS asymmetric key, so no private key ever sits on a broker. The public JWK
// is built once from GetPublicKey; its `kid` is the RFC 7638 thumbprint, so it is the same on
// every broker and after every restart. Any KMS failure is `broker.signing_unavailable` (503 with
// Retry-After): the caller retries later, and no other key ever signs in this key's place.
import { createHash, createPublicKey } from 'node:crypto';
import {
  GetPublicKeyCommand,
  type KeySpec,
  KMSClient,
  type KMSClientConfig,
  SignCommand,
  type SigningAlgorithmSpec,
} from '@aws-sdk/client-kms';
import { p256 } from '@noble/curves/nist.js';
import { SpanKind } from '@opentelemetry/api';
import { inSpan } from '@rolegate/identity';
import { calculateJwkThumbprint, exportJWK, type JWK } from 'jose';
import { BrokerError } from '../errors/broker-error.ts';
import { brokerTracer } from '../tracing/token-spans.ts';
import { algorithmOfKey, type SigningAlgorithm } from './algorithms.ts';
import type { KmsKeyRef } from './ring-file.ts';
import { Semaphore } from './semaphore.ts';

/** Makes the KMS client for one region/endpoint; tests inject one with explicit credentials. */
export type KmsClientFactory = (ref: Pick<KmsKeyRef, 'region' | 'endpoint'>) => KMSClient;

/** KMS takes RAW messages up to this size; larger ones are sent as their SHA-256 digest. */
const MAX_RAW_MESSAGE = 4096;
/** Concurrent KMS calls per broker: well under KMS's default per-account quotas. */
const MAX_CONCURRENT_CALLS = 32;
/**
 * Longest wait for one of those slots. 32 calls at KMS's usual 5–20 ms sign 1,600–6,400 tokens a
 * second; a caller still waiting after a second means KMS is slow, and it gets 503
 * signing_unavailable with Retry-After rather than a place in an ever longer line.
 */
const MAX_WAIT_MS = 1_000;

/**
 * The client settings the broker relies on: the SDK's standard retry mode retries throttling and
 * 5xx with exponential back-off and full jitter; timeouts bound a hanging KMS, whose request then
 * fails like any other. Credentials: the SDK's default chain.
 */
export function defaultKmsClientConfig(
  ref: Pick<KmsKeyRef, 'region' | 'endpoint'>,
): KMSClientConfig {
  return {
    region: ref.region,
    endpoint: ref.endpoint,
    maxAttempts: 3,
    retryMode: 'standard',
    // Without throwOnRequestTimeout, smithy's handler only logs a warning when requestTimeout
    // passes and keeps waiting: a silent KMS would hold every token request forever.
    requestHandler: { connectionTimeout: 1000, requestTimeout: 2000, throwOnRequestTimeout: true },
  };
}

export const defaultKmsClientFactory: KmsClientFactory = (ref) =>
  new KMSClient(defaultKmsClientConfig(ref));

/** Which KMS signing algorithm stands for each JWS algorithm; EdDSA has no KMS counterpart. */
const KMS_ALGORITHM: Partial<Record<SigningAlgorithm, SigningAlgorithmSpec>> = {
  RS256: 'RSASSA_PKCS1_V1_5_SHA_256',
  ES256: 'ECDSA_SHA_256',
};
const KEY_SPECS: Partial<Record<SigningAlgorithm, readonly KeySpec[]>> = {
  RS256: ['RSA_2048', 'RSA_3072', 'RSA_4096'],
  ES256: ['ECC_NIST_P256'],
};

export class KmsSigner {
  private constructor(
    private readonly client: KMSClient,
    private readonly limit: Semaphore,
    /** The key's ARN as KMS named it, so an alias moved later cannot switch keys under us. */
    readonly keyArn: string,
    readonly alg: SigningAlgorithm,
    readonly kid: string,
    readonly publicJwk: JWK,
  ) {}

  /** Reads the public key; fails (and so refuses the ring) on a key the broker cannot use. */
  static async open(client: KMSClient, limit: Semaphore, ref: KmsKeyRef): Promise<KmsSigner> {
    const answer = await limit
      .run(() => client.send(new GetPublicKeyCommand({ KeyId: ref.keyId })))
      .catch((error: unknown) => {
        throw unavailable(`GetPublicKey ${ref.keyId}`, error);
      });
    if (!answer.PublicKey || !answer.KeyId)
      throw new Error(`KMS key ${ref.keyId}: GetPublicKey returned no key`);
    if (answer.KeyUsage !== 'SIGN_VERIFY')
      throw new Error(`KMS key ${ref.keyId} is for ${answer.KeyUsage}, not SIGN_VERIFY`);
    // The algorithm is read from the key material itself, then checked against what KMS says.
    const publicKey = createPublicKey({
      key: Buffer.from(answer.PublicKey),
      format: 'der',
      type: 'spki',
    });
    const alg = algorithmOfKey(publicKey);
    const kmsAlg = KMS_ALGORITHM[alg];
    if (
      !kmsAlg ||
      !answer.KeySpec ||
      !KEY_SPECS[alg]?.includes(answer.KeySpec) ||
      !answer.SigningAlgorithms?.includes(kmsAlg)
    ) {
      throw new Error(
        `KMS key ${ref.keyId} (${answer.KeySpec}) cannot sign RS256 or ES256; use RSA_2048+ or ECC_NIST_P256`,
      );
    }
    const jwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(jwk, 'sha256');
    return new KmsSigner(client, limit, answer.KeyId, alg, kid, {
      ...jwk,
      kid,
      alg,
      use: 'sig',
    });
  }

  /**
   * The JWS signature (RS256: PKCS#1 v1.5; ES256: r‖s) over `signingInput`, as a `KMS/Sign`
   * client span (the wait for a free call slot included: that is time the token request spends).
   */
  sign(signingInput: Uint8Array): Promise<Uint8Array> {
    return inSpan(brokerTracer, 'KMS/Sign', { kind: SpanKind.CLIENT }, (span) => {
      if (span.isRecording()) {
        span.setAttributes({
          'rpc.system': 'aws-api',
          'rpc.service': 'KMS',
          'rpc.method': 'Sign',
          'rolegate.key_id': this.kid,
        });
      }
      return this.#sign(signingInput);
    });
  }

  async #sign(signingInput: Uint8Array): Promise<Uint8Array> {
    const raw = signingInput.length <= MAX_RAW_MESSAGE;
    const answer = await this.limit
      .run(() =>
        this.client.send(
          new SignCommand({
            KeyId: this.keyArn,
            SigningAlgorithm: KMS_ALGORITHM[this.alg],
            MessageType: raw ? 'RAW' : 'DIGEST',
            Message: raw ? signingInput : createHash('sha256').update(signingInput).digest(),
          }),
        ),
      )
      .catch((error: unknown) => {
        throw unavailable(`Sign with ${this.keyArn}`, error);
      });
    if (!answer.Signature) throw unavailable(`Sign with ${this.keyArn}`, 'no signature');
    // KMS returns ECDSA signatures DER-encoded; JWS wants the fixed-size r‖s (RFC 7518 §3.4).
    if (this.alg !== 'ES256') return answer.Signature;
    try {
      return p256.Signature.fromBytes(answer.Signature, 'der').toBytes('compact');
    } catch (error) {
      throw unavailable(`Sign with ${this.keyArn}`, error);
    }
  }
}

/** Holds one KMS client per region/endpoint and one signer per key, for the broker's lifetime. */
export class KmsKeySource {
  readonly #clients = new Map<string, KMSClient>();
  readonly #signers = new Map<string, Promise<KmsSigner>>();
  readonly #limit = new Semaphore(MAX_CONCURRENT_CALLS, MAX_WAIT_MS);

  constructor(private readonly factory: KmsClientFactory = defaultKmsClientFactory) {}

  /** The signer for `ref`; GetPublicKey is called once per key, not on every ring reload. */
  signer(ref: KmsKeyRef): Promise<KmsSigner> {
    const clientKey = JSON.stringify([ref.region, ref.endpoint ?? null]);
    const signerKey = JSON.stringify([ref.keyId, ref.region, ref.endpoint ?? null]);
    let found = this.#signers.get(signerKey);
    if (!found) {
      let client = this.#clients.get(clientKey);
      if (!client) {
        client = this.factory({ region: ref.region, endpoint: ref.endpoint });
        this.#clients.set(clientKey, client);
      }
      found = KmsSigner.open(client, this.#limit, ref);
      // A failure is not cached: the next reload asks KMS again.
      found.catch(() => this.#signers.delete(signerKey));
      this.#signers.set(signerKey, found);
    }
    return found;
  }

  close(): void {
    for (const client of this.#clients.values()) client.destroy();
    this.#clients.clear();
    this.#signers.clear();
  }
}

function unavailable(what: string, error: unknown): BrokerError {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  return new BrokerError('broker.signing_unavailable', `KMS ${what}: ${name}: ${message}`, {
    retryAfterSeconds: 1,
    cause: error,
  });
}
