// PEM encoding through @peculiar/x509's converter, so no PEM is written by hand.
import { x509 } from './x509.ts';

/** DER → a PEM block with the given label (`CERTIFICATE`, `X509 CRL`…). */
export function derToPem(der: Uint8Array, label: string): string {
  return `${x509.PemConverter.encode(new Uint8Array(der), label)}\n`;
}
