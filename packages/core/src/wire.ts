// The wire contract between rolegate's parties (DESIGN.md, "Wire contracts"). Other languages
// depend on these values: change one only with a version bump.

/** A presigned STS proof: `rgsts1.<base64url of the presigned URL>[.<nonce>]`. */
export const STS_PROOF_PREFIX = 'rgsts1.';
/** Signed header naming the login audience a proof is for; the verifier sends its own value. */
export const AUDIENCE_HEADER = 'x-rolegate-audience';
/** Signed header carrying the proof nonce: every proof is unique (docs/specs/sts-proof.md). */
export const NONCE_HEADER = 'x-rolegate-nonce';

/** RFC 8693 token exchange, the broker's one grant. */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const STS_PROOF_TOKEN_TYPE = 'urn:rolegate:token-type:aws-sts-presigned';
export const X509_ASSERTION_TOKEN_TYPE = 'urn:rolegate:token-type:x509-assertion';
/** No `subject_token`: the broker reads the TLS client certificate of the connection. */
export const TLS_CLIENT_CERTIFICATE_TOKEN_TYPE = 'urn:rolegate:token-type:tls-client-certificate';
/** A SPIFFE JWT-SVID as subject token, and the type of the tokens the broker issues. */
export const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt';

/** The broker's endpoints, relative to its base URL. */
export const TOKEN_PATH = '/v1/token';
export const JWKS_PATH = '/.well-known/jwks.json';
export const DISCOVERY_PATH = '/.well-known/openid-configuration';

/** What the gateway tells the backend (DESIGN.md, "Identity to the backend"). */
export const IDENTITY_HEADER = 'x-rolegate-identity';
export const IDENTITY_TAGS_HEADER = 'x-rolegate-identity-tags';
export const SERVICE_HEADER = 'x-rolegate-service';
export const REQUEST_ID_HEADER = 'x-rolegate-request-id';
