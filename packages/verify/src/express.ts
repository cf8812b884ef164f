// Express adapter (4 and 5). `rolegateExpress(options)` is middleware that puts the caller on
// `req.rolegate` (typed through declaration merging) or answers the refusal itself; handlers that
// want a non-optional value call `getRolegate(req)`.
//
//   app.use(rolegateExpress({ verifier, policies }));
//   app.get('/invoices', (req, res) => res.json({ caller: getRolegate(req).principal?.arn }));
//
// The path comes from `req.originalUrl` (the full target, whatever router it is mounted on); the
// source IP from `req.ip` and TLS from `req.secure`, so Express's `trust proxy` setting applies.

import type { NextFunction, Request, RequestHandler, Response } from 'express';
import {
  createGuard,
  type GuardOptions,
  type GuardOutcome,
  type RolegateAuth,
} from './http/guard.ts';
import { nodeRequestInfo, sendNodeRefusal } from './node.ts';

export type { GuardOptions, RolegateAuth } from './http/guard.ts';

declare global {
  // Express's request type can only be extended through its global namespace.
  namespace Express {
    interface Request {
      /** Set by rolegateExpress() for every request it lets through. */
      rolegate?: RolegateAuth;
    }
  }
}

/** The caller of a request that rolegateExpress() let through; TypeError if it did not run. */
export function getRolegate(req: Request): RolegateAuth {
  if (req.rolegate === undefined) {
    throw new TypeError('getRolegate: rolegateExpress() has not run for this request');
  }
  return req.rolegate;
}

export function rolegateExpress(options: GuardOptions): RequestHandler {
  const guard = createGuard(options, 'rolegateExpress');
  return function rolegateMiddleware(req: Request, res: Response, next: NextFunction): void {
    const info = () => ({
      ...nodeRequestInfo(req, req.originalUrl),
      sourceIp: req.ip ?? req.socket.remoteAddress,
      secure: req.secure,
    });
    const carryOn = (outcome: GuardOutcome): void => {
      if (outcome.ok) {
        req.rolegate = outcome.auth;
        next();
      } else sendNodeRefusal(res, outcome.refusal);
    };
    let outcome: GuardOutcome | Promise<GuardOutcome>;
    try {
      outcome = guard(req.headers.authorization, info);
    } catch (error) {
      next(error);
      return;
    }
    if (outcome instanceof Promise) outcome.then(carryOn, next);
    else carryOn(outcome);
  };
}
