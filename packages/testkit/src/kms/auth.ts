// SigV4 for KMS: the STS emulator's authenticator (same parsing, ±15 minute window, session
// tokens, signature over the request as received through @smithy/signature-v4), with the
// credential scoped to service `kms` and the emulator's region. Only the error codes differ: the
// JSON protocol names them `InvalidSignatureException`, `UnrecognizedClientException`, … where
// the query protocol says `SignatureDoesNotMatch`, `InvalidClientTokenId`; the messages are the
// same words.
import { authenticate } from '../sts/authenticate.ts';
import type { ReceivedRequest } from '../sts/received.ts';
import { StsError, type StsErrorCode } from '../sts/sts-error.ts';
import { KmsError, type KmsErrorCode } from './kms-error.ts';

export interface KmsCredential {
  accessKeyId: string;
  secretAccessKey: string;
  /** Required with it when set: sent as X-Amz-Security-Token. */
  sessionToken?: string;
  /** ISO time; a request after it is answered ExpiredTokenException. */
  sessionExpiration?: string;
  /** The caller's ARN, as AccessDeniedException names it. Default `arn:aws:iam::<account>:root`. */
  arn?: string;
}

const CODES: Partial<Record<StsErrorCode, KmsErrorCode>> = {
  MissingAuthenticationToken: 'MissingAuthenticationTokenException',
  IncompleteSignature: 'IncompleteSignatureException',
  SignatureDoesNotMatch: 'InvalidSignatureException',
  InvalidClientTokenId: 'UnrecognizedClientException',
  ExpiredToken: 'ExpiredTokenException',
};

export interface KmsAuthContext {
  region: string;
  credentialFor(accessKeyId: string): KmsCredential | undefined;
  now: Date;
}

export async function authenticateKms(
  req: ReceivedRequest,
  ctx: KmsAuthContext,
): Promise<KmsCredential> {
  try {
    return await authenticate(req, new URLSearchParams(req.rawQuery), {
      region: ctx.region,
      service: 'kms',
      identityFor: ctx.credentialFor,
      now: ctx.now,
    });
  } catch (err) {
    const code = err instanceof StsError ? CODES[err.code] : undefined;
    if (code && err instanceof Error) throw new KmsError(code, err.message);
    throw err;
  }
}

const ACCESS_KEY_ID = /^[A-Z0-9]{16,128}$/;

/** Checks credentials passed in code; a mistake there is a TypeError. */
export function checkCredentials(list: unknown): Map<string, KmsCredential> {
  if (!Array.isArray(list)) throw new TypeError('credentials must be an array');
  const out = new Map<string, KmsCredential>();
  list.forEach((item: unknown, i) => {
    const c = item as Partial<KmsCredential> | null;
    const where = `credentials[${i}]`;
    if (typeof c?.accessKeyId !== 'string' || !ACCESS_KEY_ID.test(c.accessKeyId)) {
      throw new TypeError(`${where}.accessKeyId must be 16–128 of A-Z0-9`);
    }
    if (typeof c.secretAccessKey !== 'string' || c.secretAccessKey === '') {
      throw new TypeError(`${where}.secretAccessKey must be a non-empty string`);
    }
    for (const field of ['sessionToken', 'sessionExpiration', 'arn'] as const) {
      if (c[field] !== undefined && typeof c[field] !== 'string') {
        throw new TypeError(`${where}.${field} must be a string`);
      }
    }
    if (out.has(c.accessKeyId)) throw new TypeError(`${where}: duplicate ${c.accessKeyId}`);
    out.set(c.accessKeyId, c as KmsCredential);
  });
  return out;
}
