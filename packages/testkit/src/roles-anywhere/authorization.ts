// Reads the Authorization header of a CreateSession request:
//   AWS4-X509-RSA-SHA256 Credential=<serial>/<yyyymmdd>/<region>/rolesanywhere/aws4_request,
//     SignedHeaders=content-type;host;x-amz-date;x-amz-x509, Signature=<hex>
// The serial is the leaf's serial number in decimal (AWS's helper writes Go's big.Int String()).
// Nothing here is checked against the certificate, the clock or the emulator: authenticate.ts.
import { denied } from './refusal.ts';
import { X509_ALGORITHMS, type X509Algorithm } from './x509-signature.ts';

export interface X509Authorization {
  readonly algorithm: X509Algorithm;
  /** The serial as written: decimal digits, no sign, no leading zero. */
  readonly serial: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly terminator: string;
  /** Lower-case names, as listed. */
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

const FIELDS = ['Credential', 'SignedHeaders', 'Signature'] as const;
const SERIAL = /^(?:0|[1-9]\d*)$/;
const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;

export function parseAuthorization(header: string): X509Authorization {
  const space = header.indexOf(' ');
  const algorithm = space === -1 ? header : header.slice(0, space);
  if (!(X509_ALGORITHMS as readonly string[]).includes(algorithm))
    throw denied('auth.malformed', `Unsupported signing algorithm '${algorithm}'`);
  const fields = new Map<string, string>();
  for (const part of header.slice(space + 1).split(',')) {
    const item = part.trim();
    const eq = item.indexOf('=');
    if (eq === -1) throw denied('auth.malformed', `'${item}' is not a key=value pair`);
    const key = item.slice(0, eq);
    // Two values for one name must not let a reader pick one (cf. CVE-2022-2385).
    if (fields.has(key) || !(FIELDS as readonly string[]).includes(key))
      throw denied('auth.malformed', `Authorization has an unknown or repeated '${key}'`);
    fields.set(key, item.slice(eq + 1));
  }
  const missing = FIELDS.filter((k) => !fields.has(k));
  if (missing.length > 0)
    throw denied('auth.malformed', `Authorization lacks ${missing.join(', ')}`);
  const credential = (fields.get('Credential') as string).split('/');
  if (credential.length !== 5)
    throw denied('auth.malformed', 'Credential must be serial/date/region/service/aws4_request');
  const [serial, date, region, service, terminator] = credential as [
    string,
    string,
    string,
    string,
    string,
  ];
  if (!SERIAL.test(serial))
    throw denied('auth.malformed', 'the Credential serial must be a decimal number');
  const signedHeaders = (fields.get('SignedHeaders') as string).split(';');
  // SigV4 lists them lower-case, sorted, once each: any other spelling has two readings.
  const canonical = [...new Set(signedHeaders)].sort();
  if (
    signedHeaders.some((h) => !HEADER_NAME.test(h)) ||
    canonical.join(';') !== signedHeaders.join(';')
  )
    throw denied('auth.malformed', 'SignedHeaders must be lower-case, sorted and unique');
  return {
    algorithm: algorithm as X509Algorithm,
    serial,
    date,
    region,
    service,
    terminator,
    signedHeaders,
    signature: fields.get('Signature') as string,
  };
}
