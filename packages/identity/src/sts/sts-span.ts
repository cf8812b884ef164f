// The STS call of a login as one client span, `STS/GetCallerIdentity` with the OpenTelemetry RPC
// conventions for AWS (`rpc.system: aws-api`), the host and region that answered, the HTTP status
// and AWS's request id — the id an AWS support case asks for. The presigned request itself (its
// signature and session token) is never recorded. No trace header is sent to STS: the request is
// rebuilt from a signed proof, and STS has no use for one.
import { SpanKind } from '@opentelemetry/api';
import { identityTracer, inSpan } from '../tracing/spans.ts';
import { buildOutboundRequest } from './outbound-request.ts';
import { type CallerIdentity, readStsAnswer } from './sts-answer.ts';
import type { StsCaller } from './sts-caller.ts';
import type { ValidatedProof } from './validate-proof.ts';

export function callSts(
  caller: StsCaller,
  proof: ValidatedProof,
  loginAudience: string,
): Promise<CallerIdentity> {
  return inSpan(
    identityTracer,
    'STS/GetCallerIdentity',
    { kind: SpanKind.CLIENT },
    async (span): Promise<CallerIdentity> => {
      const recording = span.isRecording();
      if (recording) {
        span.setAttributes({
          'rpc.system': 'aws-api',
          'rpc.service': 'STS',
          'rpc.method': 'GetCallerIdentity',
          'server.address': new URL(caller.targetFor(proof.endpoint.host).origin).hostname,
          'cloud.region': proof.endpoint.signingRegion,
        });
      }
      const raw = await caller.call(buildOutboundRequest(proof, loginAudience));
      if (recording) span.setAttribute('http.response.status_code', raw.status);
      const answer = readStsAnswer(raw);
      if (recording) span.setAttribute('aws.request_id', answer.requestId);
      return answer;
    },
  );
}
