// Strict PEM (RFC 7468 §3, "strict" grammar inside blocks): only blocks of the expected label,
// lines of base64 characters that together are canonical base64, a matching END line. Text between
// blocks is ignored as RFC 7468 allows (CA bundles carry comments), but a block of another kind —
// a private key pasted into a CA file, say — is an error, not something to skip.
import { decodeBase64Strict } from '@rolegate/core';

const BEGIN = /^-----BEGIN ([A-Z0-9 ]+)-----$/;
const END = /^-----END ([A-Z0-9 ]+)-----$/;
const BASE64_LINE = /^[A-Za-z0-9+/=]{1,128}$/;

/** The DER of every `label` block, in order; throws an Error naming the line at fault. */
export function parsePem(text: string, label: string): Uint8Array[] {
  const blocks: Uint8Array[] = [];
  let open: { label: string; line: number; body: string[] } | undefined;
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.replace(/\r$/, '').trimEnd();
    if (line === '' && n === lines.length - 1) break; // the file's final newline
    const begin = BEGIN.exec(line);
    const end = END.exec(line);
    if (open === undefined) {
      if (end) throw new Error(`line ${n + 1}: END without BEGIN`);
      if (!begin) continue;
      if (begin[1] !== label)
        throw new Error(`line ${n + 1}: a ${begin[1]} block, expected ${label}`);
      open = { label: begin[1], line: n + 1, body: [] };
      continue;
    }
    if (begin) throw new Error(`line ${n + 1}: BEGIN inside a block`);
    if (end) {
      if (end[1] !== open.label)
        throw new Error(`line ${n + 1}: END ${end[1]} closes BEGIN ${open.label}`);
      const der = decodeBase64Strict(open.body.join(''));
      if (der === undefined || der.length === 0)
        throw new Error(`block at line ${open.line}: not strict base64`);
      blocks.push(der);
      open = undefined;
      continue;
    }
    if (!BASE64_LINE.test(line)) throw new Error(`line ${n + 1}: not base64 inside a PEM block`);
    open.body.push(line);
  }
  if (open !== undefined) throw new Error(`block at line ${open.line}: no END line`);
  if (blocks.length === 0) throw new Error(`no ${label} block`);
  return blocks;
}
