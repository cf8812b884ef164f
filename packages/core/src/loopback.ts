// Which hosts are this machine, in any spelling URL parsing leaves. Two questions, two answers:
// may a secret travel there over plain http (isLoopback: only what cannot leave the machine), and
// does a configured endpoint point at this machine, so that it needs a loud opt-in
// (isLocalTarget: generous, since missing one would let an emulator pass for a real service).

/** A loopback address or `localhost` (v4 127/8, v6 ::1, v4-mapped v6), in any URL spelling. */
export function isLoopback(hostname: string): boolean {
  const host = hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  return (
    host === 'localhost' ||
    /^127\.\d+\.\d+\.\d+$/.test(host) ||
    host === '::1' ||
    /^::ffff:(127\.|7f[0-9a-f]{2}:)/.test(host)
  );
}

/**
 * Loopback, a `*.localhost` name (RFC 6761), or an unspecified address (0.0.0.0, ::) which a
 * client connects to as this machine.
 */
export function isLocalTarget(hostname: string): boolean {
  const host = hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  return (
    isLoopback(hostname) ||
    host.endsWith('.localhost') ||
    ['0.0.0.0', '::', '::ffff:0.0.0.0', '::ffff:0:0'].includes(host)
  );
}
