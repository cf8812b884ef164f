// Authenticates a CreateSession request the way AWS's signing-process page describes, in a fixed
// order: the headers each once, the leaf (X-Amz-X509, base64 DER) and any intermediates
// (X-Amz-X509-Chain, comma-separated), the Authorization header, the algorithm against the leaf's
// key type, the credential scope and the leaf's serial, the ±5 minute window, the headers that
// must be signed, and last the signature over the request as received, checked with the leaf's
// public key. The path to a trust anchor is not checked here: that needs the trust anchor the
// query names (see certificate-path.ts).
import { createHash } from 'node:crypto';
import { decodeBase64Strict } from '@rolegate/core';
import { type ParsedCertificate, parseCertificate, serialHex } from '@rolegate/identity';
import { headerValue, type ReceivedRequest } from '../sts/received.ts';
import { formatAmzDate, parseAmzDate } from '../sts/sigv4.ts';
import { parseAuthorization, type X509Authorization } from './authorization.ts';
import { denied, INVALID_SIGNATURE } from './refusal.ts';
import { algorithmForKey, verifyX509Signature, x509StringToSign } from './x509-signature.ts';

export interface AuthenticatedCaller {
  readonly leaf: ParsedCertificate;
  /** X-Amz-X509-Chain, in the order sent. */
  readonly intermediates: readonly ParsedCertificate[];
}

export interface AuthContext {
  readonly region: string;
  readonly now: Date;
}

export const SERVICE = 'rolesanywhere';
const TERMINATOR = 'aws4_request';
const WINDOW_MS = 5 * 60 * 1000;
/** More than any real chain (AWS's helper sends the bundle it is given, intermediates only). */
const MAX_INTERMEDIATES = 5;
/** What the signing-process page requires in SignedHeaders (plus the chain header when sent). */
const MUST_SIGN = ['content-type', 'host', 'x-amz-date', 'x-amz-x509'] as const;

export async function authenticate(
  req: ReceivedRequest,
  query: ReadonlyMap<string, readonly string[]>,
  ctx: AuthContext,
): Promise<AuthenticatedCaller> {
  const authorization = once(req, 'authorization');
  const amzDate = once(req, 'x-amz-date');
  const leafHeader = once(req, 'x-amz-x509');
  const chainHeader = once(req, 'x-amz-x509-chain');
  if (authorization === undefined || amzDate === undefined || leafHeader === undefined)
    throw denied('auth.malformed', 'Authorization, X-Amz-Date and X-Amz-X509 are required');
  const signedAt = parseAmzDate(amzDate);
  if (signedAt === undefined) throw denied('auth.malformed', 'X-Amz-Date is not yyyymmddThhmmssZ');
  const leaf = certificate(leafHeader, 'X-Amz-X509');
  const intermediates = chainHeader === undefined ? [] : chainHeader.split(',');
  if (intermediates.length > MAX_INTERMEDIATES)
    throw denied('auth.bad_certificate', `X-Amz-X509-Chain holds more than ${MAX_INTERMEDIATES}`);
  const chain = intermediates.map((b64) => certificate(b64, 'X-Amz-X509-Chain'));
  const auth = parseAuthorization(authorization);
  if (leaf.publicKey === undefined || algorithmForKey(leaf.publicKey) !== auth.algorithm)
    throw denied('auth.algorithm_mismatch', `${auth.algorithm} does not sign with this key`);
  checkScope(auth, amzDate, ctx.region);
  if (BigInt(`0x${serialHex(leaf.serial)}`).toString(10) !== auth.serial)
    throw denied('auth.serial_mismatch', 'the Credential serial is not the certificate serial');
  checkWindow(amzDate, signedAt, ctx.now);
  const mustSign = chainHeader === undefined ? MUST_SIGN : [...MUST_SIGN, 'x-amz-x509-chain'];
  const unsigned = mustSign.filter((name) => !auth.signedHeaders.includes(name));
  if (unsigned.length > 0)
    throw denied('auth.header_not_signed', `SignedHeaders must include ${unsigned.join(', ')}`);
  const signedHeaders: Record<string, string> = Object.create(null);
  for (const name of auth.signedHeaders) {
    const value = headerValue(req, name);
    if (value === undefined) throw denied('auth.malformed', `signed header ${name} was not sent`);
    signedHeaders[name] = value;
  }
  const { stringToSign } = await x509StringToSign(
    {
      method: req.method,
      path: req.path,
      query: Object.fromEntries(query),
      signedHeaders,
      payloadHash: createHash('sha256').update(req.body).digest('hex'),
    },
    {
      algorithm: auth.algorithm,
      amzDate,
      credentialScope: `${auth.date}/${auth.region}/${auth.service}/${auth.terminator}`,
    },
  );
  if (!verifyX509Signature(auth.algorithm, leaf.publicKey, stringToSign, auth.signature))
    throw denied('auth.bad_signature', INVALID_SIGNATURE);
  return { leaf, intermediates: chain };
}

/** The one value of a header; sent twice, it has two readings and is refused. */
function once(req: ReceivedRequest, name: string): string | undefined {
  const values = req.headers.get(name);
  if (values !== undefined && values.length > 1)
    throw denied('auth.malformed', `the ${name} header is repeated`);
  return values?.[0];
}

function certificate(base64: string, header: string): ParsedCertificate {
  const der = decodeBase64Strict(base64.trim());
  if (der === undefined) throw denied('auth.bad_certificate', `${header} is not strict base64`);
  try {
    return parseCertificate(der);
  } catch {
    throw denied('auth.bad_certificate', `${header} is not a DER X.509 certificate`);
  }
}

function checkScope(auth: X509Authorization, amzDate: string, region: string): void {
  if (auth.date !== amzDate.slice(0, 8))
    throw denied('auth.bad_scope', 'the Credential date is not the X-Amz-Date date');
  if (auth.region !== region)
    throw denied('auth.bad_scope', `the Credential must be scoped to ${region}`);
  if (auth.service !== SERVICE || auth.terminator !== TERMINATOR)
    throw denied('auth.bad_scope', `the Credential must end /${SERVICE}/${TERMINATOR}`);
}

function checkWindow(amzDate: string, signedAt: Date, now: Date): void {
  if (Math.abs(signedAt.getTime() - now.getTime()) > WINDOW_MS)
    throw denied(
      'auth.date_out_of_window',
      `Signature expired or not yet current: ${amzDate} is more than 5 minutes from ${formatAmzDate(now)}`,
    );
}
