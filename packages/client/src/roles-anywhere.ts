// @rolegate/client/roles-anywhere: temporary AWS credentials from an X.509 certificate through
// IAM Roles Anywhere. A separate entry point so `rolegate credential-process`, which runs on every
// credential refresh of every SDK, loads this and nothing else of the client (no gRPC, no AWS SDK).
export {
  type CreateSessionOptions,
  createSession,
  type RolesAnywhereSession,
} from './roles-anywhere/create-session.ts';
export type { PassphraseSource } from './roles-anywhere/passphrase.ts';
export {
  type CreateSessionCanonical,
  type CreateSessionInput,
  canonicalCreateSession,
  DEFAULT_SESSION_SECONDS,
  type RolesAnywhereAlgorithm,
  type SignedCreateSession,
  signCreateSessionRequest,
} from './roles-anywhere/sign-request.ts';
export {
  loadSigningMaterial,
  MAX_INTERMEDIATES,
  type SigningMaterial,
  type SigningMaterialSource,
} from './roles-anywhere/signing-material.ts';
