// Principal tags from a certificate, the IAM Roles Anywhere way (default attribute mapping), so
// that Lattice policies written for Roles Anywhere sessions (`aws:PrincipalTag/x509SAN/URI`…) work
// unchanged:
//   x509Subject/<RDN>, x509Issuer/<RDN>  every supported attribute; several values of one type
//                                        joined with `/` in certificate order
//   x509SAN/DNS, x509SAN/URI             the first DNS name, the first URI
//   x509SAN/Name/<RDN>                   the attributes of the first directoryName
// A value STS would refuse as a session tag (characters outside its pattern, over 256 characters)
// is dropped, not altered: a tag is either exactly what the certificate says or absent.
import type { GeneralNameValue } from './cert-extensions.ts';
import type { ParsedCertificate } from './certificate.ts';
import type { ParsedName } from './names.ts';

/** The RDN types that become tags. */
export const TAG_ATTRIBUTES: ReadonlySet<string> = new Set([
  'C',
  'ST',
  'L',
  'STREET',
  'O',
  'OU',
  'CN',
  'DC',
  'UID',
  'SERIALNUMBER',
]);

// STS session tag values: letters, separators, numbers and _ . : / = + - @ (sts:TagSession).
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const MAX_VALUE_CHARACTERS = 256;

export interface DroppedTag {
  readonly key: string;
  readonly reason: 'characters' | 'length' | 'not a string';
}

export interface CertificateTags {
  readonly tags: Readonly<Record<string, string>>;
  /** Tags left out, with why (for the log; the value itself is not repeated there). */
  readonly dropped: readonly DroppedTag[];
}

/** Why STS would refuse `value` as a session tag value; undefined when it would take it. */
export function tagValueProblem(value: string | undefined): DroppedTag['reason'] | undefined {
  if (value === undefined) return 'not a string';
  if ([...value].length > MAX_VALUE_CHARACTERS) return 'length';
  if (!TAG_VALUE.test(value)) return 'characters';
  return undefined;
}

export function certificateTags(leaf: ParsedCertificate): CertificateTags {
  const tags: Record<string, string> = {};
  const dropped: DroppedTag[] = [];
  const put = (key: string, value: string | undefined) => {
    const reason = tagValueProblem(value);
    if (reason === undefined) tags[key] = value!;
    else dropped.push({ key, reason });
  };
  const names = (prefix: string, name: ParsedName) => {
    const values = new Map<string, (string | undefined)[]>();
    for (const rdn of name.rdns) {
      for (const attribute of rdn) {
        if (attribute.shortName === undefined || !TAG_ATTRIBUTES.has(attribute.shortName)) continue;
        const list = values.get(attribute.shortName) ?? [];
        list.push(attribute.value);
        values.set(attribute.shortName, list);
      }
    }
    for (const [type, list] of values) {
      put(`${prefix}/${type}`, list.includes(undefined) ? undefined : list.join('/'));
    }
  };
  names('x509Subject', leaf.subject);
  names('x509Issuer', leaf.issuer);
  const sans = leaf.extensions.subjectAltName?.names ?? [];
  const first = <K extends GeneralNameValue['kind']>(kind: K) =>
    sans.find((n): n is Extract<GeneralNameValue, { kind: K }> => n.kind === kind);
  const dns = first('dns');
  if (dns) put('x509SAN/DNS', dns.value);
  const uri = first('uri');
  if (uri) put('x509SAN/URI', uri.value);
  const dir = first('dirName');
  if (dir) names('x509SAN/Name', dir.value);
  return { tags, dropped };
}
