/**
 * The REST transport of the emulator: Cloud Tasks v2's HTTP/JSON mapping (the `google.api.http`
 * rules of google/cloud/tasks/v2/cloudtasks.proto, the same the public endpoint
 * https://cloudtasks.googleapis.com serves), over CloudTasksApi like the gRPC transport. The
 * service's queue adapter (service/queue/cloudTasksQueue.ts) speaks this.
 *
 *   GET    /v2/{parent=projects/x/locations/y}/queues            ListQueues
 *   POST   /v2/{parent}/queues                 (body: Queue)     CreateQueue
 *   GET    /v2/{name=…/queues/q}                                 GetQueue
 *   PATCH  /v2/{queue.name}?updateMask=a,b     (body: Queue)     UpdateQueue
 *   DELETE /v2/{name=…/queues/q}                                 DeleteQueue
 *   POST   /v2/{name=…/queues/q}:purge | :pause | :resume        PurgeQueue, PauseQueue, ResumeQueue
 *   GET    /v2/{parent=…/queues/q}/tasks                         ListTasks
 *   POST   /v2/{parent=…/queues/q}/tasks       (body: {task, responseView})  CreateTask
 *   GET    /v2/{name=…/tasks/t}?responseView=FULL                GetTask
 *   DELETE /v2/{name=…/tasks/t}                                  DeleteTask
 *   POST   /v2/{name=…/tasks/t}:run                              RunTask
 *
 * JSON follows the proto3 JSON mapping: lowerCamel field names, Duration as "3.5s", Timestamp as
 * RFC 3339, bytes as base64, FieldMask paths as lowerCamel in one comma-separated string. Errors
 * are Google's JSON error `{"error":{"code":<HTTP status>,"message","status":"ALREADY_EXISTS"}}`
 * with the HTTP status of the gRPC code (google.rpc.Code's mapping). As over gRPC, a call is
 * answered once its writes are committed, and no credentials are checked.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { status } from '@grpc/grpc-js';
import type { Logger } from '../../service/logger.js';
import { ApiError, invalidArgument } from './apiError.js';
import type { CloudTasksApi } from './cloudTasksApi.js';
import type { WhenDurable } from './grpcServer.js';

/** google.rpc.Code → HTTP status and its name (google/rpc/code.proto). */
const CODES: Record<number, [number, string]> = {
  [status.CANCELLED]: [499, 'CANCELLED'],
  [status.UNKNOWN]: [500, 'UNKNOWN'],
  [status.INVALID_ARGUMENT]: [400, 'INVALID_ARGUMENT'],
  [status.DEADLINE_EXCEEDED]: [504, 'DEADLINE_EXCEEDED'],
  [status.NOT_FOUND]: [404, 'NOT_FOUND'],
  [status.ALREADY_EXISTS]: [409, 'ALREADY_EXISTS'],
  [status.PERMISSION_DENIED]: [403, 'PERMISSION_DENIED'],
  [status.RESOURCE_EXHAUSTED]: [429, 'RESOURCE_EXHAUSTED'],
  [status.FAILED_PRECONDITION]: [400, 'FAILED_PRECONDITION'],
  [status.ABORTED]: [409, 'ABORTED'],
  [status.OUT_OF_RANGE]: [400, 'OUT_OF_RANGE'],
  [status.UNIMPLEMENTED]: [501, 'UNIMPLEMENTED'],
  [status.INTERNAL]: [500, 'INTERNAL'],
  [status.UNAVAILABLE]: [503, 'UNAVAILABLE'],
  [status.DATA_LOSS]: [500, 'DATA_LOSS'],
  [status.UNAUTHENTICATED]: [401, 'UNAUTHENTICATED'],
};

const DURATIONS = new Set(['dispatchDeadline', 'minBackoff', 'maxBackoff', 'maxRetryDuration']);
const TIMESTAMPS = new Set(['scheduleTime', 'createTime', 'dispatchTime', 'responseTime', 'purgeTime']);
const BYTES = new Set(['body']);
const MAX_BODY_BYTES = 2 * 1024 * 1024;

