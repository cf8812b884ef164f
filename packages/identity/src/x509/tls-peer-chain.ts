// The certificates a TLS client presented, as DER, leaf first. Node hands them out as a linked list
// (`issuerCertificate`) that it completes from the peer's own stack and, past that, from the
// server's CA store; the list ends with a self-issued certificate pointing at itself. Nothing here
// is trusted: the list is only the `presented` set that path validation builds a path from by
// signature, exactly like the `x5c` of an assertion. The walk is bounded, so a looping or very long
// list costs nothing.
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';

/** Leaf plus four intermediates plus a repeated root: more is refused by path validation anyway. */
const MAX_PRESENTED = 6;

/** The presented chain, leaf first; empty when the client sent no certificate. */
export function peerCertificateChain(socket: TLSSocket): Uint8Array[] {
  const leaf = socket.getPeerCertificate(true) as DetailedPeerCertificate | undefined;
  if (leaf === undefined || leaf === null || leaf.raw === undefined) return [];
  const chain: Uint8Array[] = [];
  const seen = new Set<string>();
  let certificate: DetailedPeerCertificate | undefined = leaf;
  while (certificate?.raw !== undefined && chain.length < MAX_PRESENTED) {
    const id = certificate.fingerprint256;
    if (seen.has(id)) break;
    seen.add(id);
    chain.push(new Uint8Array(certificate.raw));
    certificate = certificate.issuerCertificate;
  }
  return chain;
}
