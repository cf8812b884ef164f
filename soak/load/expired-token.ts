// The hardest "expired" token to refuse: a copy of a real token with `exp` in the past, signed
// for real by the broker's own KMS key (the soak holds the KMS caller's credentials, as a thief
// of them would). Only the claim check stands between it and the backend.
import { KMSClient, SignCommand } from '@aws-sdk/client-kms';
import type { Identities, LoadPlan } from './plan.ts';

const b64url = (data: Uint8Array | string) => Buffer.from(data).toString('base64url');

export class ExpiredTokenMaker {
  readonly #client: KMSClient;
  readonly #alias: string;

  constructor(plan: LoadPlan, identities: Identities) {
    this.#alias = plan.kms.alias;
    this.#client = new KMSClient({
      region: plan.kms.region,
      endpoint: plan.kms.url,
      maxAttempts: 1,
      credentials: {
        accessKeyId: identities.kms.accessKeyId,
        secretAccessKey: identities.kms.secretAccessKey,
      },
    });
  }

  /**
   * `template` must be a token signed by the alias's key (its header, hence its kid, is kept).
   * Undefined when KMS does not sign now (a KMS fault): the hostile share then skips this case.
   */
  async make(template: string): Promise<string | undefined> {
    const [header, payload] = template.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    const now = Math.floor(Date.now() / 1000);
    // Past the gateway's 30 s leeway by far.
    const forged = b64url(
      JSON.stringify({ ...claims, iat: now - 600, nbf: now - 600, exp: now - 300 }),
    );
    const input = `${header}.${forged}`;
    try {
      const out = await this.#client.send(
        new SignCommand({
          KeyId: this.#alias,
          Message: Buffer.from(input),
          MessageType: 'RAW',
          SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256',
        }),
      );
      return out.Signature ? `${input}.${b64url(out.Signature)}` : undefined;
    } catch {
      return undefined;
    }
  }

  close(): void {
    this.#client.destroy();
  }
}
