// Settings that weaken security or cannot work as the operator probably meant are said out loud at
// start and at every reload, so they are seen before a request proves them wrong.

import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/schema.ts';
import { unreachableResources } from './unreachable-resources.ts';

/** The policy document of a service, or undefined when it cannot be read (the loader says why). */
function policyDocument(source: string | Readonly<Record<string, unknown>>): unknown {
  if (typeof source !== 'string') return source;
  try {
    return JSON.parse(readFileSync(source, 'utf8'));
  } catch {
    return undefined;
  }
}

export function warnAboutConfig(config: GatewayConfig, logger: Logger): void {
  if (config.jwt?.allowInsecureHttp === true) {
    logger.warn('jwt.allowInsecureHttp is on: the JWKS may be fetched over plain http');
  }
  if (config.sts?.allowInsecureEndpoints === true) {
    logger.warn('sts.allowInsecureEndpoints is on: STS may be reached over plain http');
  }
  const noCredentials = config.jwt === undefined && config.sts === undefined;
  for (const service of config.services) {
    if (service.authType !== 'AWS_IAM') continue;
    if (service.policy !== undefined) {
      const { pathPrefix } = service.listener;
      for (const resource of unreachableResources(
        policyDocument(service.policy),
        service.serviceArn,
        pathPrefix,
      )) {
        logger.warn(
          { service: service.name, resource, pathPrefix },
          'a policy resource names this service but none of its paths: a Lattice resource is the service ARN followed by the full request path',
        );
      }
    }
    if (service.policy === undefined) {
      logger.warn(
        { service: service.name },
        'AWS_IAM service without a policy denies every request',
      );
    } else if (noCredentials) {
      logger.warn(
        { service: service.name },
        'neither jwt nor sts is configured: only anonymous callers can reach AWS_IAM services',
      );
    }
  }
}

/** Options only a restart applies; a reload that changes them says so. */
export function restartOnlyChanges(before: GatewayConfig, after: GatewayConfig): string[] {
  const changed: string[] = [];
  for (const key of ['listeners', 'admin', 'limits', 'replay', 'forwardAuth'] as const) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changed.push(key);
  }
  // Whether HTTPS listeners ask for client certificates is set when they start.
  if ((before.x509 === undefined) !== (after.x509 === undefined)) changed.push('x509 (on or off)');
  return changed;
}
