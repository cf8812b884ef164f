// The identity the backend receives, in Lattice's `key=value; key=value` form (x-amzn-lattice-
// identity): `x-rolegate-identity` names the caller, `x-rolegate-identity-tags` carries its
// principal tags. Values come only from the verified principal. Escaping keeps the form
// unambiguous and the header valid whatever a tag holds: `\` → `\\`, `;` → `\;`, `=` in a key →
// `\=`, and every byte outside printable ASCII → `\xHH` (of its UTF-8 encoding), so no control
// character, CR or LF can reach the header.

import type { Principal } from '@rolegate/core';

const PLAIN = /^[\x20-\x3a\x3c-\x5b\x5d-\x7e]*$/;

function escapeText(text: string, isKey: boolean): string {
  if (PLAIN.test(text) && !(isKey && text.includes('='))) return text;
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\' || ch === ';' || (isKey && ch === '=')) out += `\\${ch}`;
    else if (c >= 0x20 && c <= 0x7e) out += ch;
    else
      for (const byte of Buffer.from(ch, 'utf8')) out += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

function field(key: string, value: string): string {
  return `${escapeText(key, true)}=${escapeText(value, false)}`;
}

/** Lattice spells the X.509 tag names with a capital X (`X509SAN/URI`); principal tags do not. */
function latticeTagName(tag: string): string | undefined {
  return tag.startsWith('x509') ? `X${tag.slice(1)}` : undefined;
}

/**
 * `x-rolegate-identity` for a caller: `Principal=<session ARN>; PrincipalOrgID=…; SessionName=…;
 * Type=<aws:PrincipalType>` and the X.509 fields; `Type=Anonymous` for no caller.
 */
export function identityHeader(principal: Principal | null, orgId: string | undefined): string {
  if (principal === null) return 'Type=Anonymous';
  const parts = [field('Principal', principal.sessionArn)];
  if (orgId !== undefined) parts.push(field('PrincipalOrgID', orgId));
  if (principal.sessionName !== undefined) parts.push(field('SessionName', principal.sessionName));
  parts.push(field('Type', principal.type));
  for (const tag of Object.keys(principal.tags).sort()) {
    const name = latticeTagName(tag);
    if (name !== undefined) parts.push(field(name, principal.tags[tag]!));
  }
  return parts.join('; ');
}

/** `x-rolegate-identity-tags`: every principal tag, sorted by key; undefined when there are none. */
export function identityTagsHeader(principal: Principal | null): string | undefined {
  if (principal === null) return undefined;
  const keys = Object.keys(principal.tags);
  if (keys.length === 0) return undefined;
  return keys
    .sort()
    .map((k) => field(k, principal.tags[k]!))
    .join('; ');
}
