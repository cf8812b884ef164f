// Distinguished names for test certificates, written as data (never as DN strings, whose escaping
// is where parsers disagree) and turned into ASN.1 by @peculiar/asn1-x509.
import {
  AttributeTypeAndValue,
  AttributeValue,
  Name,
  RelativeDistinguishedName,
} from '@peculiar/asn1-x509';

/** One attribute: a short name (see {@link ATTRIBUTE_OIDS}) or a dotted OID, and its value. */
export type DnAttribute = readonly [type: string, value: string];

/** A distinguished name: RDNs in certificate order, each holding one or more attributes. */
export type DistinguishedName = readonly (readonly DnAttribute[])[];

export const ATTRIBUTE_OIDS: Readonly<Record<string, string>> = {
  CN: '2.5.4.3',
  SERIALNUMBER: '2.5.4.5',
  C: '2.5.4.6',
  L: '2.5.4.7',
  ST: '2.5.4.8',
  STREET: '2.5.4.9',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  DC: '0.9.2342.19200300.100.1.25',
  UID: '0.9.2342.19200300.100.1.1',
  emailAddress: '1.2.840.113549.1.9.1',
};

const DOTTED_OID = /^\d+(\.\d+)+$/;

/** A name with one attribute per RDN, in the order given: `dn(['O', 'Acme'], ['CN', 'orders'])`. */
export function dn(...attributes: DnAttribute[]): DistinguishedName {
  return attributes.map((attribute) => [attribute]);
}

/** The empty name (an empty SEQUENCE), as some SVIDs carry. */
export const EMPTY_DN: DistinguishedName = [];

export function toAsnName(name: DistinguishedName): Name {
  return new Name(
    name.map(
      (rdn) =>
        new RelativeDistinguishedName(
          rdn.map(([type, value]) => {
            const oid = ATTRIBUTE_OIDS[type] ?? (DOTTED_OID.test(type) ? type : undefined);
            if (oid === undefined) throw new TypeError(`unknown attribute type ${type}`);
            return new AttributeTypeAndValue({ type: oid, value: attributeValue(type, value) });
          }),
        ),
    ),
  );
}

// The string types real CAs use: PrintableString for countries, IA5String for domain components
// and e-mail addresses, UTF8String for everything else (RFC 5280 §4.1.2.6).
function attributeValue(type: string, value: string): AttributeValue {
  if (type === 'C') return new AttributeValue({ printableString: value });
  if (type === 'DC' || type === 'emailAddress') return new AttributeValue({ ia5String: value });
  return new AttributeValue({ utf8String: value });
}
