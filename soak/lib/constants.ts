// Names every part of the soak agrees on: the demo account, services and callers of `rolegate dev`
// (orders → billing and rates, reviews → rates only), the audiences, and the KMS aliases.

export const ACCOUNT = '111122223333';
export const SERVICES = ['billing', 'rates'] as const;
export type Service = (typeof SERVICES)[number];

/** The gateway audience every token and raw proof is made for (a name, fixed before ports). */
export const GATEWAY_AUDIENCE = 'https://gateway.soak.rolegate.dev';
/** The brokers' issuer and login audience: both replicas share it, as one service. */
export const BROKER_ISSUER = 'http://broker.soak.rolegate.dev';

/** The KMS keys of the shared ring: `a` signs from the start, `b` and `c` join during rotation. */
export const KMS_ALIASES = ['alias/soak-a', 'alias/soak-b', 'alias/soak-c'] as const;
export const KMS_REGION = 'us-east-1';

/**
 * Who the soak calls as. STS role sessions and SPIFFE workloads named `orders`/`reviews` follow
 * the demo policies; `alice` (an IAM user of the same account) is the denied principal: she may
 * get a token, but no service lets her in.
 */
export const CALLERS = ['orders', 'reviews', 'alice'] as const;
export type Caller = (typeof CALLERS)[number];

/** The demo policies: who may call what, before any reload flips a permission. */
export const BASE_PERMISSIONS: Readonly<Record<Service, readonly Caller[]>> = {
  billing: ['orders'],
  rates: ['orders', 'reviews'],
};

/** The permission the reload fault takes away and gives back: reviews → rates. */
export const FLIPPED = { caller: 'reviews', service: 'rates' } as const;

/** Broker token lifetime: the minimum, so callers refresh (ahead of expiry) during a short run. */
export const TOKEN_TTL_SECONDS = 60;
