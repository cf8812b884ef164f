// The only module that touches @smithy/signature-v4: everything else asks for a presigned URL.
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity } from '@smithy/types';
import { encodeRfc3986 } from './aws-uri-encode.ts';

export interface PresignInput {
  readonly credentials: AwsCredentialIdentity;
  readonly host: string;
  readonly region: string;
  /** Headers that are signed but not sent in the URL; the verifier must send the same values. */
  readonly signedHeaders: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly expiresInSeconds: number;
  readonly signingDate?: Date;
}

class Sha256 extends Hash {
  constructor(secret?: Parameters<typeof Hash.prototype.update>[0]) {
    super('sha256', secret);
  }
}

/** Presigns a GET to `https://<host>/?<query>` for service `sts` and returns the full URL. */
export async function presignStsGet(input: PresignInput): Promise<string> {
  const signer = new SignatureV4({
    service: 'sts',
    region: input.region,
    credentials: input.credentials,
    sha256: Sha256,
    uriEscapePath: true,
    applyChecksum: false,
  });
  const request = new HttpRequest({
    method: 'GET',
    protocol: 'https:',
    hostname: input.host,
    path: '/',
    query: { ...input.query },
    headers: { host: input.host, ...input.signedHeaders },
  });
  const signed = await signer.presign(request, {
    expiresIn: input.expiresInSeconds,
    signingDate: input.signingDate,
  });
  const query = Object.entries(signed.query ?? {})
    .map(([k, v]) => {
      if (typeof v !== 'string') throw new TypeError(`query parameter ${k} must have one value`);
      return `${encodeRfc3986(k)}=${encodeRfc3986(v)}`;
    })
    .join('&');
  return `https://${input.host}/?${query}`;
}
