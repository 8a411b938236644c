/**
 * Turns errors from the official Google clients into JobFailures the worker understands:
 * 429 and 5xx (and network errors) are retryable, with Retry-After when Google sent one;
 * 403/404/400 are permanent, and the caller says in both languages what the user must fix
 * (share the folder with the service account, restore the template, rename the sheet back…).
 */
import type { Localized } from '../../shared/locale.js';
import { JobFailure } from '../jobFailure.js';

type GoogleishError = {
  code?: number | string;
  status?: number;
  message?: string;
  response?: { status?: number; headers?: Record<string, string> | Headers; data?: { error?: { message?: string } } };
};

/** HTTP status of a Google client error, or 0 for a network error. */
export function statusOf(err: unknown): number {
  const e = err as GoogleishError;
  const status = e?.response?.status ?? e?.status ?? (typeof e?.code === 'number' ? e.code : Number(e?.code));
  return Number.isFinite(status) ? Number(status) : 0;
}

/** Seconds from a Google error's Retry-After header, if it sent one. */
export function retryAfterOf(err: unknown): number | undefined {
  const headers = (err as GoogleishError)?.response?.headers;
  const raw = headers ? (typeof (headers as Headers).get === 'function' ? (headers as Headers).get('retry-after') : (headers as Record<string, string>)['retry-after']) : undefined;
  const seconds = Number(raw);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
}

export function googleMessage(err: unknown): string {
  const e = err as GoogleishError;
  return e?.response?.data?.error?.message ?? e?.message ?? String(err);
}

export type GoogleFixes = {
  /** What to tell the user on 404. */
  notFound?: Localized;
  /** On 403 (defaults to a generic permission message naming `what`). */
  forbidden?: Localized;
  /** On 400. */
  badRequest?: Localized;
  /** For the administrator, added to the failure's technical message (e.g. the setting to check). */
  adminHint?: string;
};

/** The JobFailure for a Google client error; `what` names the call for logs and messages. */
export function googleFailure(err: unknown, what: string, fixes: GoogleFixes = {}): JobFailure {
  if (err instanceof JobFailure) return err;
  const status = statusOf(err);
  const detail = googleMessage(err);
  if (status === 429 || status >= 500 || status === 0 || status === 408) {
    return new JobFailure({
      code: status === 429 ? 'google_rate_limited' : 'google_unavailable',
      retryable: true,
      retryAfterSeconds: retryAfterOf(err),
      message: `${what}: ${status || 'network error'} ${detail}`,
      cause: err,
      // Whether it will be tried again depends on the attempt: the job's card says (jobDisplay).
      userMessage: {
        ja: 'Google のサービスが一時的に応答しません。',
        en: "Google's services did not answer for a while.",
      },
    });
  }
  const fix = status === 404 ? fixes.notFound : status === 403 || status === 401 ? fixes.forbidden : status === 400 ? fixes.badRequest : undefined;
  return new JobFailure({
    code: status === 404 ? 'google_not_found' : status === 403 || status === 401 ? 'google_permission_denied' : 'google_bad_request',
    retryable: false,
    message: `${what}: ${status} ${detail}${fixes.adminHint ? ` (${fixes.adminHint})` : ''}`,
    cause: err,
    // Staff read userMessage; the call and Google's own answer are in `message` (the detail).
    userMessage: fix ?? {
      ja: status === 403 || status === 401
        ? 'tasuki に必要な Google のファイルやフォルダへのアクセスが許可されていません。管理者に連絡してください。'
        : 'Google がリクエストを受け付けませんでした。管理者に連絡してください。',
      en: status === 403 || status === 401
        ? 'tasuki is not allowed to open a Google file or folder it needs. Ask your administrator.'
        : 'Google refused a request from tasuki. Ask your administrator.',
    },
  });
}

/** Runs one Google call, converting its errors. */
export async function callGoogle<T>(what: string, fn: () => Promise<T>, fixes?: GoogleFixes): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw googleFailure(err, what, fixes);
  }
}
