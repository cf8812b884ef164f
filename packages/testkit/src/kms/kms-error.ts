// The KMS error codes the emulator answers, each with its HTTP status. KMS speaks the AWS JSON 1.1
// protocol: an error is `{"__type": "<code>", "message": "…"}` with `x-amzn-RequestId`. Real KMS
// answers every client error with 400 — a disabled key, a key pending deletion and an unknown key
// alike ("DisabledException … status code: 400" in SDK logs), even where the SDK's model declares
// 409 or 404; clients branch on `__type`, never on the status. Wording comes from real KMS answers
// quoted in public issue threads (see the README's "What was checked against what").

export const KMS_ERRORS = {
  // Authentication (the AWS front door, shared with every JSON-protocol service).
  MissingAuthenticationTokenException: { status: 400 },
  IncompleteSignatureException: { status: 400 },
  InvalidSignatureException: { status: 400 },
  UnrecognizedClientException: { status: 400 },
  ExpiredTokenException: { status: 400 },
  // Authorization: a key policy that does not allow the action (or denies it).
  AccessDeniedException: { status: 400 },
  // Protocol.
  UnknownOperationException: { status: 400 },
  SerializationException: { status: 400 },
  // KMS proper.
  ValidationException: { status: 400 },
  NotFoundException: { status: 400 },
  DisabledException: { status: 400 },
  KMSInvalidStateException: { status: 400 },
  InvalidKeyUsageException: { status: 400 },
  KMSInvalidSignatureException: { status: 400 },
  AlreadyExistsException: { status: 400 },
  InvalidMarkerException: { status: 400 },
  UnsupportedOperationException: { status: 400 },
  // Faults.
  ThrottlingException: { status: 400 },
  KMSInternalException: { status: 500 },
} as const satisfies Record<string, { status: number }>;

export type KmsErrorCode = keyof typeof KMS_ERRORS;

export class KmsError extends Error {
  readonly code: KmsErrorCode;
  readonly status: number;
  /** What the body says; undefined for codes KMS sends without a message. */
  readonly bodyMessage: string | undefined;

  /** `message` undefined: the body carries no message at all (as KMS does for a few codes). */
  constructor(code: KmsErrorCode, message?: string) {
    super(message ?? '');
    this.name = 'KmsError';
    this.code = code;
    this.status = KMS_ERRORS[code].status;
    this.bodyMessage = message;
  }
}

/** The JSON error body. AccessDeniedException comes from the IAM layer, which says `Message`. */
export function errorBody(err: KmsError): string {
  if (err.bodyMessage === undefined) return JSON.stringify({ __type: err.code });
  const key = err.code === 'AccessDeniedException' ? 'Message' : 'message';
  return JSON.stringify({ __type: err.code, [key]: err.bodyMessage });
}

export const KMS_MESSAGES = {
  missingAuthentication: 'Request is missing Authentication Token',
  unrecognizedClient: 'The security token included in the request is invalid.',
  expiredToken: 'The security token included in the request is expired',
  throttled: 'Rate exceeded',
  internal: 'The request processing has failed because of an unknown error, exception or failure.',
} as const;

export const notFoundKey = (keyArn: string): KmsError =>
  new KmsError('NotFoundException', `Key '${keyArn}' does not exist`);

export const notFoundAlias = (aliasArn: string): KmsError =>
  new KmsError('NotFoundException', `Alias ${aliasArn} is not found.`);

export const disabled = (keyArn: string): KmsError =>
  new KmsError('DisabledException', `${keyArn} is disabled.`);

export const pendingDeletion = (keyArn: string): KmsError =>
  new KmsError('KMSInvalidStateException', `${keyArn} is pending deletion.`);

/**
 * What KMS says when the key policy refuses `kms:<action>`: with no statement allowing it (the
 * usual case for a key whose policy grants only Verify/GetPublicKey), or with an explicit Deny.
 */
export function accessDenied(
  principalArn: string,
  action: string,
  keyArn: string,
  explicit: boolean,
): KmsError {
  const why = explicit
    ? 'with an explicit deny in a resource-based policy'
    : `because no resource-based policy allows the kms:${action} action`;
  return new KmsError(
    'AccessDeniedException',
    `User: ${principalArn} is not authorized to perform: kms:${action} on resource: ${keyArn} ${why}`,
  );
}
