/**
 * A task as the emulator keeps it, and the google.cloud.tasks.v2.Task message ↔ record mapping.
 * CreateTask input is validated here with Cloud Tasks' rules (HTTP target required, http(s) url
 * of at most 2083 characters, body only with POST/PUT/PATCH, headers under 80 KB, task under
 * 1 MB, schedule at most 30 days ahead, dispatch deadline 15 s–30 min); each violation is an
 * INVALID_ARGUMENT naming the field. BASIC view omits the body, as Google does.
 */
import { invalidArgument, unimplemented } from './apiError.js';
import { durationToMs, msToDuration, msToTimestamp, timestampToMs, type ProtoDuration, type ProtoTimestamp } from './protoTime.js';

export const HTTP_METHODS = ['POST', 'GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export type HttpTarget = {
  url: string;
  method: HttpMethod;
  headers: Record<string, string>;
  body: Buffer | null;
  oidc: { serviceAccountEmail: string; audience: string } | null;
};

export type AttemptRecord = {
  scheduleTimeMs: number;
  dispatchTimeMs: number | null;
  responseTimeMs: number | null;
  /** google.rpc.Status of the response (code per HTTP status mapping). */
  status: { code: number; message: string } | null;
};

export type TaskRecord = {
  name: string;
  queue: string;
  /** Unique per created task, never reused: guards late outcomes against a recreated name. */
  seq: number;
  http: HttpTarget;
  scheduleTimeMs: number;
  createTimeMs: number;
  dispatchDeadlineMs: number;
  dispatchCount: number;
  responseCount: number;
  /** Responses that were not 5xx (X-CloudTasks-TaskExecutionCount). */
  executionCount: number;
  firstAttempt: AttemptRecord | null;
  lastAttempt: AttemptRecord | null;
  /** HTTP status of the previous attempt's response, if it got one. */
  previousResponse: number | null;
  retryReason: string | null;
  dispatching: boolean;
};

/** The attempt fields of a task that was never dispatched. */
export const NOT_YET_DISPATCHED = {
  dispatchCount: 0,
  responseCount: 0,
  executionCount: 0,
  firstAttempt: null,
  lastAttempt: null,
  previousResponse: null,
  retryReason: null,
  dispatching: false,
} as const satisfies Partial<TaskRecord>;

export const DEFAULT_DISPATCH_DEADLINE_MS = 10 * 60_000;
const MIN_DEADLINE_MS = 15_000;
const MAX_DEADLINE_MS = 30 * 60_000;
const MAX_SCHEDULE_AHEAD_MS = 30 * 24 * 3600_000;
const MAX_URL = 2083;
const MAX_HEADER_BYTES = 80 * 1024;
const MAX_TASK_BYTES = 1024 * 1024;

export type TaskMessage = {
  name?: string;
  httpRequest?: {
    url?: string;
    httpMethod?: string;
    headers?: Record<string, string>;
    body?: Buffer | Uint8Array;
    oidcToken?: { serviceAccountEmail?: string; audience?: string } | null;
    oauthToken?: unknown;
  } | null;
  appEngineHttpRequest?: unknown;
  scheduleTime?: ProtoTimestamp | null;
  dispatchDeadline?: ProtoDuration | null;
};

/** The parts of a new task that come from the CreateTask request. */
export type NewTask = Pick<TaskRecord, 'http' | 'scheduleTimeMs' | 'dispatchDeadlineMs'>;

