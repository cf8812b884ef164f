// X.509-SVIDs a verifier must refuse, each named after its one failure (go-spiffe `testdata`
// style), plus SVIDs it must accept although they look odd. All chain to the roots in `anchors`
// unless the name says otherwise; `now` is the moment they are meant to be checked at.
import {
  createRootAuthority,
  type LeafOptions,
  type TestAuthority,
  type TestCertificate,
  type TestLeaf,
} from './authority.ts';
import {
  asLeaf,
  caExtensions,
  certificateOf,
  leafExtensions,
  rawCertificate,
  withChain,
  withLeafDer,
} from './broken-helpers.ts';
import type { BrokenSvidName, OddButValidSvidName } from './broken-names.ts';
import {
  basicConstraints,
  extKeyUsage,
  keyUsage,
  rawExtension,
  subjectAltName,
} from './extensions.ts';
import { dn, EMPTY_DN } from './names.ts';
import { generateTestKey } from './test-key.ts';

export interface BrokenSvidSet {
  readonly trustDomain: string;
  /** A second trust domain, with its own root, that the broken set's CA must not speak for. */
  readonly partnerTrustDomain: string;
  /** Every root the SVIDs chain to: the x509-svid authorities of `trustDomain`'s bundle. */
  readonly anchors: readonly TestCertificate[];
  readonly partnerAnchors: readonly TestCertificate[];
  /** The main root and intermediate (issuer of `valid`). */
  readonly root: TestAuthority;
  readonly intermediate: TestAuthority;
  /** CRLs of the main root and intermediate: they revoke `revoked` and `intermediateRevoked`. */
  readonly crls: readonly { readonly der: Uint8Array; readonly pem: string }[];
  readonly valid: TestLeaf;
  readonly broken: Readonly<Record<BrokenSvidName, TestLeaf>>;
  readonly oddButValid: Readonly<Record<OddButValidSvidName, TestLeaf>>;
}

const DAY = 86_400_000;

