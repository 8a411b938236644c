/**
 * Turns whatever a handler threw into the job's recorded error and the queue's next move.
 * - JobFailure: as the handler said (its user message in both languages; its technical message,
 *   when it differs, as the detail for the administrator).
 * - Google API errors (gaxios, with `response.status`): 429 and 5xx are retryable (honouring
 *   Retry-After); 400 and 404 are permanent (asking again cannot help); the rest retryable,
 *   because Google reports some rate limits as 403.
 * - Anything else: retryable, so a bug or a blip never loses the job before the final attempt.
 */
import type { JobError } from '../../shared/job.js';
import type { Locale } from '../../shared/locale.js';
import { JobFailure } from '../jobFailure.js';

export type ClassifiedFailure = { error: JobError; retryAfterSeconds?: number };

type GoogleLikeError = Error & {
  status?: unknown;
  code?: unknown;
  response?: { status?: unknown; headers?: unknown };
};

const PERMANENT_GOOGLE_STATUSES = new Set([400, 404]);

export function classifyFailure(err: unknown, locale: Locale): ClassifiedFailure {
  if (err instanceof JobFailure) {
    // Both languages for any viewer; the handler's technical message for the administrator.
    const detail = err.message !== err.userMessage.en ? { detail: err.message } : {};
    return {
      error: { code: err.code, message: err.userMessage[locale], retryable: err.retryable, userMessage: { ...err.userMessage }, ...detail },
      ...(err.retryAfterSeconds !== undefined ? { retryAfterSeconds: err.retryAfterSeconds } : {}),
    };
  }
  const e = err as GoogleLikeError;
  const status = typeof e?.response?.status === 'number' ? e.response.status : undefined;
  const message = err instanceof Error ? err.message : String(err);
  if (status !== undefined) {
    const retryable = !PERMANENT_GOOGLE_STATUSES.has(status);
    const retryAfterSeconds = status === 429 || status === 503 ? retryAfterFrom(e.response?.headers) : undefined;
    return {
      error: { code: `google_${status}`, message: `Google API answered ${status}: ${message}`, retryable, detail: message },
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    };
  }
  return { error: { code: 'internal', message, retryable: true, detail: err instanceof Error && err.stack ? err.stack.split('\n').slice(0, 4).join('\n') : message } };
}

function retryAfterFrom(headers: unknown): number | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const h = headers as { get?: (name: string) => unknown } & Record<string, unknown>;
  const raw = typeof h.get === 'function' ? h.get('retry-after') : h['retry-after'];
  const seconds = Number(raw);
  return Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : undefined;
}
