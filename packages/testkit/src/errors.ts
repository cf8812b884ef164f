// Errors the testkit throws for bad input (an identities file, say). Programmer misuse — a wrong
// option type, a duplicate access key id passed in code — is a plain TypeError instead.
// Tests and callers branch on `code`, never on the message.

import { RolegateError } from '@rolegate/core';

export const TESTKIT_ERRORS = {
  'identities.unreadable': { status: 500, description: 'the identities file cannot be read' },
  'identities.not_json': { status: 500, description: 'the identities file is not JSON' },
  'identities.invalid': {
    status: 500,
    description: 'the identities file is not a valid identity list',
  },
} as const;

export type TestkitErrorCode = keyof typeof TESTKIT_ERRORS;

export class TestkitError extends RolegateError<TestkitErrorCode> {
  static override readonly registry = TESTKIT_ERRORS;
}
