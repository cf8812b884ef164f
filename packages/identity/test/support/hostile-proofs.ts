// The catalogue of hostile proofs: every kind in docs/specs/sts-proof.md and more. Each entry turns a
// valid proof URL into a hostile proof and names the stable code the broker must answer with.
// Used offline (validateStsProof) and end to end (POST /v1/token against the STS emulator).
import type { IdentityErrorCode } from '../../src/errors.ts';
import {
  encodeProof,
  paramValue,
  withExtraPair,
  withoutParam,
  withParam,
} from './proof-builder.ts';

export interface HostileProof {
  readonly name: string;
  readonly make: (validUrl: string) => string;
  readonly code: IdentityErrorCode;
}

const swapHost = (url: string, host: string) => url.replace('sts.us-east-1.amazonaws.com', host);
const cred = (url: string) => decodeURIComponent(paramValue(url, 'X-Amz-Credential'));
const withCred = (url: string, credential: string) =>
  withParam(url, 'X-Amz-Credential', encodeURIComponent(credential));

const withToken = (url: string, raw: string) =>
  url.includes('X-Amz-Security-Token=')
    ? withParam(url, 'X-Amz-Security-Token', raw)
    : withExtraPair(url, `X-Amz-Security-Token=${raw}`);

export const HOSTILE_PROOFS: readonly HostileProof[] = [
  // Envelope.
  { name: 'empty proof', make: () => '', code: 'proof.bad_prefix' },
  {
    name: 'no prefix',
    make: (u) => encodeProof(u).slice('rgsts1.'.length),
    code: 'proof.bad_prefix',
  },
  {
    name: 'upper-case prefix',
    make: (u) => `RGSTS1.${encodeProof(u).slice(7)}`,
    code: 'proof.bad_prefix',
  },
  {
    name: 'version 2 prefix',
    make: (u) => `rgsts2.${encodeProof(u).slice(7)}`,
    code: 'proof.bad_prefix',
  },
  { name: 'raw URL instead of envelope', make: (u) => u, code: 'proof.bad_prefix' },
  {
    name: 'padded base64url',
    make: (u) => `${encodeProof(`${u}&`).replace(/$/, '==')}`,
    code: 'proof.bad_encoding',
  },
  {
    name: 'standard base64 alphabet',
    make: (u) => `rgsts1.${Buffer.from(`${u}??>`).toString('base64')}`,
    code: 'proof.bad_encoding',
  },
  {
    name: 'whitespace inside',
    make: (u) => encodeProof(u).replace(/(.{40})/, '$1 '),
    code: 'proof.bad_encoding',
  },
  { name: 'newline at end', make: (u) => `${encodeProof(u)}\n`, code: 'proof.bad_encoding' },
  {
    name: 'impossible length',
    make: (u) => {
      const body = encodeProof(u).slice(7);
      return `rgsts1.${body.slice(0, body.length - (body.length % 4))}A`;
    },
    code: 'proof.bad_encoding',
  },
  { name: 'non-canonical trailing bits', make: () => 'rgsts1.aB', code: 'proof.bad_encoding' },
  {
    name: 'over 8 KiB',
    make: (u) => encodeProof(`${u}&${'a'.repeat(9000)}`),
    code: 'proof.too_large',
  },
  { name: 'NUL byte in URL', make: (u) => encodeProof(`${u}\u0000`), code: 'proof.bad_characters' },
  {
    name: 'CRLF in URL',
    make: (u) => encodeProof(u.replace('/?', '/?\r\nX-Evil: 1\r\n')),
    code: 'proof.bad_characters',
  },
  {
    name: 'space in URL',
    make: (u) => encodeProof(u.replace('Action', ' Action')),
    code: 'proof.bad_characters',
  },
  {
    name: 'non-ASCII look-alike host',
    make: (u) => encodeProof(swapHost(u, 'sts.us-east-1.amazonаws.com')),
    code: 'proof.bad_characters',
  },

  // URL shape and host.
  {
    name: 'http scheme',
    make: (u) => encodeProof(u.replace('https://', 'http://')),
    code: 'proof.bad_url',
  },
  {
    name: 'upper-case scheme',
    make: (u) => encodeProof(u.replace('https://', 'HTTPS://')),
    code: 'proof.bad_url',
  },
  {
    name: 'userinfo before host',
    make: (u) => encodeProof(u.replace('https://', 'https://sts.amazonaws.com@')),
    code: 'proof.bad_url',
  },
  {
    name: 'host after userinfo (spec example)',
    make: (u) => encodeProof(swapHost(u, 'sts.amazonaws.com@evil.com')),
    code: 'proof.bad_url',
  },
  {
    name: 'explicit port 443',
    make: (u) => encodeProof(swapHost(u, 'sts.us-east-1.amazonaws.com:443')),
    code: 'proof.bad_url',
  },
  {
    name: 'other port',
    make: (u) => encodeProof(swapHost(u, 'sts.us-east-1.amazonaws.com:8443')),
    code: 'proof.bad_url',
  },
  { name: 'fragment', make: (u) => encodeProof(`${u}#frag`), code: 'proof.bad_url' },
  {
    name: 'fragment hiding host',
    make: (u) =>
      encodeProof(
        u.replace(
          'https://sts.us-east-1.amazonaws.com/',
          'https://evil.example#sts.us-east-1.amazonaws.com/',
        ),
      ),
    code: 'proof.bad_url',
  },
  {
    name: 'backslash in authority',
    make: (u) => encodeProof(u.replace('amazonaws.com/', 'amazonaws.com\\@evil.com/')),
    code: 'proof.bad_url',
  },
  {
    name: 'trailing dot host',
    make: (u) => encodeProof(swapHost(u, 'sts.us-east-1.amazonaws.com.')),
    code: 'proof.bad_url',
  },
  {
    name: 'upper-case host',
    make: (u) => encodeProof(swapHost(u, 'STS.us-east-1.amazonaws.com')),
    code: 'proof.bad_url',
  },
  {
    name: 'IPv4 literal',
    make: (u) => encodeProof(swapHost(u, '52.94.0.1')),
    code: 'proof.bad_url',
  },
  {
    name: 'decimal IPv4',
    make: (u) => encodeProof(swapHost(u, '878706689')),
    code: 'proof.bad_url',
  },
  { name: 'hex IPv4', make: (u) => encodeProof(swapHost(u, '0x345e0001')), code: 'proof.bad_url' },
  { name: 'IPv6 literal', make: (u) => encodeProof(swapHost(u, '[::1]')), code: 'proof.bad_url' },
  {
    name: 'punycode host',
    make: (u) => encodeProof(swapHost(u, 'sts.xn--us-east-1-9ua.amazonaws.com')),
    code: 'proof.bad_url',
  },
  {
    name: 'path other than /',
    make: (u) => encodeProof(u.replace('.com/?', '.com/sts/?')),
    code: 'proof.bad_url',
  },
  {
    name: 'dot-segment path',
    make: (u) => encodeProof(u.replace('.com/?', '.com/./?')),
    code: 'proof.bad_url',
  },
  {
    name: 'encoded slash path',
    make: (u) => encodeProof(u.replace('.com/?', '.com/%2F?')),
    code: 'proof.bad_url',
  },
  { name: 'no query', make: (u) => encodeProof(u.slice(0, u.indexOf('?'))), code: 'proof.bad_url' },
  {
    name: 'suffix-attack host (spec example)',
    make: (u) => encodeProof(swapHost(u, 'sts.amazonaws.com.evil.com')),
    code: 'proof.host_not_allowed',
  },
  {
    name: 'infix-attack host (spec example)',
    make: (u) => encodeProof(swapHost(u, 'sts.evil.amazonaws.com')),
    code: 'proof.host_not_allowed',
  },
  {
    name: 'unrelated host',
    make: (u) => encodeProof(swapHost(u, 'evil.example')),
    code: 'proof.host_not_allowed',
  },
  {
    name: 'other AWS service host',
    make: (u) => encodeProof(swapHost(u, 'iam.amazonaws.com')),
    code: 'proof.host_not_allowed',
  },
  {
    name: 'region that does not exist',
    make: (u) => encodeProof(swapHost(u, 'sts.xx-evil-1.amazonaws.com')),
    code: 'proof.host_not_allowed',
  },
  {
    name: 'FIPS host when FIPS is off',
    make: (u) => encodeProof(swapHost(u, 'sts-fips.us-east-1.amazonaws.com')),
    code: 'proof.host_not_allowed',
  },
  {
    name: 'China host when partition not trusted',
    make: (u) => encodeProof(swapHost(u, 'sts.cn-north-1.amazonaws.com.cn')),
    code: 'proof.host_not_allowed',
  },
  {
    name: 'dual-stack host when off',
    make: (u) => encodeProof(swapHost(u, 'sts.us-east-1.api.aws')),
    code: 'proof.host_not_allowed',
  },

  // Query tokenizer.
  { name: 'empty pair', make: (u) => encodeProof(u.replace('&', '&&')), code: 'proof.bad_query' },
  {
    name: 'pair without =',
    make: (u) => encodeProof(withExtraPair(u, 'Foo')),
    code: 'proof.bad_query',
  },
  {
    name: 'literal plus',
    make: (u) => encodeProof(withParam(u, 'X-Amz-Expires', '6+0')),
    code: 'proof.bad_query',
  },
  {
    name: 'bad percent escape',
    make: (u) => encodeProof(withParam(u, 'Version', '2011-06-15%G1')),
    code: 'proof.bad_query',
  },
  {
    name: 'percent escape of invalid UTF-8',
    make: (u) => encodeProof(withParam(u, 'Version', '%C0%AF')),
    code: 'proof.bad_query',
  },
  {
    name: 'semicolon separator',
    make: (u) => encodeProof(u.replace('&Version', ';Version')),
    code: 'proof.bad_query',
  },
  {
    name: 'too many pairs',
    make: (u) => encodeProof(`${u}${'&a=b'.repeat(19)}`),
    code: 'proof.bad_query',
  },
  {
    name: 'unknown parameter',
    make: (u) => encodeProof(withExtraPair(u, 'X-Evil=1')),
    code: 'proof.unknown_parameter',
  },
  {
    name: 'lower-case parameter name',
    make: (u) => encodeProof(u.replace('Action=', 'action=')),
    code: 'proof.unknown_parameter',
  },
  {
    name: 'X-Amz-Content-Sha256 smuggled',
    make: (u) => encodeProof(withExtraPair(u, 'X-Amz-Content-Sha256=UNSIGNED-PAYLOAD')),
    code: 'proof.unknown_parameter',
  },
  {
    name: 'duplicate credential, other case (CVE-2022-2385)',
    make: (u) =>
      encodeProof(withExtraPair(u, `x-amz-credential=${paramValue(u, 'X-Amz-Credential')}`)),
    code: 'proof.duplicate_parameter',
  },
  {
    name: 'duplicate credential, same case',
    make: (u) =>
      encodeProof(withExtraPair(u, `X-Amz-Credential=${paramValue(u, 'X-Amz-Credential')}`)),
    code: 'proof.duplicate_parameter',
  },
  {
    name: 'duplicate Action',
    make: (u) => encodeProof(withExtraPair(u, 'Action=AssumeRole')),
    code: 'proof.duplicate_parameter',
  },
  {
    name: 'percent-encoded duplicate name',
    make: (u) => encodeProof(withExtraPair(u, '%41ction=GetCallerIdentity')),
    code: 'proof.duplicate_parameter',
  },

  // Parameter values.
  {
    name: 'missing signature',
    make: (u) => encodeProof(withoutParam(u, 'X-Amz-Signature')),
    code: 'proof.missing_parameter',
  },
  {
    name: 'missing credential',
    make: (u) => encodeProof(withoutParam(u, 'X-Amz-Credential')),
    code: 'proof.missing_parameter',
  },
  {
    name: 'missing date',
    make: (u) => encodeProof(withoutParam(u, 'X-Amz-Date')),
    code: 'proof.missing_parameter',
  },
  {
    name: 'missing Action',
    make: (u) => encodeProof(withoutParam(u, 'Action')),
    code: 'proof.missing_parameter',
  },
  {
    name: 'other action',
    make: (u) => encodeProof(withParam(u, 'Action', 'AssumeRole')),
    code: 'proof.bad_action',
  },
  {
    name: 'action in other case',
    make: (u) => encodeProof(withParam(u, 'Action', 'getcalleridentity')),
    code: 'proof.bad_action',
  },
  {
    name: 'other API version',
    make: (u) => encodeProof(withParam(u, 'Version', '2010-05-08')),
    code: 'proof.bad_action',
  },
  {
    name: 'other algorithm',
    make: (u) => encodeProof(withParam(u, 'X-Amz-Algorithm', 'AWS4-ECDSA-P256-SHA256')),
    code: 'proof.bad_algorithm',
  },
  {
    name: 'audience not signed (spec example)',
    make: (u) => encodeProof(withParam(u, 'X-Amz-SignedHeaders', 'host')),
    code: 'proof.audience_not_signed',
  },
  {
    name: 'extra signed header',
    make: (u) =>
      encodeProof(withParam(u, 'X-Amz-SignedHeaders', 'host%3Bx-amz-date%3Bx-rolegate-audience')),
    code: 'proof.audience_not_signed',
  },
  {
    name: 'signed headers reordered',
    make: (u) => encodeProof(withParam(u, 'X-Amz-SignedHeaders', 'x-rolegate-audience%3Bhost')),
    code: 'proof.audience_not_signed',
  },
  {
    name: 'credential scope wrong service',
    make: (u) => encodeProof(withCred(u, cred(u).replace('/sts/', '/iam/'))),
    code: 'proof.bad_credential_scope',
  },
  {
    name: 'credential scope wrong region',
    make: (u) => encodeProof(withCred(u, cred(u).replace('/us-east-1/', '/eu-west-1/'))),
    code: 'proof.bad_credential_scope',
  },
  {
    name: 'credential scope wrong terminator',
    make: (u) => encodeProof(withCred(u, cred(u).replace('aws4_request', 'aws4_evil'))),
    code: 'proof.bad_credential_scope',
  },
  {
    name: 'credential scope date differs',
    make: (u) => encodeProof(withCred(u, cred(u).replace(/\/\d{8}\//, '/20200101/'))),
    code: 'proof.bad_credential_scope',
  },
  {
    name: 'credential scope extra field',
    make: (u) => encodeProof(withCred(u, `${cred(u)}/x`)),
    code: 'proof.bad_credential_scope',
  },
  {
    name: 'access key id lower case',
    make: (u) =>
      encodeProof(
        withCred(
          u,
          cred(u).replace(/^[A-Z0-9]+/, (k) => k.toLowerCase()),
        ),
      ),
    code: 'proof.bad_credential_scope',
  },
  {
    name: 'access key id too short',
    make: (u) => encodeProof(withCred(u, cred(u).replace(/^[A-Z0-9]+/, 'AKIA'))),
    code: 'proof.bad_credential_scope',
  },
  {
    name: 'date malformed',
    make: (u) => encodeProof(withParam(u, 'X-Amz-Date', '2026-11-22T00%3A00%3A00Z')),
    code: 'proof.bad_date',
  },
  {
    name: 'date impossible (Feb 30)',
    make: (u) =>
      encodeProof(
        withCred(
          withParam(u, 'X-Amz-Date', '20260230T000000Z'),
          cred(u).replace(/\/\d{8}\//, '/20260230/'),
        ),
      ),
    code: 'proof.bad_date',
  },
  {
    name: 'expires zero',
    make: (u) => encodeProof(withParam(u, 'X-Amz-Expires', '0')),
    code: 'proof.bad_expires',
  },
  {
    name: 'expires over 900',
    make: (u) => encodeProof(withParam(u, 'X-Amz-Expires', '901')),
    code: 'proof.bad_expires',
  },
  {
    name: 'expires leading zero',
    make: (u) => encodeProof(withParam(u, 'X-Amz-Expires', '060')),
    code: 'proof.bad_expires',
  },
  {
    name: 'expires negative',
    make: (u) => encodeProof(withParam(u, 'X-Amz-Expires', '-60')),
    code: 'proof.bad_expires',
  },
  {
    name: 'signature upper-case hex',
    make: (u) =>
      encodeProof(withParam(u, 'X-Amz-Signature', paramValue(u, 'X-Amz-Signature').toUpperCase())),
    code: 'proof.bad_signature_format',
  },
  {
    name: 'signature truncated',
    make: (u) =>
      encodeProof(withParam(u, 'X-Amz-Signature', paramValue(u, 'X-Amz-Signature').slice(2))),
    code: 'proof.bad_signature_format',
  },
  {
    name: 'security token with control escape',
    make: (u) => encodeProof(withToken(u, 'abc%0Ad')),
    code: 'proof.bad_security_token',
  },
  {
    name: 'empty security token',
    make: (u) => encodeProof(withToken(u, '')),
    code: 'proof.bad_security_token',
  },
];
