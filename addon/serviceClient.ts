/**
 * The add-on's only way to the service: `/v1/jobs*` over UrlFetchApp with the user's Google ID
 * token (ScriptApp.getIdentityToken(), audience = this script's OAuth client id).
 *
 * - The service URL is the Script Property TASUKI_SERVICE_URL, else the one baked in at build.
 * - Requests are validated with the shared EnqueueRequest schema before they leave Apps Script,
 *   so a bad field is reported at once, in the user's language, naming the field.
 * - Answers are trusted only after the shared zod schemas (shared/api.ts) accept them: an old
 *   service, a proxy's HTML page or `200 {}` becomes "the service answered something unexpected
 *   (HTTP n)", never a JavaScript error about a missing property.
 * - `muteHttpExceptions` is on: every status is mapped here (400 → the fields to fix, by name in
 *   the user's language; 401; 403; 404; 409 by its code; 429/5xx → try again later; a thrown
 *   fetch or a timeout → the service is unreachable). The service's own English message never
 *   reaches the user; it goes to the Apps Script log.
 */
import type { ZodMiniType } from 'zod/mini';
import { ApiError, EnqueueRequest, EnqueueResponse, JobListResponse, JobResponse, UploadResponse } from '../shared/api.js';
import { ClientMatchResponse } from '../shared/clientMatch.js';
import type { JobView, ReplyTarget } from '../shared/job.js';
import type { Locale } from '../shared/locale.js';
import { DEFAULT_SERVICE_URL } from './buildInfo.js';
import { UserFacingError, type FieldIssue } from './errors.js';

export const SERVICE_URL_PROPERTY = 'TASUKI_SERVICE_URL';
/** Optional: the team's Chat space, where jobs started outside Chat (Gmail, Sheets) report. */
export const CHAT_SPACE_PROPERTY = 'TASUKI_CHAT_SPACE';

export function serviceUrl(): string {
  let configured: string | null = null;
  try {
    configured = PropertiesService.getScriptProperties().getProperty(SERVICE_URL_PROPERTY);
  } catch {
    // AuthMode.NONE or no properties service: the build default applies.
  }
  return (configured || DEFAULT_SERVICE_URL).replace(/\/+$/, '');
}

/**
 * Where a job started in Gmail or Sheets reports besides its card: the team space named by the
 * Script Property TASUKI_CHAT_SPACE (one message per job, progress and result or failure with a
 * Retry button); none when the property is unset or malformed.
 */
export function teamChatReply(): ReplyTarget | undefined {
  let space: string | null = null;
  try {
    space = PropertiesService.getScriptProperties().getProperty(CHAT_SPACE_PROPERTY);
  } catch {
    return undefined;
  }
  return space && /^spaces\/[A-Za-z0-9_-]+$/.test(space) ? { chat: { space } } : undefined;
}

/** The request with the team space added to its reply target, when one is configured. */
export function withTeamReply(request: EnqueueRequest): EnqueueRequest {
  const team = teamChatReply();
  return team ? { ...request, reply: { ...request.reply, ...team } } : request;
}

type Method = 'get' | 'post';

/** The language the service renders `display` in (Accept-Language); the guard sets it per event. */
let requestLocale: Locale | undefined;
export function useLocale(locale: Locale): void {
  requestLocale = locale;
}
function invalid(issues: FieldIssue[]): UserFacingError {
  return new UserFacingError('errInvalid', {}, 400, issues);
}

