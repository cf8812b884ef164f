// The STS error codes the emulator answers, each with the HTTP status and fault type real STS
// uses, and the messages AWS sends (wording taken from real STS answers quoted in public issue
// threads and from AWS's "Common Errors" reference). The trailing ". " on some messages is AWS's.

export type StsErrorType = 'Sender' | 'Receiver';

export const STS_ERRORS = {
  MissingAuthenticationToken: { status: 403, type: 'Sender' },
  IncompleteSignature: { status: 400, type: 'Sender' },
  InvalidClientTokenId: { status: 403, type: 'Sender' },
  SignatureDoesNotMatch: { status: 403, type: 'Sender' },
  // Real STS answers an expired session token with 403 (not the 400 some SDK models declare).
  ExpiredToken: { status: 403, type: 'Sender' },
  MissingAction: { status: 400, type: 'Sender' },
  InvalidAction: { status: 400, type: 'Sender' },
  // Throttling is a 400 in the query protocol: callers must not read it as "bad credentials".
  Throttling: { status: 400, type: 'Sender' },
  InternalFailure: { status: 500, type: 'Receiver' },
  ServiceUnavailable: { status: 503, type: 'Receiver' },
  // Emulator only: the Host header names no configured STS host (HTTP 421 Misdirected Request).
  MisdirectedRequest: { status: 421, type: 'Sender' },
} as const satisfies Record<string, { status: number; type: StsErrorType }>;

export type StsErrorCode = keyof typeof STS_ERRORS;

export class StsError extends Error {
  readonly code: StsErrorCode;
  readonly status: number;
  readonly type: StsErrorType;

  constructor(code: StsErrorCode, message: string) {
    super(message);
    this.name = 'StsError';
    this.code = code;
    this.status = STS_ERRORS[code].status;
    this.type = STS_ERRORS[code].type;
  }
}

export const MESSAGES = {
  missingAuthentication: 'Request is missing Authentication Token',
  invalidToken: 'The security token included in the request is invalid.',
  expiredToken: 'The security token included in the request is expired',
  signatureMismatch:
    'The request signature we calculated does not match the signature you provided. ' +
    'Check your AWS Secret Access Key and signing method. ' +
    'Consult the service documentation for details.',
  missingAction: 'The request is missing an action or a required parameter.',
  throttled: 'Rate exceeded',
  internalFailure:
    'The request processing has failed because of an unknown error, exception or failure.',
  unavailable: 'The request has failed due to a temporary failure of the server.',
} as const;

export const signatureMismatch = (): StsError =>
  new StsError('SignatureDoesNotMatch', MESSAGES.signatureMismatch);

export const invalidToken = (): StsError =>
  new StsError('InvalidClientTokenId', MESSAGES.invalidToken);

export const incomplete = (message: string): StsError =>
  new StsError('IncompleteSignature', message);
