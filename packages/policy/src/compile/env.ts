// Per-request state shared by every statement of a policy: the context lookup (condition key
// names are case-insensitive), the caller's classification and the lower-cased action, each
// computed at most once per request, never per statement.

import type { PrincipalView } from '../match/principal-view.ts';
import { viewPrincipal } from '../match/principal-view.ts';
import type { ContextScalar, ContextValue, PolicyRequest } from '../types.ts';

/** Context keys that fall back to the request's `principal` when the context lacks them. */
export type Fallback = 'none' | 'tag' | 'type' | 'arn' | 'account';

/** A condition key or variable name, prepared at load. */
export interface KeyRef {
  /** As written in the policy. */
  readonly key: string;
  readonly lower: string;
  readonly fallback: Fallback;
  /** For `aws:PrincipalTag/<k>`: `<k>` lower-cased. */
  readonly tagLower: string;
}

const TAG_PREFIX = 'aws:principaltag/';

/**
 * Makes condition-key and variable references for one policy, remembering each key it was asked
 * for (lower-cased) in `seen`: what a request context must carry for that policy to be decided.
 */
export function recordingKeyRef(seen: Set<string>): (key: string) => KeyRef {
  return (key) => {
    const ref = keyRef(key);
    seen.add(ref.lower);
    return ref;
  };
}

export function keyRef(key: string): KeyRef {
  const lower = key.toLowerCase();
  let fallback: Fallback = 'none';
  let tagLower = '';
  if (lower.startsWith(TAG_PREFIX)) {
    fallback = 'tag';
    tagLower = lower.slice(TAG_PREFIX.length);
  } else if (lower === 'aws:principaltype') fallback = 'type';
  else if (lower === 'aws:principalarn') fallback = 'arn';
  else if (lower === 'aws:principalaccount') fallback = 'account';
  return { key, lower, fallback, tagLower };
}

type Bag = Readonly<Record<string, unknown>>;

/** Case-insensitive compare of `candidate` against an already lower-cased key, without allocating. */
function sameKey(candidate: string, lower: string): boolean {
  if (candidate.length !== lower.length) return false;
  for (let i = 0; i < candidate.length; i++) {
    let c = candidate.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    else if (c > 0x7f) return candidate.toLowerCase() === lower;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** Own-property, case-insensitive read: exact spelling, then lower case, then a scan. */
function readBag(bag: Bag, key: string, lower: string): unknown {
  let v = bag[key];
  if (v !== undefined && v !== null && Object.hasOwn(bag, key)) return v;
  if (lower !== key) {
    v = bag[lower];
    if (v !== undefined && v !== null && Object.hasOwn(bag, lower)) return v;
  }
  for (const k in bag) {
    if (sameKey(k, lower) && Object.hasOwn(bag, k)) {
      v = bag[k];
      if (v !== undefined && v !== null) return v;
    }
  }
  return undefined;
}

const PRINCIPAL_TYPES: Readonly<Record<string, string>> = {
  anonymous: 'Anonymous',
  root: 'Account',
  role: 'AssumedRole',
  session: 'AssumedRole',
  user: 'User',
  federated: 'FederatedUser',
};

// Serial numbers for memoised results (see memo.ts); never 0, which marks "not computed".
let lastSerial = 0;

// Request actions repeat (`vpc-lattice-svcs:Invoke` on every HTTP request): lower-case each
// distinct spelling once. Bounded so that hostile input cannot grow it without limit.
const lowerActions = new Map<string, string>();

function lowerAction(action: string): string {
  let lower = lowerActions.get(action);
  if (lower === undefined) {
    lower = action.toLowerCase();
    if (lowerActions.size >= 1024) lowerActions.clear();
    lowerActions.set(action, lower);
  }
  return lower;
}

export class RequestEnv {
  readonly serial: number;
  readonly request: PolicyRequest;
  readonly action: string;
  private readonly context: Bag | undefined;
  private view: PrincipalView | undefined;
  private prefix: string | undefined;
  private prefixOk = false;

  constructor(request: PolicyRequest) {
    if (request === null || typeof request !== 'object') {
      throw new TypeError('a policy request must be an object');
    }
    if (typeof request.action !== 'string' || typeof request.resource !== 'string') {
      throw new TypeError('a policy request needs string action and resource');
    }
    lastSerial = lastSerial === 0x7fffffff ? 1 : lastSerial + 1;
    this.serial = lastSerial;
    this.request = request;
    // Action names are case-insensitive; patterns are lower-cased at load.
    this.action = lowerAction(request.action);
    const ctx = request.context;
    this.context = ctx !== null && typeof ctx === 'object' ? (ctx as Bag) : undefined;
  }

  /** Whether the resource starts with `prefix`, computed once per request for a given prefix. */
  resourceHasPrefix(prefix: string): boolean {
    if (this.prefix !== prefix) {
      this.prefix = prefix;
      this.prefixOk = this.request.resource.startsWith(prefix);
    }
    return this.prefixOk;
  }

  get principal(): PrincipalView {
    this.view ??= viewPrincipal(this.request.principal);
    return this.view;
  }

  /** The key's value, or undefined when absent (null counts as absent). */
  lookup(ref: KeyRef): ContextValue | undefined {
    if (this.context !== undefined) {
      const v = readBag(this.context, ref.key, ref.lower);
      if (v !== undefined) return v as ContextValue;
    }
    return ref.fallback === 'none' ? undefined : this.derive(ref);
  }

  /** The key's single value as a string; undefined when absent or multivalued. */
  scalarString(ref: KeyRef): string | undefined {
    let v: ContextValue | undefined = this.lookup(ref);
    if (Array.isArray(v)) {
      if (v.length !== 1) return undefined;
      v = v[0] as ContextScalar;
    }
    return v === undefined ? undefined : typeof v === 'string' ? v : String(v);
  }

  // Values the context should carry but may not: derived from `principal` so that, for example,
  // a guard on aws:PrincipalType still sees "Anonymous" when the caller forgot to set it.
  private derive(ref: KeyRef): string | undefined {
    const view = this.principal;
    switch (ref.fallback) {
      case 'tag': {
        const tags = view.kind === 'anonymous' ? undefined : this.request.principal?.tags;
        if (tags === null || tags === undefined || typeof tags !== 'object') return undefined;
        const v = readBag(tags, ref.tagLower, ref.tagLower);
        return typeof v === 'string' ? v : undefined;
      }
      case 'type':
        return PRINCIPAL_TYPES[view.kind];
      case 'account':
        return view.account;
      case 'arn':
        if (view.kind === 'session' && view.roleKey !== undefined) {
          const [partition, account, role] = view.roleKey.split(':');
          return `arn:${partition}:iam::${account}:role/${role}`;
        }
        return view.arn;
      default:
        return undefined;
    }
  }
}
