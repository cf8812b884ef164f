// Workload API messages carry certificates as DER values written one after another. Each value is
// cut out by its own DER length (definite lengths only, as DER requires); anything that is not a
// whole SEQUENCE — a truncated value, trailing bytes, an indefinite length — is refused, so what
// the agent sent is never half-read.

/** The concatenated DER SEQUENCEs in `bytes`, each as its own Buffer; throws on a malformed list. */
export function splitDerSequences(bytes: Uint8Array): Buffer[] {
  const values: Buffer[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (bytes[offset] !== 0x30) throw new Error(`byte ${offset}: not a DER SEQUENCE`);
    const first = bytes[offset + 1];
    if (first === undefined) throw new Error(`byte ${offset}: truncated length`);
    let length: number;
    let header: number;
    if (first < 0x80) {
      length = first;
      header = 2;
    } else {
      const octets = first & 0x7f;
      // 0x80 is BER's indefinite length; more than 4 length octets is no certificate.
      if (octets === 0 || octets > 4) throw new Error(`byte ${offset}: unsupported length form`);
      if (offset + 2 + octets > bytes.length) throw new Error(`byte ${offset}: truncated length`);
      length = 0;
      for (let i = 0; i < octets; i++) length = length * 256 + bytes[offset + 2 + i]!;
      if (length < 0x80 || bytes[offset + 2] === 0)
        throw new Error(`byte ${offset}: length not in its shortest form`);
      header = 2 + octets;
    }
    const end = offset + header + length;
    if (end > bytes.length) throw new Error(`byte ${offset}: truncated value`);
    values.push(Buffer.from(bytes.subarray(offset, end)));
    offset = end;
  }
  return values;
}
