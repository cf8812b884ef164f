// The test CA: a root for tests and `rolegate dev`, and the certificates it issues — TLS server
// certificates, SPIFFE X.509-SVIDs, plain client certificates, CRLs, SPIFFE bundles, JWT-SVIDs and
// X.509 login assertions — plus catalogues of broken certificates, each named after its failure.
export type {
  AuthorityOptions,
  IssueOptions,
  LeafOptions,
  TestAuthority,
  TestCertificate,
  TestLeaf,
} from './authority.ts';
export { createRootAuthority } from './authority.ts';
export type { BrokenClientSet } from './broken-clients.ts';
export { createBrokenClients, RICH_SANS, RICH_SUBJECT } from './broken-clients.ts';
export type { BrokenClientName, BrokenSvidName, OddButValidSvidName } from './broken-names.ts';
export {
  BROKEN_CLIENT_NAMES,
  BROKEN_SVID_NAMES,
  ODD_BUT_VALID_SVID_NAMES,
} from './broken-names.ts';
export type { BrokenSvidSet } from './broken-svids.ts';
export { createBrokenSvids } from './broken-svids.ts';
export type { CertificateSpec, CertSignatureAlgorithm } from './cert-builder.ts';
export { buildCertificate } from './cert-builder.ts';
export type { CrlOptions, TestCrl } from './crl-builder.ts';
export { buildCrl } from './crl-builder.ts';
export type { CertExtension, GeneralNameSpec, KeyUsageName } from './extensions.ts';
export {
  authorityKeyIdentifier,
  basicConstraints,
  extKeyUsage,
  keyUsage,
  nameConstraints,
  rawExtension,
  subjectAltName,
  subjectKeyIdentifier,
} from './extensions.ts';
export type { JwtSvidIssuer, JwtSvidOptions } from './jwt-svid.ts';
export { createJwtSvidIssuer } from './jwt-svid.ts';
export type { DistinguishedName, DnAttribute } from './names.ts';
export { ATTRIBUTE_OIDS, dn, EMPTY_DN } from './names.ts';
export { derToPem } from './pem.ts';
export type { IssuedCert, ServerCertOptions } from './server-cert.ts';
export { issueServerCert } from './server-cert.ts';
export type {
  BundleJwk,
  JwtAuthority,
  SpiffeBundleDocument,
  SpiffeBundleInput,
} from './spiffe-bundle.ts';
export { spiffeBundle, writeSpiffeBundle, writeSpiffeBundleMap } from './spiffe-bundle.ts';
export type { TestCa, TestCaOptions } from './test-ca.ts';
export { createTestCa } from './test-ca.ts';
export type { TestKey, TestKeyType } from './test-key.ts';
export { generateTestKey, TEST_KEY_TYPES, testKeyFromPem } from './test-key.ts';
export type { X509AssertionOptions } from './x509-assertion.ts';
export { signX509Assertion } from './x509-assertion.ts';
