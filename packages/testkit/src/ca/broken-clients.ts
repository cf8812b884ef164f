// Plain (non-SPIFFE) client certificates, Roles Anywhere style, each named after its one failure,
// plus a well-formed one rich in names for the tag mapping. All chain to `anchors`.
import {
  createRootAuthority,
  type TestAuthority,
  type TestCertificate,
  type TestLeaf,
} from './authority.ts';
import { certificateOf, leafExtensions } from './broken-helpers.ts';
import type { BrokenClientName } from './broken-names.ts';
import { extKeyUsage, type GeneralNameSpec } from './extensions.ts';
import { type DistinguishedName, dn, EMPTY_DN } from './names.ts';

export interface BrokenClientSet {
  readonly anchors: readonly TestCertificate[];
  readonly root: TestAuthority;
  readonly intermediate: TestAuthority;
  readonly valid: TestLeaf;
  /** Subject O=Acme, OU=payments, OU=billing, CN=orders-client; DNS, URI and directoryName SANs. */
  readonly richNames: TestLeaf;
  readonly broken: Readonly<Record<BrokenClientName, TestLeaf>>;
}

export const RICH_SUBJECT: DistinguishedName = [
  [['C', 'US']],
  [['ST', 'Washington']],
  [['L', 'Seattle']],
  [['O', 'Acme']],
  [['OU', 'payments']],
  [['OU', 'billing']],
  [['CN', 'orders-client']],
  [['UID', 'u-1234']],
];

export const RICH_SANS: readonly GeneralNameSpec[] = [
  { email: 'ops@example.com' },
  { dns: 'orders.example.com' },
  { dns: 'orders.internal' },
  { uri: 'https://orders.example.com/id' },
  { uri: 'urn:example:second' },
  { dirName: dn(['O', 'Acme'], ['OU', 'team-a'], ['OU', 'team-b'], ['CN', 'dir-orders']) },
  { dirName: dn(['CN', 'second directory name']) },
];

export function createBrokenClients(
  options: { readonly now?: Date; readonly spiffeCa?: TestAuthority } = {},
): BrokenClientSet {
  const now = options.now ?? new Date();
  const root = createRootAuthority({
    now,
    subject: dn(['C', 'US'], ['O', 'Acme'], ['CN', 'Acme Root']),
  });
  const mid = root.createIntermediate({ now, subject: dn(['O', 'Acme'], ['CN', 'Acme Issuing']) });
  const client = (
    ca: TestAuthority,
    sans: readonly GeneralNameSpec[],
    extra: {
      subject?: DistinguishedName;
      parts?: Parameters<typeof leafExtensions>[1];
      sanCritical?: boolean;
    } = {},
  ) =>
    ca.issueLeaf({
      now,
      subject: extra.subject ?? dn(['O', 'Acme'], ['CN', 'client']),
      sans,
      sanCritical: extra.sanCritical,
      ...(extra.parts ? { extensions: leafExtensions(sans, extra.parts) } : {}),
    });
  const constrained = (
    c: NonNullable<Parameters<TestAuthority['createIntermediate']>[0]>['nameConstraints'],
  ) =>
    root.createIntermediate({
      now,
      subject: dn(['O', 'Acme'], ['CN', 'constrained']),
      nameConstraints: c,
    });

  const spiffeCa =
    options.spiffeCa ?? createRootAuthority({ now, subject: dn(['CN', 'other spiffe CA']) });
  return Object.freeze({
    anchors: [certificateOf(root)],
    root,
    intermediate: mid,
    valid: client(mid, [{ dns: 'orders.example.com' }]),
    richNames: client(mid, RICH_SANS, { subject: RICH_SUBJECT }),
    broken: {
      dnsNameConstraintViolated: client(constrained({ permitted: [{ dns: 'example.com' }] }), [
        { dns: 'evil.test' },
      ]),
      excludedDnsNameConstraint: client(
        constrained({ excluded: [{ dns: 'blocked.example.com' }] }),
        [{ dns: 'x.blocked.example.com' }],
      ),
      directoryNameConstraintViolated: client(
        constrained({ permitted: [{ dirName: dn(['O', 'Acme']) }] }),
        [{ dns: 'orders.example.com' }],
        { subject: dn(['O', 'Evil'], ['CN', 'client']) },
      ),
      clientEkuServerAuthOnly: client(mid, [{ dns: 'a.example.com' }], {
        parts: { extKeyUsage: extKeyUsage(['serverAuth']) },
      }),
      clientNoKeyUsage: client(mid, [{ dns: 'a.example.com' }], { parts: { keyUsage: null } }),
      clientEmptySubjectSanNotCritical: client(mid, [{ dns: 'a.example.com' }], {
        subject: EMPTY_DN,
      }),
      clientIssuedBySpiffeCa: client(spiffeCa, [{ dns: 'a.example.com' }]),
    } satisfies Record<BrokenClientName, TestLeaf>,
  });
}