export function newTaskFromMessage(t: TaskMessage, nowMs: number): NewTask {
  if (t.appEngineHttpRequest) throw unimplemented('task.app_engine_http_request: App Engine tasks are not supported by this emulator; use http_request');
  const h = t.httpRequest;
  if (!h) throw invalidArgument('task.http_request is required (the emulator dispatches HTTP target tasks only)');
  const url = h.url ?? '';
  if (!/^https?:\/\//i.test(url)) throw invalidArgument(`task.http_request.url "${url}" must begin with http:// or https://`);
  try {
    new URL(url);
  } catch {
    throw invalidArgument(`task.http_request.url "${url}" is not a valid URL`);
  }
  if (url.length > MAX_URL) throw invalidArgument(`task.http_request.url is ${url.length} characters; the maximum is ${MAX_URL}`);
  const method = (h.httpMethod && h.httpMethod !== 'HTTP_METHOD_UNSPECIFIED' ? h.httpMethod : 'POST') as HttpMethod;
  if (!HTTP_METHODS.includes(method)) throw invalidArgument(`task.http_request.http_method "${String(h.httpMethod)}" is not one of ${HTTP_METHODS.join(', ')}`);
  const body = h.body && h.body.length ? Buffer.from(h.body) : null;
  if (body && !['POST', 'PUT', 'PATCH'].includes(method)) {
    throw invalidArgument(`task.http_request.body is only allowed with POST, PUT or PATCH, not ${method}`);
  }
  const headers = { ...(h.headers ?? {}) };
  const headerBytes = Object.entries(headers).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v) + 4, 0);
  if (headerBytes >= MAX_HEADER_BYTES) throw invalidArgument(`task.http_request.headers total ${headerBytes} bytes; they must be under 80 KB`);
  for (const [k, v] of Object.entries(headers)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(k)) throw invalidArgument(`task.http_request.headers: "${k}" is not a valid header name`);
    if (/[\r\n\0]/.test(v)) throw invalidArgument(`task.http_request.headers["${k}"] contains a line break or NUL`);
  }
  if (h.oauthToken) throw unimplemented('task.http_request.oauth_token is not supported by this emulator; use oidc_token');
  let oidc: HttpTarget['oidc'] = null;
  if (h.oidcToken) {
    const email = h.oidcToken.serviceAccountEmail ?? '';
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) {
      throw invalidArgument(`task.http_request.oidc_token.service_account_email "${email}" must be a service account e-mail`);
    }
    oidc = { serviceAccountEmail: email, audience: h.oidcToken.audience ?? '' };
  }
  const size = url.length + headerBytes + (body?.length ?? 0);
  if (size > MAX_TASK_BYTES) throw invalidArgument(`task is ${size} bytes; the maximum task size is 1 MB (pass large data by reference)`);

  // proto3 cannot tell an explicit zero from unset; Google reads both as "now" / "default".
  const requested = timestampToMs('task.schedule_time', t.scheduleTime);
  const scheduleTimeMs = requested && requested > 0 ? requested : nowMs;
  if (scheduleTimeMs > nowMs + MAX_SCHEDULE_AHEAD_MS) throw invalidArgument('task.schedule_time must be at most 30 days in the future');
  const deadline = durationToMs('task.dispatch_deadline', t.dispatchDeadline) || undefined;
  if (deadline !== undefined && (deadline < MIN_DEADLINE_MS || deadline > MAX_DEADLINE_MS)) {
    throw invalidArgument(`task.dispatch_deadline must be between 15 s and 30 min for HTTP tasks (got ${deadline / 1000} s)`);
  }
  return {
    http: { url, method, headers, body, oidc },
    scheduleTimeMs,
    dispatchDeadlineMs: deadline ?? DEFAULT_DISPATCH_DEADLINE_MS,
  };
}

function attemptToMessage(a: AttemptRecord | null, onlyDispatchTime: boolean): Record<string, unknown> | undefined {
  if (!a) return undefined;
  if (onlyDispatchTime) return a.dispatchTimeMs === null ? {} : { dispatchTime: msToTimestamp(a.dispatchTimeMs) };
  return {
    scheduleTime: msToTimestamp(a.scheduleTimeMs),
    ...(a.dispatchTimeMs !== null ? { dispatchTime: msToTimestamp(a.dispatchTimeMs) } : {}),
    ...(a.responseTimeMs !== null ? { responseTime: msToTimestamp(a.responseTimeMs) } : {}),
    ...(a.status ? { responseStatus: a.status } : {}),
  };
}

export type View = 'BASIC' | 'FULL';

export function viewOf(requested: unknown): View {
  return requested === 'FULL' ? 'FULL' : 'BASIC';
}

export function taskToMessage(t: TaskRecord, view: View): Record<string, unknown> {
  const { http } = t;
  return {
    name: t.name,
    httpRequest: {
      url: http.url,
      httpMethod: http.method,
      headers: http.headers,
      ...(view === 'FULL' && http.body ? { body: http.body } : {}),
      ...(http.oidc ? { oidcToken: http.oidc } : {}),
    },
    scheduleTime: msToTimestamp(t.scheduleTimeMs),
    // Google truncates create_time to the second.
    createTime: msToTimestamp(Math.floor(t.createTimeMs / 1000) * 1000),
    dispatchDeadline: msToDuration(t.dispatchDeadlineMs),
    dispatchCount: t.dispatchCount,
    responseCount: t.responseCount,
    firstAttempt: attemptToMessage(t.firstAttempt, true),
    lastAttempt: attemptToMessage(t.lastAttempt, false),
    view,
  };
}
