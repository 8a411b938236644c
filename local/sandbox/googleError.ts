/**
 * Errors in Google's wire shape. Every sandbox API answers failures as
 * `{"error":{"code","message","status","errors?":[{message,domain,reason}]}}`, exactly what the
 * official clients (gaxios → GaxiosError) parse, so callers see the same `err.code`/`err.status`
 * and messages they would get from Google. Drive, Gmail and Calendar (older APIs) also carry the
 * legacy `errors[]` list with a `reason`; Chat, Sheets and Docs only the canonical status.
 */
import type { ErrorRequestHandler, Response } from 'express';

export type GoogleStatus =
  | 'INVALID_ARGUMENT' | 'FAILED_PRECONDITION' | 'UNAUTHENTICATED' | 'PERMISSION_DENIED' | 'NOT_FOUND'
  | 'ALREADY_EXISTS' | 'ABORTED' | 'RESOURCE_EXHAUSTED' | 'INTERNAL' | 'UNAVAILABLE' | 'OUT_OF_RANGE';

const STATUS_OF_CODE: Record<number, GoogleStatus> = {
  400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 409: 'ALREADY_EXISTS',
  412: 'FAILED_PRECONDITION', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE',
};

const REASON_OF_CODE: Record<number, string> = {
  400: 'badRequest', 401: 'authError', 403: 'forbidden', 404: 'notFound', 409: 'duplicate', 412: 'failedPrecondition',
  429: 'rateLimitExceeded', 500: 'backendError', 503: 'backendError',
};

export class GoogleError extends Error {
  readonly code: number;
  readonly status: GoogleStatus;
  readonly reason: string;
  /** Domain of the legacy `errors[]` entry: global, usageLimits (quota, disabled API)… */
  readonly domain: string;
  /** google.rpc details (e.g. ErrorInfo with reason SERVICE_DISABLED). */
  readonly details?: unknown[];
  /** Extra response headers (Retry-After on 429/503, WWW-Authenticate on 401). */
  readonly headers: Record<string, string>;
  constructor(code: number, message: string, opts: { status?: GoogleStatus; reason?: string; domain?: string; details?: unknown[]; headers?: Record<string, string> } = {}) {
    super(message);
    this.name = 'GoogleError';
    this.code = code;
    this.status = opts.status ?? STATUS_OF_CODE[code] ?? 'INTERNAL';
    this.reason = opts.reason ?? REASON_OF_CODE[code] ?? 'backendError';
    this.domain = opts.domain ?? 'global';
    if (opts.details) this.details = opts.details;
    this.headers = opts.headers ?? {};
  }
}

export const badRequest = (message: string, reason = 'invalid') => new GoogleError(400, message, { reason });
export const notFound = (message = 'Requested entity was not found.') => new GoogleError(404, message);
export const forbidden = (message = 'The caller does not have permission') => new GoogleError(403, message);
export const conflict = (message: string) => new GoogleError(409, message);

/** APIs whose errors carry the legacy `errors[]` list. */
const LEGACY_ERROR_LIST = new Set(['drive', 'gmail', 'calendar']);

export function sendGoogleError(res: Response, err: GoogleError, api?: string): void {
  for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
  const body: Record<string, unknown> = { code: err.code, message: err.message, status: err.status };
  if (api && LEGACY_ERROR_LIST.has(api)) body.errors = [{ message: err.message, domain: err.domain, reason: err.reason }];
  if (err.details) body.details = err.details;
  res.status(err.code).json({ error: body });
}

/**
 * Express error handler for an API router: GoogleErrors as they are, body-parser failures as
 * Google's "Invalid JSON payload" 400s, anything else as a 500 with the message (it is a bug in
 * the sandbox, and the caller should see it).
 */
export function googleErrorHandler(api?: string, onBug?: (err: unknown) => void): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    if (err instanceof GoogleError) return sendGoogleError(res, err, api);
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.parse.failed') {
      return sendGoogleError(res, badRequest(`Invalid JSON payload received. ${e.message ?? ''}`.trim(), 'parseError'), api);
    }
    if (e.type === 'entity.too.large') {
      return sendGoogleError(res, new GoogleError(413, 'Request payload size exceeds the limit.', { status: 'INVALID_ARGUMENT', reason: 'uploadTooLarge' }), api);
    }
    onBug?.(err);
    sendGoogleError(res, new GoogleError(500, `Internal error in the local sandbox: ${e.message ?? String(err)}`), api);
  };
}
