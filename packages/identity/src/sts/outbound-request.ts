// Rebuilds the GetCallerIdentity request from validated pieces. Nothing the client sent is
// forwarded as-is: not its URL text, not its headers, not its Host (rebuild, never forward).
import {
  AUDIENCE_HEADER,
  NONCE_HEADER,
  SIGNED_HEADERS,
  SIGNED_HEADERS_WITH_NONCE,
} from './proof-rules.ts';
import type { ValidatedProof } from './validate-proof.ts';

export interface OutboundRequest {
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
}

export function buildOutboundRequest(
  proof: ValidatedProof,
  loginAudience: string,
): OutboundRequest {
  const { credential } = proof;
  const params: [string, string][] = [
    ['Action', 'GetCallerIdentity'],
    ['Version', '2011-06-15'],
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
    [
      'X-Amz-Credential',
      `${credential.accessKeyId}/${credential.date}/${credential.region}/sts/aws4_request`,
    ],
    ['X-Amz-Date', proof.amzDate],
    ['X-Amz-Expires', proof.expires],
    ['X-Amz-SignedHeaders', proof.nonce === undefined ? SIGNED_HEADERS : SIGNED_HEADERS_WITH_NONCE],
  ];
  if (proof.securityToken !== undefined) params.push(['X-Amz-Security-Token', proof.securityToken]);
  params.push(['X-Amz-Signature', proof.signature]);
  const query = params.map(([k, v]) => `${k}=${encodeRfc3986(v)}`).join('&');
  return {
    path: `/?${query}`,
    headers: {
      host: proof.endpoint.host,
      [AUDIENCE_HEADER]: loginAudience,
      ...(proof.nonce === undefined ? {} : { [NONCE_HEADER]: proof.nonce }),
      accept: 'application/json',
    },
  };
}

function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
