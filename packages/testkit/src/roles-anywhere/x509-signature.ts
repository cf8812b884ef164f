// The IAM Roles Anywhere signature (AWS's "authentication signing process"): SigV4's canonical
// request and string to sign, with `AWS4-X509-RSA-SHA256` or `AWS4-X509-ECDSA-SHA256` as the
// algorithm, signed with the certificate's private key instead of an HMAC chain. RSA is PKCS#1
// v1.5 over SHA-256; ECDSA is SHA-256 whatever the curve (P-256 and P-384 alike: the helper's
// P-384 golden request verifies with SHA-256 and not with SHA-384), with a DER (r, s).
//
// Canonicalisation and the string to sign are @smithy/signature-v4's, as the STS emulator's are
// (src/sts/sigv4.ts, which only exposes HMAC signatures, so the base class is reached here
// again); the check against the leaf's key is node:crypto. Nothing here is shared with the
// client's signer (packages/client/src/roles-anywhere/sign-request.ts, hand-written): the tests
// hold the two against each other and against AWS's own helper's golden requests.
import { type KeyObject, verify } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { getCanonicalHeaders, SignatureV4Base } from '@smithy/signature-v4';
import type { HttpRequest } from '@smithy/types';

export const X509_ALGORITHMS = ['AWS4-X509-RSA-SHA256', 'AWS4-X509-ECDSA-SHA256'] as const;
export type X509Algorithm = (typeof X509_ALGORITHMS)[number];

export interface X509SignedParts {
  readonly method: string;
  /** The raw path as received. */
  readonly path: string;
  /** Decoded query parameters. */
  readonly query: Readonly<Record<string, string | readonly string[]>>;
  /** Exactly the signed headers: lower-case name → value as received. */
  readonly signedHeaders: Readonly<Record<string, string>>;
  /** Lower-case hex SHA-256 of the body as received. */
  readonly payloadHash: string;
}

export interface X509Scope {
  readonly algorithm: X509Algorithm;
  /** X-Amz-Date, `yyyymmddThhmmssZ`. */
  readonly amzDate: string;
  /** `<yyyymmdd>/<region>/rolesanywhere/aws4_request`. */
  readonly credentialScope: string;
}

// Only canonicalisation is used: no signing key is ever derived, so the credentials are inert.
class Canonicaliser extends SignatureV4Base {
  constructor() {
    super({
      credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' },
      region: 'unused',
      service: 'rolesanywhere',
      sha256: Hash.bind(null, 'sha256'),
      uriEscapePath: true,
    });
  }

  canonicalRequest(parts: X509SignedParts): string {
    const request: HttpRequest = {
      method: parts.method,
      protocol: 'https:',
      hostname: parts.signedHeaders['host'] ?? '',
      path: parts.path,
      query: { ...(parts.query as Record<string, string | string[]>) },
      headers: { ...parts.signedHeaders },
    };
    // Every named header goes in, even those smithy would never sign itself: the client chose.
    const names = new Set(Object.keys(parts.signedHeaders));
    return this.createCanonicalRequest(
      request,
      getCanonicalHeaders(request, undefined, names),
      parts.payloadHash,
    );
  }

  stringToSign(scope: X509Scope, canonicalRequest: string): Promise<string> {
    return this.createStringToSign(
      scope.amzDate,
      scope.credentialScope,
      canonicalRequest,
      scope.algorithm,
    );
  }
}

const canonicaliser = new Canonicaliser();

/** The canonical request and the string to sign of a received request under `scope`. */
export async function x509StringToSign(
  parts: X509SignedParts,
  scope: X509Scope,
): Promise<{ canonicalRequest: string; stringToSign: string }> {
  const canonicalRequest = canonicaliser.canonicalRequest(parts);
  return {
    canonicalRequest,
    stringToSign: await canonicaliser.stringToSign(scope, canonicalRequest),
  };
}

/** The algorithm name a key signs under, or undefined for a key Roles Anywhere does not take. */
export function algorithmForKey(key: KeyObject): X509Algorithm | undefined {
  if (key.asymmetricKeyType === 'rsa') return 'AWS4-X509-RSA-SHA256';
  if (key.asymmetricKeyType === 'ec') return 'AWS4-X509-ECDSA-SHA256';
  return undefined;
}

/**
 * Whether `signatureHex` is the leaf key's signature of `stringToSign` under `algorithm`. False
 * (never a throw) for a malformed signature or a key of the other kind.
 */
export function verifyX509Signature(
  algorithm: X509Algorithm,
  leafKey: KeyObject,
  stringToSign: string,
  signatureHex: string,
): boolean {
  if (algorithmForKey(leafKey) !== algorithm) return false;
  if (!/^(?:[0-9a-f]{2})+$/.test(signatureHex)) return false;
  const data = Buffer.from(stringToSign, 'utf8');
  const signature = Buffer.from(signatureHex, 'hex');
  try {
    return algorithm === 'AWS4-X509-RSA-SHA256'
      ? verify('sha256', data, leafKey, signature)
      : verify('sha256', data, { key: leafKey, dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}
