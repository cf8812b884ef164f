// ARN helpers. An ARN is `arn:partition:service:region:account:resource`; the resource part may
// itself hold colons and slashes, so only the first five colons separate segments.

export interface ArnParts {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  readonly resource: string;
}

/** Index of the fifth colon of `value`, or -1 when it has fewer than five. */
export function fifthColon(value: string): number {
  let at = -1;
  for (let i = 0; i < 5; i++) {
    at = value.indexOf(':', at + 1);
    if (at < 0) return -1;
  }
  return at;
}

/** Splits an ARN into its six parts, or returns undefined when `value` is not `arn:` + five colons. */
export function splitArn(value: string): ArnParts | undefined {
  if (!value.startsWith('arn:')) return undefined;
  const c2 = value.indexOf(':', 4);
  const c3 = c2 < 0 ? -1 : value.indexOf(':', c2 + 1);
  const c4 = c3 < 0 ? -1 : value.indexOf(':', c3 + 1);
  const c5 = c4 < 0 ? -1 : value.indexOf(':', c4 + 1);
  if (c5 < 0) return undefined;
  return {
    partition: value.slice(4, c2),
    service: value.slice(c2 + 1, c3),
    region: value.slice(c3 + 1, c4),
    account: value.slice(c4 + 1, c5),
    resource: value.slice(c5 + 1),
  };
}

const ACCOUNT_ID = /^\d{12}$/;

export function isAccountId(value: string): boolean {
  return ACCOUNT_ID.test(value);
}
