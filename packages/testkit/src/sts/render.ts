// STS answer bodies in AWS's exact shapes. XML is laid out as STS sends it (two-space indent,
// trailing newline; see the GetCallerIdentity sample in the STS API reference and real error
// bodies quoted in public issues); JSON is what STS sends for `Accept: application/json`.
import type { StsIdentity } from './identity.ts';
import type { StsErrorCode, StsErrorType } from './sts-error.ts';

export type AnswerFormat = 'xml' | 'json';

export const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export const CONTENT_TYPES: Readonly<Record<AnswerFormat, string>> = {
  xml: 'text/xml',
  json: 'application/json',
};

const XML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ENTITIES[c] ?? c);
}

export interface ErrorBody {
  code: StsErrorCode;
  message: string;
  type: StsErrorType;
}

type CallerIdentity = Pick<StsIdentity, 'arn' | 'userId' | 'account'>;

export function renderSuccess(id: CallerIdentity, requestId: string, format: AnswerFormat): string {
  if (format === 'json') {
    return JSON.stringify({
      GetCallerIdentityResponse: {
        GetCallerIdentityResult: { Account: id.account, Arn: id.arn, UserId: id.userId },
        ResponseMetadata: { RequestId: requestId },
      },
    });
  }
  return `<GetCallerIdentityResponse xmlns="${STS_XMLNS}">
  <GetCallerIdentityResult>
    <Arn>${xmlEscape(id.arn)}</Arn>
    <UserId>${xmlEscape(id.userId)}</UserId>
    <Account>${xmlEscape(id.account)}</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>${xmlEscape(requestId)}</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>
`;
}

export function renderError(error: ErrorBody, requestId: string, format: AnswerFormat): string {
  if (format === 'json') {
    return JSON.stringify({
      Error: { Code: error.code, Message: error.message, Type: error.type },
      RequestId: requestId,
    });
  }
  return `<ErrorResponse xmlns="${STS_XMLNS}">
  <Error>
    <Type>${error.type}</Type>
    <Code>${error.code}</Code>
    <Message>${xmlEscape(error.message)}</Message>
  </Error>
  <RequestId>${xmlEscape(requestId)}</RequestId>
</ErrorResponse>
`;
}
