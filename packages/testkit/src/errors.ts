// Errors the testkit throws for bad input (an identities file, say). Programmer misuse — a wrong
// option type, a duplicate access key id passed in code — is a plain TypeError instead.
// Tests and callers branch on `code`, never on the message.

export type TestkitErrorCode =
  | 'ERR_IDENTITIES_READ' // the identities file could not be read
  | 'ERR_IDENTITIES_JSON' // the identities file is not JSON
  | 'ERR_IDENTITIES_INVALID'; // the identities file is JSON but not a valid identity list

export class TestkitError extends Error {
  readonly code: TestkitErrorCode;

  constructor(code: TestkitErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TestkitError';
    this.code = code;
  }
}
