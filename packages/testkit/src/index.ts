// @rolegate/testkit: emulators that really verify signatures, a test CA, and fixtures, for tests
// and for `rolegate dev`.
export * from './ca/index.ts';
export type { TestkitErrorCode } from './errors.ts';
export { TestkitError } from './errors.ts';
export type { KmsCredential } from './kms/auth.ts';
export type { KmsEmulator, KmsEmulatorOptions } from './kms/emulator.ts';
export { startKmsEmulator } from './kms/emulator.ts';
export type { KmsFaults } from './kms/faults.ts';
export type { KmsKeyInfo, KmsKeyOptions, KmsKeySeed } from './kms/key-admin.ts';
export type { KmsKeySpec, KmsSigningAlgorithm } from './kms/key-specs.ts';
export type { KmsKeyState, SignDenial } from './kms/key-store.ts';
export type { KmsErrorCode } from './kms/kms-error.ts';
export { KMS_ERRORS } from './kms/kms-error.ts';
export type { KmsOperation } from './kms/service.ts';
export type { RolesAnywhereEmulator } from './roles-anywhere/emulator.ts';
export { startRolesAnywhereEmulator } from './roles-anywhere/emulator.ts';
export type { RolesAnywhereSessionRecord } from './roles-anywhere/issue-session.ts';
export type {
  RolesAnywhereEmulatorOptions,
  RolesAnywhereProfileOptions,
  RolesAnywhereRoleOptions,
  RolesAnywhereTrustAnchorOptions,
} from './roles-anywhere/options.ts';
export type {
  RolesAnywhereErrorType,
  RolesAnywhereRefusal,
  RolesAnywhereRefusalReason,
} from './roles-anywhere/refusal.ts';
export { ROLES_ANYWHERE_ERRORS } from './roles-anywhere/refusal.ts';
export { createDevIdentities, DEFAULT_DEV_ACCOUNT } from './sts/dev-identities.ts';
export type { RecordedRequest, StsEmulator, StsEmulatorOptions } from './sts/emulator.ts';
export { startStsEmulator } from './sts/emulator.ts';
export type { StsFaults } from './sts/faults.ts';
export { DEFAULT_STS_REGIONS, defaultStsHosts, signingRegionOf } from './sts/hosts.ts';
export type { StsIdentity } from './sts/identity.ts';
export { loadIdentitiesFile } from './sts/identity.ts';
export type { StsErrorCode } from './sts/sts-error.ts';
export { STS_ERRORS } from './sts/sts-error.ts';
export {
  startWorkloadApi,
  type WorkloadApiEmulator,
  type WorkloadApiEmulatorOptions,
  type WorkloadIdentity,
} from './workload-api/emulator.ts';
