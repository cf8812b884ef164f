// The certificate and key that sign IAM Roles Anywhere requests, loaded afresh for every
// credential refresh (so a rotated certificate file or SVID is used from the next refresh on):
// from files — PEM or DER certificate with its key, or a PKCS#12 bundle — or from the SPIFFE
// Workload API. What is loaded is checked before anything is signed: a key type Roles Anywhere
// accepts, the key belonging to the leaf, the leaf valid now, at most MAX_INTERMEDIATES.
import type { KeyObject, X509Certificate } from 'node:crypto';
import { RolegateClientError } from '../errors.ts';
import { decodePrivateKey } from '../x509-keys.ts';
import {
  certificateFileKind,
  readBundle,
  readCertificateFile,
  readIntermediatesFile,
} from './certificate-file.ts';
import { checkValidity, serialHexOf } from './certificate-validity.ts';
import { type PassphraseSource, readPassphrase } from './passphrase.ts';
import { inFile, readSourceFile } from './source-file.ts';
import { checkSupportedKey } from './supported-key.ts';

/** What the signer sends in X-Amz-X509-Chain at most (docs/specs/x509.md §5). */
export const MAX_INTERMEDIATES = 5;

export interface SigningMaterial {
  /** The leaf certificate, DER. */
  readonly certificate: Uint8Array;
  /** The intermediates, DER, in the order of the source. */
  readonly intermediates: readonly Uint8Array[];
  /** The leaf's private key. */
  readonly privateKey: KeyObject;
  /** The end of the leaf's validity: credentials should not be asked for past it. */
  readonly notAfter: Date;
  /** The leaf's serial number: lower-case hex, even length. */
  readonly serialHex: string;
}

export interface SigningMaterialSource {
  /**
   * A certificate file: PEM (the leaf first; further certificates count as intermediates), one
   * DER certificate, or a PKCS#12 bundle (.p12/.pfx), which holds the key too.
   */
  readonly certificate?: string;
  /** The key file: PKCS#8 (also encrypted), PKCS#1 or SEC1 in PEM, or PKCS#8 DER. */
  readonly privateKey?: string;
  /** A PEM file of intermediates, added after those of the certificate file. */
  readonly intermediates?: string;
  /** For an encrypted key or PKCS#12 bundle (a bundle without one is tried with the empty one). */
  readonly passphrase?: PassphraseSource;
  /** The SPIFFE Workload API's address; `true` for $SPIFFE_ENDPOINT_SOCKET. Instead of files. */
  readonly workloadApi?: string | true;
  /** The clock the leaf's validity is checked against; default the system's. */
  readonly now?: () => Date;
}

/** Material as read, before the checks. */
export interface LoadedMaterial {
  readonly leaf: X509Certificate;
  readonly intermediates: readonly X509Certificate[];
  readonly privateKey: KeyObject;
  /** Where it came from, for messages. */
  readonly origin: string;
}

export async function loadSigningMaterial(source: SigningMaterialSource): Promise<SigningMaterial> {
  const now = source.now?.() ?? new Date();
  if (Number.isNaN(now.getTime())) throw new TypeError('now() must return a valid Date');
  let loaded: LoadedMaterial;
  if (source.workloadApi !== undefined) {
    const files = [source.certificate, source.privateKey, source.intermediates];
    if (files.some((file) => file !== undefined)) {
      throw invalidOption('give a Workload API or certificate files, not both');
    }
    // Only here: the Workload API client loads gRPC, which the file path never needs.
    const { fetchSvidMaterial } = await import('./workload-svid.ts');
    loaded = await fetchSvidMaterial(source.workloadApi);
  } else {
    loaded = await loadFiles(source);
  }
  return check(loaded, now);
}

async function loadFiles(source: SigningMaterialSource): Promise<LoadedMaterial> {
  const certificatePath = source.certificate;
  if (certificatePath === undefined) {
    throw invalidOption('no signing material: give a certificate file or a Workload API');
  }
  const [certificateBytes, keyBytes, intermediateBytes, passphrase] = await Promise.all([
    readSourceFile(certificatePath, 'certificate'),
    source.privateKey === undefined ? undefined : readSourceFile(source.privateKey, 'private key'),
    source.intermediates === undefined
      ? undefined
      : readSourceFile(source.intermediates, 'intermediates'),
    readPassphrase(source.passphrase),
  ]);
  const extra =
    intermediateBytes === undefined
      ? []
      : inFile(source.intermediates!, 'intermediates', () =>
          readIntermediatesFile(intermediateBytes),
        );
  const kind = inFile(certificatePath, 'certificate', () => certificateFileKind(certificateBytes));
  if (kind === 'pkcs12') {
    if (keyBytes !== undefined) {
      throw invalidOption(
        `${certificatePath} is a PKCS#12 bundle, which holds the private key: give no private key file`,
      );
    }
    // Loaded only for a bundle: its ASN.1 schemas cost more start-up than the rest of the path.
    const { readPkcs12 } = await import('./pkcs12.ts');
    const bundle = inFile(certificatePath, 'PKCS#12', () =>
      readBundle(readPkcs12(certificateBytes, passphrase)),
    );
    return {
      ...bundle,
      intermediates: [...bundle.intermediates, ...extra],
      origin: `the PKCS#12 bundle ${certificatePath}`,
    };
  }
  if (keyBytes === undefined) {
    throw invalidOption(
      `the certificate ${certificatePath} needs its private key file (only a PKCS#12 bundle holds its own)`,
    );
  }
  const [leaf, ...intermediates] = inFile(certificatePath, 'certificate', () =>
    readCertificateFile(certificateBytes, kind),
  );
  const privateKey = decodePrivateKey(keyBytes, passphrase, `the private key ${source.privateKey}`);
  return {
    leaf: leaf!,
    intermediates: [...intermediates, ...extra],
    privateKey,
    origin: `the certificate ${certificatePath}`,
  };
}

function check(loaded: LoadedMaterial, now: Date): SigningMaterial {
  const { leaf, privateKey, origin } = loaded;
  const about = <T>(run: () => T): T => {
    try {
      return run();
    } catch (error) {
      if (!(error instanceof RolegateClientError)) throw error;
      throw new RolegateClientError(error.code, `${origin}: ${error.message}`, { cause: error });
    }
  };
  about(() => checkSupportedKey(leaf.publicKey));
  if (!leaf.checkPrivateKey(privateKey)) {
    throw new RolegateClientError(
      'client.key_mismatch',
      `the private key is not the key of ${origin}`,
    );
  }
  if (loaded.intermediates.length > MAX_INTERMEDIATES) {
    throw new RolegateClientError(
      'client.certificate_invalid',
      `${origin}: ${loaded.intermediates.length} intermediates, more than the ${MAX_INTERMEDIATES} Roles Anywhere takes`,
    );
  }
  about(() => checkValidity(leaf, now));
  const serialHex = about(() => serialHexOf(leaf));
  return Object.freeze({
    certificate: new Uint8Array(leaf.raw),
    intermediates: Object.freeze(loaded.intermediates.map((c) => new Uint8Array(c.raw))),
    privateKey,
    notAfter: new Date(leaf.validTo),
    serialHex,
  });
}

function invalidOption(message: string): RolegateClientError {
  return new RolegateClientError('client.invalid_option', message);
}
