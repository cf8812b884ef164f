// The test CA: a root for tests and `rolegate dev`, and the certificates it issues.
export type { IssuedCert, ServerCertOptions } from './server-cert.ts';
export { issueServerCert } from './server-cert.ts';
export type { TestCa, TestCaOptions } from './test-ca.ts';
export { createTestCa } from './test-ca.ts';