const SEG = '[^/:]+';
const QUEUES = new RegExp(`^/v2/(projects/${SEG}/locations/${SEG})/queues$`);
const QUEUE = new RegExp(`^/v2/(projects/${SEG}/locations/${SEG}/queues/${SEG})(?::(purge|pause|resume))?$`);
const TASKS = new RegExp(`^/v2/(projects/${SEG}/locations/${SEG}/queues/${SEG})/tasks$`);
const TASK = new RegExp(`^/v2/(projects/${SEG}/locations/${SEG}/queues/${SEG}/tasks/${SEG})(?::(run))?$`);

type Call = { method: string; run: (body: Record<string, unknown>, query: URLSearchParams) => unknown };

/** Which RPC a request is, or undefined (404). */
function route(api: CloudTasksApi, verb: string, path: string): Call | undefined {
  const page = (q: URLSearchParams) => ({
    ...(q.get('pageSize') ? { pageSize: Number(q.get('pageSize')) } : {}),
    ...(q.get('pageToken') ? { pageToken: q.get('pageToken')! } : {}),
  });
  const view = (q: URLSearchParams, b: Record<string, unknown> = {}) => {
    const v = q.get('responseView') ?? b.responseView;
    return v ? { responseView: String(v) } : {};
  };
  let m = QUEUES.exec(path);
  if (m) {
    const parent = m[1]!;
    if (verb === 'GET') return { method: 'ListQueues', run: (_b, q) => api.listQueues({ parent, ...page(q), ...(q.get('filter') ? { filter: q.get('filter')! } : {}) }) };
    if (verb === 'POST') return { method: 'CreateQueue', run: (b) => api.createQueue({ parent, queue: fromJson(b) as never }) };
    return undefined;
  }
  m = TASKS.exec(path);
  if (m) {
    const parent = m[1]!;
    if (verb === 'GET') return { method: 'ListTasks', run: (_b, q) => api.listTasks({ parent, ...page(q), ...view(q) }) };
    if (verb === 'POST') return { method: 'CreateTask', run: (b) => api.createTask({ parent, task: fromJson(b.task) as never, ...view(new URLSearchParams(), b) }) };
    return undefined;
  }
  m = TASK.exec(path);
  if (m) {
    const name = m[1]!;
    if (m[2] === 'run') return verb === 'POST' ? { method: 'RunTask', run: (b, q) => api.runTask({ name, ...view(q, b) }) } : undefined;
    if (verb === 'GET') return { method: 'GetTask', run: (_b, q) => api.getTask({ name, ...view(q) }) };
    if (verb === 'DELETE') return { method: 'DeleteTask', run: () => api.deleteTask({ name }) };
    return undefined;
  }
  m = QUEUE.exec(path);
  if (m) {
    const name = m[1]!;
    const action = m[2];
    if (action) {
      if (verb !== 'POST') return undefined;
      if (action === 'purge') return { method: 'PurgeQueue', run: () => api.purgeQueue({ name }) };
      if (action === 'pause') return { method: 'PauseQueue', run: () => api.pauseQueue({ name }) };
      return { method: 'ResumeQueue', run: () => api.resumeQueue({ name }) };
    }
    if (verb === 'GET') return { method: 'GetQueue', run: () => api.getQueue({ name }) };
    if (verb === 'DELETE') return { method: 'DeleteQueue', run: () => api.deleteQueue({ name }) };
    if (verb === 'PATCH') {
      return {
        method: 'UpdateQueue',
        run: (b, q) => {
          const mask = q.get('updateMask');
          return api.updateQueue({ queue: { ...(fromJson(b) as object), name } as never, updateMask: mask ? { paths: mask.split(',').map(snakePath) } : null });
        },
      };
    }
  }
  return undefined;
}

/** The HTTP/1.1 request listener. */
export function restHandler(api: CloudTasksApi, whenDurable: WhenDurable, logger: Logger): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const call = route(api, req.method ?? 'GET', decodeURIComponent(url.pathname));
    if (!call) {
      req.resume();
      sendError(res, status.NOT_FOUND, `no Cloud Tasks v2 method for ${req.method} ${url.pathname}`);
      return;
    }
    readBody(req)
      .then((body) => {
        const response = call.run(body, url.searchParams);
        // Answer only what is committed: an acknowledged CreateTask must survive a crash.
        whenDurable((err) => {
          if (!err) return send(res, 200, toJson(response ?? {}));
          logger.error({ err, method: call.method }, 'tasks-emulator: could not commit');
          sendError(res, status.UNAVAILABLE, `emulator could not save the result of ${call.method}: ${err.message}`);
        });
      })
      .catch((err: unknown) => {
        if (err instanceof ApiError) {
          logger.debug({ method: call.method, code: err.code, message: err.message }, 'tasks-emulator: request rejected');
          sendError(res, err.code, err.message);
        } else {
          logger.error({ err, method: call.method }, 'tasks-emulator: internal error');
          sendError(res, status.INTERNAL, `emulator error in ${call.method}: ${err instanceof Error ? err.message : String(err)}`);
        }
      });
  };
}

