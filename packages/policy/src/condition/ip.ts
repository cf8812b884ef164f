// IpAddress, NotIpAddress: CIDR blocks, IPv4 or IPv6, a bare address being /32 or /128; no
// variables. A request value that is not an address is in no block.

import { type Cidr, cidrContains, parseCidr, parseIp } from '../match/ip.ts';
import {
  type OperatorContext,
  type OperatorDef,
  rejectVariables,
  type ValueSpec,
  type ValueTest,
} from './operator.ts';

// Parsed request address; evaluation is synchronous, so one buffer serves every call.
const words = new Uint32Array(4);

function compileIp(values: readonly ValueSpec[], ctx: OperatorContext): ValueTest {
  if (!rejectVariables('IpAddress', values, ctx)) return () => false;
  const blocks: Cidr[] = [];
  for (const { text, path } of values) {
    const cidr = parseCidr(text);
    if (cidr === undefined)
      ctx.issues.add(path, 'condition.value', `"${text}" is not an IP address or CIDR`);
    else blocks.push(cidr);
  }
  return (value) => {
    if (typeof value !== 'string') return false;
    const family = parseIp(value, words);
    if (family === 0) return false;
    for (const b of blocks) if (cidrContains(b, family, words)) return true;
    return false;
  };
}

export const ipOperators: readonly OperatorDef[] = [
  { name: 'IpAddress', negated: false, compile: compileIp },
  { name: 'NotIpAddress', negated: true, compile: compileIp },
];
