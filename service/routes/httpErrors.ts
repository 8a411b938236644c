/**
 * How every route answers a failure: `{ error: { code, message, issues? } }` (shared/api.ts
 * ApiError), never a stack trace. Routes throw `HttpError`; auth throws `AuthFailure`; body
 * parser errors (bad JSON, too large) are mapped here; anything else is a 500 with a generic
 * message, logged with its stack on the server side only.
 */
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type * as z from 'zod';
import { describeIssues, type ApiError } from '../../shared/api.js';
import { AuthFailure } from '../auth/tokenVerifier.js';
import type { Logger } from '../logger.js';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues?: ApiError['error']['issues'],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'HttpError';
  }

  static invalid(error: z.core.$ZodError, what = 'request'): HttpError {
    const issues = describeIssues(error);
    const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    return new HttpError(400, 'invalid_request', `invalid ${what}: ${summary}`, issues);
  }
}

export function sendError(res: Response, status: number, body: ApiError['error'], headers?: Record<string, string>): void {
  if (headers) res.set(headers);
  res.status(status).json({ error: body } satisfies ApiError);
}

export const notFoundRoute: RequestHandler = (req, res) => {
  sendError(res, 404, { code: 'not_found', message: `no route for ${req.method} ${req.path}` });
};

type BodyParserError = Error & { type?: string; status?: number; limit?: number };

/** An error's answer: status, body and headers (the Express error handler and taskRun.ts send it). */
export type ErrorAnswer = { status: number; body: ApiError['error']; headers?: Record<string, string> };

/** How any thrown error is answered; an unexpected one is logged here with its stack. */
export function errorAnswer(err: unknown, log: Logger, method: string | undefined, path: string): ErrorAnswer {
  if (err instanceof HttpError) {
    return { status: err.status, body: { code: err.code, message: err.message, ...(err.issues ? { issues: err.issues } : {}) }, ...(err.headers ? { headers: err.headers } : {}) };
  }
  if (err instanceof AuthFailure) {
    const headers: Record<string, string> = {};
    if (err.status === 401) headers['WWW-Authenticate'] = `Bearer error="invalid_token", error_description="${err.code}"`;
    if (err.status === 503) headers['Retry-After'] = '5';
    return { status: err.status, body: { code: err.code, message: err.message }, headers };
  }
  const parserError = err as BodyParserError;
  if (parserError?.type === 'entity.parse.failed') return { status: 400, body: { code: 'invalid_json', message: 'the body is not valid JSON' } };
  if (parserError?.type === 'entity.too.large') {
    return { status: 413, body: { code: 'body_too_large', message: `the body is larger than the ${parserError.limit ?? ''} byte limit`.replace('  ', ' ') } };
  }
  if (typeof parserError?.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
    return { status: parserError.status, body: { code: 'bad_request', message: parserError.message } };
  }
  log.error({ err, method, path }, 'unhandled error');
  return { status: 500, body: { code: 'internal', message: 'internal error; it has been logged' } };
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (res.headersSent) {
      res.end();
      return;
    }
    const answer = errorAnswer(err, log, req.method, req.path);
    sendError(res, answer.status, answer.body, answer.headers);
  };
}