export function createBrokenSvids(
  options: { readonly trustDomain?: string; readonly now?: Date } = {},
): BrokenSvidSet {
  const td = options.trustDomain ?? 'example.org';
  const partnerTd = 'partner.test';
  const now = options.now ?? new Date();
  const past = new Date(now.getTime() - 30 * DAY);
  const future = new Date(now.getTime() + 30 * DAY);
  const root = createRootAuthority({ now, subject: dn(['O', td], ['CN', 'root']) });
  const mid = root.createIntermediate({ now, subject: dn(['O', td], ['CN', 'intermediate']) });
  const partner = createRootAuthority({ now, subject: dn(['O', partnerTd], ['CN', 'root']) });
  const extraRoots: TestCertificate[] = [];
  const newRoot = (name: string, o: Parameters<typeof createRootAuthority>[0] = {}) => {
    const r = createRootAuthority({ now, subject: dn(['O', td], ['CN', name]), ...o });
    extraRoots.push(certificateOf(r));
    return r;
  };
  const id = (path = '/workload') => `spiffe://${td}${path}`;
  const svid = (o: LeafOptions = {}, ca: TestAuthority = mid, spiffeId = id()) =>
    ca.issueSvid(spiffeId, { now, ...o });
  const withUri = (uri: string) => svid({}, mid, uri);
  const exts = (parts: Parameters<typeof leafExtensions>[1]) => ({
    extensions: leafExtensions([{ uri: id() }], parts),
  });
  const sub = (o: Parameters<TestAuthority['createIntermediate']>[0] = {}) =>
    root.createIntermediate({ now, ...o });
  const caExt = (parts: Parameters<typeof caExtensions>[2]) => {
    const key = generateTestKey();
    return { key, extensions: caExtensions(key, root.key, parts) };
  };

  const valid = svid();
  const revoked = svid();
  const revokedMid = sub({ subject: dn(['O', td], ['CN', 'revoked intermediate']) });
  const rsaMid = sub({ keyType: 'rsa-2048', subject: dn(['O', td], ['CN', 'rsa intermediate']) });

  // Two CAs that each claim the other as issuer: a path builder must stop, not loop.
  const keyX = generateTestKey();
  const keyY = generateTestKey();
  const nameX = dn(['O', td], ['CN', 'cycle X']);
  const nameY = dn(['O', td], ['CN', 'cycle Y']);
  const xByY = rawCertificate({
    subject: nameX,
    issuer: nameY,
    key: keyX,
    signingKey: keyY,
    extensions: caExtensions(keyX, keyY),
    now,
  });
  const yByX = rawCertificate({
    subject: nameY,
    issuer: nameX,
    key: keyY,
    signingKey: keyX,
    extensions: caExtensions(keyY, keyX),
    now,
  });
  const cycleLeaf = rawCertificate({
    subject: dn(['O', 'SPIRE']),
    issuer: nameX,
    key: generateTestKey(),
    signingKey: keyX,
    extensions: leafExtensions([{ uri: id() }]),
    now,
  });

  const selfKey = generateTestKey();
  const selfName = dn(['O', 'SPIRE'], ['CN', 'self']);

  let deep: TestAuthority = root;
  for (let i = 0; i < 5; i++)
    deep = deep.createIntermediate({ now, subject: dn(['O', td], ['CN', `deep ${i}`]) });
  let four: TestAuthority = root;
  for (let i = 0; i < 4; i++)
    four = four.createIntermediate({ now, subject: dn(['O', td], ['CN', `four ${i}`]) });

  const pathLenZeroRoot = newRoot('pathLen 0 root', { pathLen: 0 });
  const expiredRoot = newRoot('expired root', {
    notBefore: new Date(past.getTime() - DAY),
    notAfter: past,
  });
  const constrainedRoot = newRoot('constrained root', {
    nameConstraints: { excluded: [{ uri: td }] },
  });
  const flip = (der: Uint8Array) => {
    const out = new Uint8Array(der);
    out[out.length - 1]! ^= 0x01;
    return out;
  };

  const broken: Record<BrokenSvidName, TestLeaf> = {
    leafCaTrue: svid(exts({ basicConstraints: basicConstraints(true) })),
    leafKeyCertSign: svid(exts({ keyUsage: keyUsage(['digitalSignature', 'keyCertSign']) })),
    leafCrlSign: svid(exts({ keyUsage: keyUsage(['digitalSignature', 'cRLSign']) })),
    leafNoDigitalSignature: svid(exts({ keyUsage: keyUsage(['keyAgreement']) })),
    leafNoKeyUsage: svid(exts({ keyUsage: null })),
    leafKeyUsageNotCritical: svid(exts({ keyUsage: keyUsage(['digitalSignature'], false) })),
    leafEkuServerAuthOnly: svid(exts({ extKeyUsage: extKeyUsage(['serverAuth']) })),
    twoUriSans: svid({ sans: [{ uri: id() }, { uri: 'https://example.org/x' }] }),
    twoSpiffeIds: svid({ sans: [{ uri: id('/a') }, { uri: id('/b') }] }),
    noUriSan: svid({ sans: [{ dns: 'workload.example.org' }] }),
    rootSpiffeId: withUri(`spiffe://${td}`),
    uppercaseTrustDomain: withUri(`spiffe://${td.toUpperCase()}/workload`),
    spiffeIdWithPort: withUri(`spiffe://${td}:443/workload`),
    spiffeIdWithUserinfo: withUri(`spiffe://user@${td}/workload`),
    spiffeIdWithQuery: withUri(`spiffe://${td}/workload?x=1`),
    spiffeIdWithFragment: withUri(`spiffe://${td}/workload#x`),
    spiffeIdPercentEncoded: withUri(`spiffe://${td}/work%6Coad`),
    spiffeIdDotSegment: withUri(`spiffe://${td}/a/../workload`),
    spiffeIdEmptySegment: withUri(`spiffe://${td}/a//workload`),
    spiffeIdTrailingSlash: withUri(`spiffe://${td}/workload/`),
    spiffeSchemeUppercase: withUri(`SPIFFE://${td}/workload`),
    unknownTrustDomain: withUri('spiffe://unknown.test/workload'),
    foreignTrustDomain: withUri(`spiffe://${partnerTd}/workload`),
    expired: svid({ notBefore: new Date(past.getTime() - DAY), notAfter: past }),
    notYetValid: svid({ notBefore: future, notAfter: new Date(future.getTime() + DAY) }),
    intermediateExpired: svid(
      {},
      sub({ notBefore: new Date(past.getTime() - DAY), notAfter: past }),
    ),
    intermediateNotYetValid: svid(
      {},
      sub({ notBefore: future, notAfter: new Date(future.getTime() + DAY) }),
    ),
    rootExpired: svid({}, expiredRoot.createIntermediate({ now })),
    sha1Signature: svid({ signatureAlgorithm: 'ecdsa-sha1' }),
    md5Signature: svid({ signatureAlgorithm: 'rsa-md5' }, rsaMid),
    sha1Intermediate: svid({}, sub({ signatureAlgorithm: 'ecdsa-sha1' })),
    signatureAlgorithmMismatch: svid({ outerSignatureAlgorithm: 'ecdsa-sha384' }),
    badSignature: (() => {
      const leaf = svid();
      return withLeafDer(leaf, flip(leaf.der));
    })(),
    unknownCriticalExtension: svid(
      exts({ extra: [rawExtension('1.3.6.1.4.1.99999.1', true, new Uint8Array([5, 0]))] }),
    ),
    intermediateUnknownCriticalExtension: svid(
      {},
      sub(caExt({ extra: [rawExtension('1.3.6.1.4.1.99999.2', true, new Uint8Array([5, 0]))] })),
    ),
    duplicateExtension: svid(exts({ extra: [subjectAltName([{ uri: id() }])] })),
    trailingDerBytes: (() => {
      const leaf = svid();
      return withLeafDer(leaf, new Uint8Array([...leaf.der, 0]));
    })(),
    zeroSerial: svid({ serial: new Uint8Array([0]) }),
    negativeSerial: svid({ serial: new Uint8Array([0xff, 0x01]) }),
    serialTooLong: svid({ serial: new Uint8Array(21).fill(0x11) }),
    versionOne: svid({ version: 1 }),
    emptySubjectSanNotCritical: svid({ subject: EMPTY_DN }),
    rsa1024Leaf: svid({ keyType: 'rsa-1024' }),
    secp256k1Leaf: svid({ keyType: 'ec-secp256k1' }),
    intermediateCaFalse: svid({}, sub(caExt({ basicConstraints: basicConstraints(false) }))),
    intermediateNoBasicConstraints: svid({}, sub(caExt({ basicConstraints: null }))),
    intermediateNoKeyCertSign: svid(
      {},
      sub(caExt({ keyUsage: keyUsage(['cRLSign', 'digitalSignature']) })),
    ),
    pathLenExceeded: svid({}, pathLenZeroRoot.createIntermediate({ now })),
    intermediatePathLenExceeded: svid({}, sub({ pathLen: 0 }).createIntermediate({ now })),
    nameConstraintViolated: svid({}, sub({ nameConstraints: { permitted: [{ uri: partnerTd }] } })),
    excludedNameConstraint: svid({}, sub({ nameConstraints: { excluded: [{ uri: td }] } })),
    anchorNameConstraintViolated: svid({}, constrainedRoot.createIntermediate({ now })),
    chainCycle: asLeaf(cycleLeaf, [xByY, yByX]),
    missingIntermediate: withChain(svid(), []),
    selfSignedLeaf: asLeaf(
      rawCertificate({
        subject: selfName,
        issuer: selfName,
        key: selfKey,
        signingKey: selfKey,
        extensions: leafExtensions([{ uri: id() }]),
        now,
      }),
      [],
    ),
    chainTooLong: svid({}, deep),
    revoked,
    intermediateRevoked: svid({}, revokedMid),
  };

  const oddButValid: Record<OddButValidSvidName, TestLeaf> = {
    rootInChain: withChain(valid, [...valid.chain.slice(1), certificateOf(root)]),
    leafRepeated: withChain(valid, [valid.chain[0]!, ...valid.chain.slice(1)]),
    unrelatedExtraCert: withChain(valid, [certificateOf(partner), ...valid.chain.slice(1)]),
    intermediatesOutOfOrder: (() => {
      const leaf = svid({}, four);
      return withChain(leaf, [...leaf.chain.slice(1)].reverse());
    })(),
    emptySubjectCriticalSan: svid({ subject: EMPTY_DN, sanCritical: true }),
    rsaLeaf: svid({ keyType: 'rsa-2048' }),
    p384Leaf: svid({ keyType: 'ec-p384' }),
    p521Leaf: svid({ keyType: 'ec-p521' }),
    pssSignedLeaf: svid({ signatureAlgorithm: 'rsa-pss-sha256' }, rsaMid),
    fourIntermediates: svid({}, four),
  };

  return Object.freeze({
    trustDomain: td,
    partnerTrustDomain: partnerTd,
    anchors: [certificateOf(root), ...extraRoots],
    partnerAnchors: [certificateOf(partner)],
    root,
    intermediate: mid,
    crls: [
      root.issueCrl({ now, revoked: [revokedMid.serial] }),
      mid.issueCrl({ now, revoked: [revoked.serial] }),
    ],
    valid,
    broken,
    oddButValid,
  });
}
