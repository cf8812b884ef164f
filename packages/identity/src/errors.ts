// The registry of every refusal a login can end in — the proof, STS's answer, the principal, the
// X.509 assertion and chain, SPIFFE IDs and JWT-SVIDs, profiles, the replay cache — with the
// HTTP status and OAuth error (RFC 6749 §5.2) each gets. The broker answers them as they are; the
// gateway folds them into its own few. Codes are stable: a retired code is never reused; add new
// ones at the end of a group. docs/errors.md documents each (a test keeps the two in step).
import { type ErrorRegistry, RolegateError } from '@rolegate/core';

/** RFC 6749 §5.2 `error` values a login refusal answers with. */
export type OAuthError =
  | 'invalid_request'
  | 'invalid_grant'
  | 'invalid_target'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'temporarily_unavailable'
  | 'server_error';

export interface LoginErrorSpec {
  readonly status: 400 | 401 | 403 | 404 | 413 | 415 | 429 | 500 | 503;
  readonly wire: OAuthError;
  /** Shown to the caller as `error_description`; the precise reason goes to the log only. */
  readonly description: string;
}

export const spec = (
  status: LoginErrorSpec['status'],
  wire: OAuthError,
  description: string,
): LoginErrorSpec => ({ status, wire, description });

export const IDENTITY_ERRORS = {
  // The presigned STS proof, checked before anything is sent to STS.
  'proof.too_large': spec(400, 'invalid_grant', 'the proof is larger than 8 KiB'),
  'proof.bad_prefix': spec(400, 'invalid_grant', 'the proof must start with rgsts1.'),
  'proof.bad_encoding': spec(400, 'invalid_grant', 'the proof is not strict unpadded base64url'),
  'proof.bad_characters': spec(
    400,
    'invalid_grant',
    'the proof URL has control or non-ASCII characters',
  ),
  'proof.bad_url': spec(400, 'invalid_grant', 'the proof is not an https URL of the expected form'),
  'proof.host_not_allowed': spec(
    400,
    'invalid_grant',
    'the proof names an STS host that is not allowed',
  ),
  'proof.bad_query': spec(400, 'invalid_grant', 'the proof query string is malformed'),
  'proof.unknown_parameter': spec(
    400,
    'invalid_grant',
    'the proof has a query parameter that is not allowed',
  ),
  'proof.duplicate_parameter': spec(400, 'invalid_grant', 'the proof repeats a query parameter'),
  'proof.missing_parameter': spec(
    400,
    'invalid_grant',
    'the proof lacks a required query parameter',
  ),
  'proof.bad_action': spec(
    400,
    'invalid_grant',
    'the proof is not for sts:GetCallerIdentity 2011-06-15',
  ),
  'proof.bad_algorithm': spec(
    400,
    'invalid_grant',
    'the proof is not signed with AWS4-HMAC-SHA256',
  ),
  'proof.bad_credential_scope': spec(400, 'invalid_grant', 'the proof credential scope is wrong'),
  'proof.audience_not_signed': spec(
    400,
    'invalid_grant',
    'the proof must sign exactly host;x-rolegate-audience (and x-rolegate-nonce when it has one)',
  ),
  'proof.bad_date': spec(400, 'invalid_grant', 'X-Amz-Date is malformed'),
  'proof.expired': spec(401, 'invalid_grant', 'the proof is older than 15 minutes'),
  'proof.not_yet_valid': spec(401, 'invalid_grant', 'the proof is dated in the future'),
  'proof.bad_expires': spec(400, 'invalid_grant', 'X-Amz-Expires must be an integer from 1 to 900'),
  'proof.bad_signature_format': spec(
    400,
    'invalid_grant',
    'X-Amz-Signature must be 64 lower-case hex digits',
  ),
  'proof.bad_security_token': spec(400, 'invalid_grant', 'X-Amz-Security-Token is malformed'),
  'proof.replayed': spec(401, 'invalid_grant', 'the proof has already been used'),
  'proof.bad_nonce': spec(
    400,
    'invalid_grant',
    'the proof nonce is malformed, or not both sent and signed',
  ),

  // What STS said.
  'sts.signature_mismatch': spec(401, 'invalid_grant', 'STS rejected the proof signature'),
  'sts.invalid_client_token': spec(401, 'invalid_grant', 'STS does not know the credentials'),
  'sts.expired_token': spec(401, 'invalid_grant', 'the session credentials have expired'),
  'sts.rejected': spec(401, 'invalid_grant', 'STS rejected the proof'),
  'sts.throttled': spec(429, 'temporarily_unavailable', 'STS is throttling; retry later'),
  'sts.unavailable': spec(503, 'temporarily_unavailable', 'STS is unavailable; retry later'),
  'sts.timeout': spec(503, 'temporarily_unavailable', 'STS did not answer in time; retry later'),
  'sts.bad_response': spec(
    503,
    'temporarily_unavailable',
    'STS gave an answer the broker cannot trust',
  ),
  'sts.identity_mismatch': spec(
    503,
    'temporarily_unavailable',
    'STS answered an inconsistent identity',
  ),

  // Who the caller turned out to be.
  'identity.unsupported_principal': spec(
    403,
    'unauthorized_client',
    'this kind of principal cannot log in',
  ),
  'identity.root_not_allowed': spec(
    403,
    'unauthorized_client',
    'the account root user cannot log in',
  ),
  'identity.federated_user_not_allowed': spec(
    403,
    'unauthorized_client',
    'federated users cannot log in',
  ),
  'identity.service_linked_role_not_allowed': spec(
    403,
    'unauthorized_client',
    'service-linked roles cannot log in',
  ),

  // The X.509 login assertion (urn:rolegate:token-type:x509-assertion), before any certificate.
  'assertion.too_large': spec(400, 'invalid_grant', 'the assertion is larger than 15 KiB'),
  'assertion.malformed': spec(
    400,
    'invalid_grant',
    'the assertion is not a compact JWS with a JSON header and claims',
  ),
  'assertion.bad_header': spec(
    400,
    'invalid_grant',
    'the assertion header has a parameter that is not allowed',
  ),
  'assertion.bad_algorithm': spec(
    400,
    'invalid_grant',
    'the assertion alg is not allowed or does not fit the certificate key',
  ),
  'assertion.bad_chain': spec(
    400,
    'invalid_grant',
    'x5c must hold 1 to 5 base64 DER certificates, leaf first',
  ),
  'assertion.bad_signature': spec(
    401,
    'invalid_grant',
    'the assertion signature does not verify with the certificate key',
  ),
  'assertion.bad_claims': spec(
    400,
    'invalid_grant',
    'the assertion claims aud, iat, exp and jti are missing or malformed',
  ),
  'assertion.bad_audience': spec(401, 'invalid_grant', 'the assertion is for another audience'),
  'assertion.lifetime_too_long': spec(
    400,
    'invalid_grant',
    'the assertion exp must be at most 300 seconds after iat',
  ),
  'assertion.expired': spec(401, 'invalid_grant', 'the assertion has expired'),
  'assertion.not_yet_valid': spec(401, 'invalid_grant', 'the assertion is dated in the future'),
  'assertion.replayed': spec(401, 'invalid_grant', 'the assertion has already been used'),

  // The certificate chain (path validation, RFC 5280 as docs/specs/x509.md §2 narrows it).
  'cert.malformed': spec(400, 'invalid_grant', 'a certificate is not strict DER X.509'),
  'cert.unsupported_key': spec(
    400,
    'invalid_grant',
    'a certificate key is not RSA 2048-8192 bits or EC P-256, P-384 or P-521',
  ),
  'cert.signature_algorithm_not_allowed': spec(
    401,
    'invalid_grant',
    'a certificate is signed with an algorithm that is not allowed (SHA-1, MD5...)',
  ),
  'cert.untrusted': spec(
    401,
    'invalid_grant',
    'the certificate does not chain to a trusted anchor',
  ),
  'cert.expired': spec(401, 'invalid_grant', 'a certificate in the chain has expired'),
  'cert.not_yet_valid': spec(401, 'invalid_grant', 'a certificate in the chain is not valid yet'),
  'cert.bad_version': spec(401, 'invalid_grant', 'the leaf certificate is not X.509 version 3'),
  'cert.bad_serial': spec(
    401,
    'invalid_grant',
    'a certificate serial number is zero, negative or longer than 20 octets',
  ),
  'cert.unknown_critical_extension': spec(
    401,
    'invalid_grant',
    'a certificate has a critical extension the broker does not understand',
  ),
  'cert.not_a_ca': spec(401, 'invalid_grant', 'an issuing certificate is not a CA'),
  'cert.bad_ca_key_usage': spec(
    401,
    'invalid_grant',
    'an issuing certificate is not allowed to sign certificates (keyCertSign)',
  ),
  'cert.path_length_exceeded': spec(
    401,
    'invalid_grant',
    'the chain is longer than a CA path length constraint allows',
  ),
  'cert.name_constraint_violation': spec(
    401,
    'invalid_grant',
    'a name in the chain is outside a CA name constraint',
  ),
  'cert.leaf_is_ca': spec(401, 'invalid_grant', 'the leaf certificate is a CA certificate'),
  'cert.bad_leaf_key_usage': spec(
    401,
    'invalid_grant',
    'the leaf key usage must include digitalSignature and neither keyCertSign nor cRLSign',
  ),
  'cert.bad_extended_key_usage': spec(
    401,
    'invalid_grant',
    'the leaf extended key usage does not allow client authentication',
  ),
  'cert.empty_subject': spec(
    401,
    'invalid_grant',
    'the leaf has an empty subject without a critical subject alternative name',
  ),
  'cert.revoked': spec(401, 'invalid_grant', 'a certificate in the chain is revoked'),
  'cert.revocation_unknown': spec(
    503,
    'temporarily_unavailable',
    'the broker cannot tell whether the certificate is revoked; retry later',
  ),
  'cert.not_presented': spec(
    401,
    'invalid_grant',
    'no TLS client certificate was presented on this connection',
  ),

  // SPIFFE identities.
  'spiffe.bad_id': spec(401, 'invalid_grant', 'the SPIFFE ID is malformed'),
  'spiffe.bad_svid': spec(401, 'invalid_grant', 'the certificate is not a valid X.509-SVID'),
  'spiffe.unknown_trust_domain': spec(
    401,
    'invalid_grant',
    'the SPIFFE trust domain is not trusted by this broker',
  ),

  // SPIFFE JWT-SVIDs (urn:ietf:params:oauth:token-type:jwt).
  'jwt_svid.malformed': spec(
    400,
    'invalid_grant',
    'the JWT-SVID is not a compact JWS with a JSON header and claims',
  ),
  'jwt_svid.bad_algorithm': spec(
    400,
    'invalid_grant',
    'the JWT-SVID alg is not RS, ES or PS 256-512, or does not fit its key',
  ),
  'jwt_svid.unknown_key': spec(
    401,
    'invalid_grant',
    "the JWT-SVID kid is not in its trust domain's bundle",
  ),
  'jwt_svid.bad_signature': spec(401, 'invalid_grant', 'the JWT-SVID signature does not verify'),
  'jwt_svid.bad_claims': spec(
    400,
    'invalid_grant',
    'the JWT-SVID claims sub, aud and exp are missing or malformed',
  ),
  'jwt_svid.bad_audience': spec(401, 'invalid_grant', 'the JWT-SVID is for another audience'),
  'jwt_svid.expired': spec(401, 'invalid_grant', 'the JWT-SVID has expired'),
  'jwt_svid.not_yet_valid': spec(401, 'invalid_grant', 'the JWT-SVID is dated in the future'),

  // Certificate and SPIFFE principals.
  'profile.not_found': spec(
    403,
    'unauthorized_client',
    'no profile maps this trust anchor to a principal',
  ),

  // The replay cache (its code keeps the name it had when the broker owned it).
  'broker.replay_cache_unavailable': spec(
    503,
    'temporarily_unavailable',
    'the replay cache is unavailable',
  ),
  'replay.account_quota': spec(
    429,
    'temporarily_unavailable',
    'this account holds too many unexpired proofs; retry later',
  ),
} as const satisfies ErrorRegistry;

export type IdentityErrorCode = keyof typeof IDENTITY_ERRORS;

/**
 * A refused login, with a stable code. `message` is the precise reason for the log and is never
 * sent to the caller (it may name hosts, parameters or STS's own message).
 */
export class IdentityError extends RolegateError<IdentityErrorCode> {
  static override readonly registry = IDENTITY_ERRORS;
}

export const isIdentityError = (value: unknown): value is IdentityError =>
  value instanceof IdentityError;
