// Test-side signing with @smithy/signature-v4 directly, independent of the emulator's verifier:
// what a real client (the rolegate client, an AWS SDK) would send.
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest, QueryParameterBag } from '@smithy/types';

export const SIGNED_AT = new Date('2026-03-04T05:06:07Z');
export const GCI_QUERY = { Action: 'GetCallerIdentity', Version: '2011-06-15' };
export const GCI_BODY = 'Action=GetCallerIdentity&Version=2011-06-15';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignOptions {
  credentials: Credentials;
  host?: string;
  region?: string;
  service?: string;
  date?: Date;
  /** Adds a signed `x-rolegate-audience` header, as the rolegate proof does. */
  audience?: string;
  /** Replaces Action/Version (presign) or the body (post). */
  query?: Record<string, string>;
  body?: string;
  /** Presign only. */
  expiresIn?: number;
  /** Post only: smithy's x-amz-content-sha256 header (SDK default true). */
  applyChecksum?: boolean;
}

/** What to put on the wire: method, request target, headers and body. */
export interface WireRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

function signer(opts: SignOptions): SignatureV4 {
  return new SignatureV4({
    credentials: opts.credentials,
    region: opts.region ?? 'us-east-1',
    service: opts.service ?? 'sts',
    sha256: Hash.bind(null, 'sha256'),
    applyChecksum: opts.applyChecksum ?? true,
  });
}

function baseHeaders(opts: SignOptions): Record<string, string> {
  const headers: Record<string, string> = { host: opts.host ?? 'sts.amazonaws.com' };
  if (opts.audience !== undefined) headers['x-rolegate-audience'] = opts.audience;
  return headers;
}

export function queryString(query: QueryParameterBag = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const v of Array.isArray(value) ? value : [value]) if (v !== null) params.append(key, v);
  }
  return params.toString();
}

/** A presigned GET GetCallerIdentity, signed headers host (+ x-rolegate-audience). */
export async function presignGet(opts: SignOptions): Promise<WireRequest> {
  const request: HttpRequest = {
    method: 'GET',
    protocol: 'https:',
    hostname: opts.host ?? 'sts.amazonaws.com',
    path: '/',
    query: { ...(opts.query ?? GCI_QUERY) },
    headers: baseHeaders(opts),
  };
  const signed = await signer(opts).presign(request, {
    signingDate: opts.date ?? SIGNED_AT,
    expiresIn: opts.expiresIn ?? 900,
  });
  return { method: 'GET', path: `/?${queryString(signed.query)}`, headers: signed.headers };
}

/** A header-signed POST with the form body `Action=GetCallerIdentity&Version=2011-06-15`. */
export async function signPost(opts: SignOptions): Promise<WireRequest> {
  const body = opts.body ?? GCI_BODY;
  const request: HttpRequest = {
    method: 'POST',
    protocol: 'https:',
    hostname: opts.host ?? 'sts.amazonaws.com',
    path: '/',
    query: { ...(opts.query ?? {}) },
    headers: {
      ...baseHeaders(opts),
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
    },
    body,
  };
  const signed = await signer(opts).sign(request, { signingDate: opts.date ?? SIGNED_AT });
  const qs = queryString(signed.query);
  return { method: 'POST', path: qs ? `/?${qs}` : '/', headers: signed.headers, body };
}

/** Rewrites one query parameter of a signed request target (keeps the signature). */
export function withQueryParam(path: string, name: string, value: string | undefined): string {
  const params = new URLSearchParams(path.slice(path.indexOf('?') + 1));
  if (value === undefined) params.delete(name);
  else params.set(name, value);
  return `/?${params.toString()}`;
}