function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) return reject(invalidArgument(`the request body is ${size} bytes; the limit is ${MAX_BODY_BYTES}`));
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (!text) return resolve({});
      try {
        const parsed: unknown = JSON.parse(text);
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
        resolve(parsed as Record<string, unknown>);
      } catch {
        reject(invalidArgument('Invalid JSON payload received: the body must be a JSON object'));
      }
    });
  });
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

function sendError(res: ServerResponse, code: number, message: string): void {
  const [http, name] = CODES[code] ?? [500, 'UNKNOWN'];
  send(res, http, { error: { code: http, message, status: name } });
}

/** "rateLimits.maxConcurrentDispatches" → "rate_limits.max_concurrent_dispatches". */
function snakePath(path: string): string {
  return path.trim().replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** proto3 JSON → the message objects CloudTasksApi takes (as @grpc/proto-loader decodes them). */
function fromJson(value: unknown, key = ''): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') {
    if (DURATIONS.has(key)) return parseDuration(key, value);
    if (TIMESTAMPS.has(key)) return parseTimestamp(key, value);
    if (BYTES.has(key)) return Buffer.from(value, 'base64');
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => fromJson(v));
  if (typeof value === 'object') {
    // A map (headers) is names to strings: nothing in it is a Duration, Timestamp or bytes.
    if (key === 'headers') return { ...(value as Record<string, unknown>) };
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, fromJson(v, k)]));
  }
  return value;
}

/** Message objects (Durations and Timestamps as {seconds, nanos}, bytes as Buffers) → proto3 JSON. */
function toJson(value: unknown, key = ''): unknown {
  if (value === null || value === undefined) return undefined;
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (Array.isArray(value)) return value.map((v) => toJson(v));
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (DURATIONS.has(key)) return formatDuration(Number(v.seconds ?? 0), Number(v.nanos ?? 0));
    if (TIMESTAMPS.has(key)) return formatTimestamp(Number(v.seconds ?? 0), Number(v.nanos ?? 0));
    if (key === 'headers') return { ...v };
    const out: Record<string, unknown> = {};
    for (const [k, inner] of Object.entries(v)) {
      const converted = toJson(inner, k);
      if (converted !== undefined) out[k] = converted;
    }
    return out;
  }
  return value;
}

function parseDuration(field: string, text: string): { seconds: number; nanos: number } {
  const m = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/.exec(text);
  if (!m) throw invalidArgument(`Invalid value at '${field}' (type.googleapis.com/google.protobuf.Duration), "${text}": expected seconds with an "s" suffix, e.g. "3.5s"`);
  const sign = m[1] ? -1 : 1;
  return { seconds: sign * Number(m[2]), nanos: sign * Number((m[3] ?? '').padEnd(9, '0')) };
}

function parseTimestamp(field: string, text: string): { seconds: number; nanos: number } {
  const m = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  const ms = m ? Date.parse(text.replace(/\.\d+/, '')) : NaN;
  if (!m || Number.isNaN(ms)) throw invalidArgument(`Invalid value at '${field}' (type.googleapis.com/google.protobuf.Timestamp), "${text}": expected RFC 3339, e.g. "2026-12-03T09:00:00Z"`);
  return { seconds: Math.floor(ms / 1000), nanos: Number((m[2] ?? '').padEnd(9, '0')) };
}

function formatDuration(seconds: number, nanos: number): string {
  const total = seconds + nanos / 1e9;
  return `${Number(total.toFixed(9))}s`;
}

function formatTimestamp(seconds: number, nanos: number): string {
  const iso = new Date(seconds * 1000).toISOString().slice(0, 19);
  if (!nanos) return `${iso}Z`;
  return `${iso}.${String(nanos).padStart(9, '0').replace(/0+$/, '')}Z`;
}
