// The one place that computes SigV4 signatures for received requests. Canonicalisation, the
// string to sign and key derivation all come from @smithy/signature-v4; this module only feeds it
// the request as received: the signed-header set the client named (not smithy's defaults), the
// X-Amz-* query parameters as sent (presign() would rewrite X-Amz-Expires and friends), and the
// received date. That is why it subclasses SignatureV4 instead of calling presign()/sign().
import { timingSafeEqual } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import {
  ALGORITHM_IDENTIFIER,
  createScope,
  getCanonicalHeaders,
  getPayloadHash,
  SignatureV4,
} from '@smithy/signature-v4';
import type { HttpRequest } from '@smithy/types';

export interface SignedRequestParts {
  method: string;
  /** Raw path as received (percent-encoded); smithy encodes it once more, as AWS does. */
  path: string;
  /** Decoded query parameters as received; any X-Amz-Signature is left out by smithy. */
  query: Record<string, string | string[]>;
  /** Exactly the headers named in SignedHeaders: lower-case name → value as received. */
  signedHeaders: Record<string, string>;
  body: Uint8Array;
}

export interface SigningScope {
  accessKeyId: string;
  secretAccessKey: string;
  /** X-Amz-Date, `yyyymmddThhmmssZ`; its date part is the scope date. */
  longDate: string;
  region: string;
  service: string;
}

const sha256 = Hash.bind(null, 'sha256');

/** Turns `yyyymmddThhmmssZ` into a Date, or undefined when the text is not that format. */
export function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
  // Reject dates that do not exist (20260231): the text must round-trip.
  return !Number.isNaN(date.getTime()) && formatAmzDate(date) === value ? date : undefined;
}

export function formatAmzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

class ReceivedRequestSigner extends SignatureV4 {
  async signatureOf(request: HttpRequest, scope: SigningScope, signingDate: Date): Promise<string> {
    // Force every named header into the canonical set, even ones smithy would never sign itself
    // (user-agent, …): the client chose them.
    const names = new Set(Object.keys(request.headers));
    const canonicalHeaders = getCanonicalHeaders(request, undefined, names);
    const payloadHash = await getPayloadHash(request, sha256);
    const canonicalRequest = this.createCanonicalRequest(request, canonicalHeaders, payloadHash);
    const credentialScope = createScope(scope.longDate.slice(0, 8), scope.region, scope.service);
    const stringToSign = await this.createStringToSign(
      scope.longDate,
      credentialScope,
      canonicalRequest,
      ALGORITHM_IDENTIFIER,
    );
    return this.sign(stringToSign, {
      signingDate,
      signingRegion: scope.region,
      signingService: scope.service,
    });
  }
}

/** The signature AWS would expect for these request parts under this scope, as lower-case hex. */
export async function expectedSignature(
  parts: SignedRequestParts,
  scope: SigningScope,
): Promise<string> {
  const signingDate = parseAmzDate(scope.longDate);
  if (!signingDate) throw new TypeError(`not an X-Amz-Date: ${scope.longDate}`);
  const signer = new ReceivedRequestSigner({
    credentials: { accessKeyId: scope.accessKeyId, secretAccessKey: scope.secretAccessKey },
    region: scope.region,
    service: scope.service,
    sha256,
    uriEscapePath: true,
    applyChecksum: false,
  });
  const request: HttpRequest = {
    method: parts.method,
    protocol: 'https:',
    hostname: parts.signedHeaders['host'] ?? '',
    path: parts.path,
    query: parts.query,
    headers: { ...parts.signedHeaders },
    body: parts.body,
  };
  return signer.signatureOf(request, scope, signingDate);
}

/** Constant-time string comparison, for signatures and session tokens. */
export function constantTimeEqual(expected: string, received: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(received, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