/** `body` is sent as JSON; a Blob is sent as it is, with its own content type (an upload). */
function call<T>(method: Method, path: string, body: unknown, schema: ZodMiniType<T>, context: { jobRef?: string } = {}): T {
  const url = `${serviceUrl()}${path}`;
  const options: GoogleAppsScript.URL_Fetch.URLFetchRequestOptions = {
    method,
    muteHttpExceptions: true,
    followRedirects: false,
    headers: { Authorization: `Bearer ${ScriptApp.getIdentityToken()}`, Accept: 'application/json', ...(requestLocale ? { 'Accept-Language': requestLocale } : {}) },
  };
  const blob = body as GoogleAppsScript.Base.Blob | undefined;
  if (blob?.getBytes) {
    options.contentType = blob.getContentType() || 'application/octet-stream';
    options.payload = blob;
  } else if (body !== undefined) {
    options.contentType = 'application/json';
    options.payload = JSON.stringify(body);
  }
  let response: GoogleAppsScript.URL_Fetch.HTTPResponse;
  try {
    response = UrlFetchApp.fetch(url, options);
  } catch (err) {
    console.warn(`tasuki: fetch ${url} failed: ${err instanceof Error ? err.message : String(err)}`);
    throw new UserFacingError('errNetwork');
  }
  const status = response.getResponseCode();
  const text = response.getContentText();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (status >= 200 && status < 300) {
    const checked = schema.safeParse(parsed);
    if (checked.success) return checked.data;
    console.warn(`tasuki: ${method.toUpperCase()} ${path} answered ${status} with a body the contract does not accept: ${text.slice(0, 300)}`);
    throw new UserFacingError('errBadResponse', { status }, status);
  }
  const apiError = ApiError.safeParse(parsed);
  const error = apiError.success ? apiError.data.error : undefined;
  console.warn(`tasuki: ${method.toUpperCase()} ${path} answered ${status}${error ? ` ${error.code}: ${error.message}` : `: ${text.slice(0, 300)}`}`);
  switch (status) {
    case 400:
      throw invalid(error?.issues ?? []);
    case 401:
      throw new UserFacingError('errUnauthenticated', {}, status);
    case 403:
      // A refused reply target (a space the user is not in, a foreign sheet): the service names
      // it in the locale this request was sent with.
      if (error?.code === 'target_forbidden') throw new UserFacingError('errTargetForbidden', { message: error.message }, status);
      throw new UserFacingError('errForbidden', {}, status);
    case 404:
      if (context.jobRef) throw new UserFacingError('errNotFound', { ref: context.jobRef }, status);
      throw new UserFacingError('errNotFoundGeneric', {}, status);
    case 409:
      throw new UserFacingError(error?.code === 'idempotency_key_reused' ? 'errKeyReused' : 'errConflict', {}, status);
    default:
      if (status === 429 || status >= 500) throw new UserFacingError('errUnavailable', {}, status);
      throw new UserFacingError('errBadResponse', { status }, status);
  }
}

/** Validates locally, then POST /v1/jobs. */
export function enqueueJob(request: EnqueueRequest): EnqueueResponse {
  const checked = EnqueueRequest.safeParse(request);
  if (!checked.success) {
    console.warn(`tasuki: request refused locally: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    throw invalid(checked.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })));
  }
  return call('post', '/v1/jobs', request, EnqueueResponse);
}

/**
 * Which client of the office's directory this sender is (GET /v1/clients/match), for the Gmail
 * card. Null when it cannot be told (service down, no access): the card then offers the parsed
 * name as it is, and project.create decides (refusing an unknown client until confirmed).
 */
export function matchClient(query: Record<'name' | 'email', string | undefined>): ClientMatchResponse | null {
  const params = (['name', 'email'] as const).filter((k) => query[k]).map((k) => `${k}=${encodeURIComponent(query[k]!.slice(0, 200))}`);
  try {
    return params.length ? call('get', `/v1/clients/match?${params.join('&')}`, undefined, ClientMatchResponse) : null;
  } catch {
    return null;
  }
}

/** POST /v1/uploads: one attachment's raw bytes; its upload id, or null when it could not be sent. */
export function uploadAttachment(messageId: string, index: number, blob: GoogleAppsScript.Gmail.GmailAttachment): string | null {
  try {
    const path = `/v1/uploads?messageId=${encodeURIComponent(messageId)}&index=${index}&name=${encodeURIComponent(blob.getName())}`;
    return call('post', path, blob.copyBlob(), UploadResponse).uploadId;
  } catch {
    return null;
  }
}

export function getJob(jobId: string, ref = jobId): JobResponse {
  return call('get', `/v1/jobs/${encodeURIComponent(jobId)}`, undefined, JobResponse, { jobRef: ref });
}

/** The user's most recent jobs (newest first). */
export function listMyJobs(limit = 20): JobView[] {
  return call('get', `/v1/jobs?mine=1&limit=${limit}`, undefined, JobListResponse).jobs;
}

export function retryJob(jobId: string, ref = jobId): JobResponse {
  return call('post', `/v1/jobs/${encodeURIComponent(jobId)}/retry`, {}, JobResponse, { jobRef: ref });
}

export function cancelJob(jobId: string, ref = jobId): JobResponse {
  return call('post', `/v1/jobs/${encodeURIComponent(jobId)}/cancel`, {}, JobResponse, { jobRef: ref });
}

/** An idempotency key from free-form parts: only the characters the API accepts, ≤128. */
export function idempotencyKey(...parts: string[]): string {
  const key = parts.join(':').replace(/[^A-Za-z0-9._:-]/g, '-');
  if (key.length <= 128) return key;
  // Keep it unique when long: a short digest of the whole replaces the tail.
  const digest = Utilities.computeDigest(Utilities.DigestAlgorithm.SHA_256, key)
    .slice(0, 12)
    .map((b) => ((b + 256) % 256).toString(16).padStart(2, '0'))
    .join('');
  return `${key.slice(0, 128 - 25)}-${digest}`;
}
