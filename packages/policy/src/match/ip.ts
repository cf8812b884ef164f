// IPv4 and IPv6 addresses and CIDR blocks, parsed by hand into 32-bit words so that a request
// address is compared without allocating. An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is read
// as the IPv4 address; otherwise v4 blocks match only v4 addresses and v6 blocks only v6.

export interface Cidr {
  readonly family: 4 | 6;
  /** Network words, already masked (one word for v4, four for v6). */
  readonly net: Uint32Array;
  readonly mask: Uint32Array;
}

const groups = new Uint16Array(8);

function parseV4(text: string, from: number, to: number): number {
  let value = 0;
  let octets = 0;
  let i = from;
  while (octets < 4) {
    const start = i;
    let octet = 0;
    while (i < to && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) {
      octet = octet * 10 + text.charCodeAt(i) - 0x30;
      i++;
    }
    const len = i - start;
    // No leading zeros: "010" would mean 8 to some parsers and 10 to others.
    if (len === 0 || len > 3 || octet > 255 || (len > 1 && text.charCodeAt(start) === 0x30))
      return -1;
    value = value * 256 + octet;
    octets++;
    if (octets < 4) {
      if (text.charCodeAt(i) !== 0x2e) return -1;
      i++;
    }
  }
  return i === to ? value : -1;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
}

/** Fills `groups` with an IPv6 address; false when `text` is not one. */
function parseV6(text: string, to: number): boolean {
  let gi = 0;
  let gap = -1;
  let i = 0;
  if (text.charCodeAt(0) === 0x3a) {
    if (text.charCodeAt(1) !== 0x3a) return false;
    gap = 0;
    i = 2;
  }
  while (i < to) {
    const start = i;
    let value = 0;
    let h = hexValue(text.charCodeAt(i));
    while (h >= 0 && i < to) {
      if (i - start === 4) return false;
      value = value * 16 + h;
      h = hexValue(text.charCodeAt(++i));
    }
    if (i === start) return false;
    if (i < to && text.charCodeAt(i) === 0x2e) {
      const v4 = parseV4(text, start, to);
      if (v4 < 0 || gi > 6) return false;
      groups[gi++] = v4 >>> 16;
      groups[gi++] = v4 & 0xffff;
      i = to;
      break;
    }
    if (gi === 8) return false;
    groups[gi++] = value;
    if (i === to) break;
    if (text.charCodeAt(i) !== 0x3a) return false;
    i++;
    if (text.charCodeAt(i) === 0x3a) {
      if (gap >= 0) return false;
      gap = gi;
      i++;
    } else if (i === to) return false;
  }
  if (gap < 0) return gi === 8;
  if (gi > 7) return false;
  const tail = gi - gap;
  for (let k = 0; k < tail; k++) groups[7 - k] = groups[gi - 1 - k]!;
  for (let k = gap; k < 8 - tail; k++) groups[k] = 0;
  return true;
}

/**
 * Parses an address into `out` (one word for v4, four for v6) and returns its family, or 0.
 * `to` limits the parse (used for the address part of a CIDR).
 */
export function parseIp(text: string, out: Uint32Array, to = text.length): 0 | 4 | 6 {
  if (text.includes(':')) {
    if (!parseV6(text, to)) return 0;
    if (groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0) {
      if (groups[4] === 0 && groups[5] === 0xffff) {
        out[0] = ((groups[6]! << 16) | groups[7]!) >>> 0;
        return 4;
      }
    }
    for (let w = 0; w < 4; w++) out[w] = ((groups[w * 2]! << 16) | groups[w * 2 + 1]!) >>> 0;
    return 6;
  }
  const v4 = parseV4(text, 0, to);
  if (v4 < 0) return 0;
  out[0] = v4;
  return 4;
}

/** Parses `address[/prefix]`; a bare address is /32 or /128. Host bits are masked off. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const words = new Uint32Array(4);
  const family = parseIp(text, words, slash < 0 ? text.length : slash);
  if (family === 0) return undefined;
  const bits = family === 4 ? 32 : 128;
  let prefix = bits;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > bits) return undefined;
    prefix = Number(p);
  }
  const n = family === 4 ? 1 : 4;
  const net = new Uint32Array(n);
  const mask = new Uint32Array(n);
  for (let w = 0; w < n; w++) {
    const take = Math.max(0, Math.min(32, prefix - w * 32));
    mask[w] = take === 0 ? 0 : (0xffffffff << (32 - take)) >>> 0;
    net[w] = (words[w]! & mask[w]!) >>> 0;
  }
  return { family, net, mask };
}

export function cidrContains(cidr: Cidr, family: 4 | 6, words: Uint32Array): boolean {
  if (cidr.family !== family) return false;
  const { net, mask } = cidr;
  for (let w = 0; w < net.length; w++) if ((words[w]! & mask[w]!) >>> 0 !== net[w]) return false;
  return true;
}
