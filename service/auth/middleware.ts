/**
 * Express guards for the two kinds of callers:
 * - `requireUser`: /v1/jobs*, a Google ID token from the add-on (ScriptApp.getIdentityToken()):
 *   audience = the script's OAuth client id, verified e-mail in an allowed domain or list.
 *   Puts the caller's e-mail on `res.locals.user`. `userCheck` is the same check for POST
 *   /v1/jobs, which is served outside Express (routes/enqueueRoute.ts).
 * - `requireInvoker`: /tasks/sweep, /schedules, /preflight: the invoker's OIDC token (Cloud Tasks,
 *   Cloud Scheduler): audience = the service URL, e-mail = the invoker service account.
 *   `invokerCheck` is the same check for /tasks/run, which is served outside Express (taskRun.ts).
 */
import type { RequestHandler } from 'express';
import type { Config } from '../config.js';
import { AuthFailure, verifiedEmail, verifyBearer, type TokenTrust } from './tokenVerifier.js';

export type CallerLocals = { user: string };

/** Checks an Authorization header for an allowed user's ID token; resolves with the e-mail. */
export function userCheck(config: Config, trust: TokenTrust): (authorization: string | undefined) => Promise<string> {
  const domains = new Set(config.allowedDomains.map((d) => d.toLowerCase()));
  const emails = new Set(config.allowedEmails.map((e) => e.toLowerCase()));
  return async (authorization) => {
    const email = verifiedEmail(await verifyBearer(authorization, trust, config.scriptClientId));
    const domain = email.slice(email.lastIndexOf('@') + 1);
    if (!emails.has(email) && !domains.has(domain)) {
      throw new AuthFailure(403, 'email_not_allowed', `${email} is not allowed to use tasuki (domain or address not in the allowed list)`);
    }
    return email;
  };
}

export function requireUser(config: Config, trust: TokenTrust): RequestHandler {
  const check = userCheck(config, trust);
  return async (req, res, next) => {
    res.locals.user = await check(req.get('authorization'));
    next();
  };
}

/** Checks an Authorization header for the invoker's OIDC token; throws an AuthFailure if not. */
export function invokerCheck(config: Config, trust: TokenTrust): (authorization: string | undefined) => Promise<void> {
  const invoker = config.invokerServiceAccount.toLowerCase();
  return async (authorization) => {
    const email = verifiedEmail(await verifyBearer(authorization, trust, config.serviceUrl));
    if (email !== invoker) {
      throw new AuthFailure(403, 'wrong_service_account', `tasks must be signed by ${invoker}, not ${email}`);
    }
  };
}

export function requireInvoker(config: Config, trust: TokenTrust): RequestHandler {
  const check = invokerCheck(config, trust);
  return async (req, _res, next) => {
    await check(req.get('authorization'));
    next();
  };
}
