// Distinguished names as data: each RDN's attributes in certificate order, with the attribute's
// short name when it is one rolegate knows and its value when it is a string. Never a DN string:
// joining and re-splitting `CN=a,OU=b` is where escaping bugs and spoofed components come from.
import { AsnConvert } from '@peculiar/asn1-schema';
import type { AttributeValue, Name } from '@peculiar/asn1-x509';

export interface NameAttribute {
  /** Dotted OID of the attribute type. */
  readonly oid: string;
  /** `CN`, `OU`, `O`… for the types in {@link SHORT_NAMES}. */
  readonly shortName: string | undefined;
  /** The value, when it is one of the X.520 string types; undefined otherwise. */
  readonly value: string | undefined;
  /** The AttributeValue DER, for exact comparison of non-string values. */
  readonly valueDer: Uint8Array;
}

export type Rdn = readonly NameAttribute[];

export interface ParsedName {
  readonly rdns: readonly Rdn[];
  /** The Name DER exactly as in the certificate: path building matches issuer to subject on it. */
  readonly der: Uint8Array;
}

/** The attribute types principal tags are made from (Roles Anywhere's "supported RDNs"). */
export const SHORT_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.5': 'SERIALNUMBER',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'STREET',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

export function readName(name: Name): ParsedName {
  return {
    der: new Uint8Array(AsnConvert.serialize(name)),
    // Array.from, not .map: these are Array subclasses whose constructors do not take a length.
    rdns: Array.from(name, (rdn) =>
      Array.from(rdn, (atv) => {
        const valueDer = new Uint8Array(AsnConvert.serialize(atv.value));
        return {
          oid: atv.type,
          shortName: SHORT_NAMES[atv.type],
          value: stringValue(atv.value) ?? asciiStringValue(valueDer),
          valueDer,
        };
      }),
    ),
  };
}

// Each string type explicitly: asn1-x509's own toString() falls through on empty strings and
// turns unknown types into hex, which would make a tag out of bytes.
function stringValue(value: AttributeValue): string | undefined {
  for (const s of [
    value.utf8String,
    value.printableString,
    value.ia5String,
    value.bmpString,
    value.universalString,
    value.teletexString,
  ]) {
    if (s !== undefined) return s;
  }
  return undefined;
}

/**
 * NumericString and VisibleString, which asn1-x509 leaves undecoded: read as ASCII, so a name
 * spelled with them compares (and is constrained) like the same name in another string type.
 */
function asciiStringValue(der: Uint8Array): string | undefined {
  if (der[0] !== 0x12 && der[0] !== 0x1a) return undefined;
  const first = der[1];
  if (first === undefined) return undefined;
  let offset = 2;
  let length = first;
  if (first >= 0x80) {
    const octets = first & 0x7f;
    if (octets === 0 || octets > 2) return undefined;
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + (der[2 + i] ?? 0);
    offset = 2 + octets;
  }
  if (offset + length !== der.length) return undefined;
  const content = der.subarray(offset);
  // Both types are printable ASCII only; anything else is not read as text.
  if (content.some((b) => b < 0x20 || b > 0x7e)) return undefined;
  return Buffer.from(content).toString('latin1');
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/**
 * RFC 5280 §7.1 comparison of two attributes, simplified: same type, and string values equal after
 * trimming, collapsing inner spaces and case folding; other values equal byte for byte.
 */
export function sameAttribute(a: NameAttribute, b: NameAttribute): boolean {
  if (a.oid !== b.oid) return false;
  if (a.value !== undefined && b.value !== undefined) return fold(a.value) === fold(b.value);
  return sameBytes(a.valueDer, b.valueDer);
}

function fold(value: string): string {
  return value.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Same RDN: same number of attributes, each matching one of the other's (SET OF order free). */
export function sameRdn(a: Rdn, b: Rdn): boolean {
  return a.length === b.length && a.every((x) => b.some((y) => sameAttribute(x, y)));
}

/**
 * RFC 5280 §7.1 name comparison: the same RDNs in the same order. For matching a CRL to its CA,
 * where a name spelled another way must still match (the CRL's signature then decides).
 */
export function sameName(a: ParsedName, b: ParsedName): boolean {
  if (sameBytes(a.der, b.der)) return true;
  return a.rdns.length === b.rdns.length && a.rdns.every((rdn, i) => sameRdn(rdn, b.rdns[i]!));
}

/** The name in RFC 4514 order for log lines only (never parsed back, never authorized on). */
export function describeName(name: ParsedName): string {
  return name.rdns
    .map((rdn) => rdn.map((a) => `${a.shortName ?? a.oid}=${a.value ?? '#'}`).join('+'))
    .reverse()
    .join(',');
}
