/**
 * POST /tasks/run, one Cloud Tasks delivery (the invoker's OIDC token; the body is the
 * TaskPayload `{jobId, generation}`; the worker decides the answer: service/worker/worker.ts).
 *
 * Served on Node's own request and response, not through Express: it is the hottest route
 * (every delivery of every job), and Express's router walk, JSON body parser and response helpers
 * were a fifth of the service CPU a W1 job costs (bench/w1.ts). The contract is every other
 * route's: the request log line (requestLog.ts), errors as `{error:{code,message}}` mapped by the
 * same errorAnswer (httpErrors.ts), a body of at most BODY_LIMIT_BYTES of JSON. The token is
 * checked before the body is read or parsed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TaskPayload } from '../../shared/api.js';
import { invokerCheck } from '../auth/middleware.js';
import type { AppDeps } from '../deps.js';
import type { Logger } from '../logger.js';
import { deliveryFrom } from '../worker/delivery.js';
import type { Worker } from '../worker/worker.js';
import { errorAnswer, HttpError } from './httpErrors.js';
import { logRequest } from './requestLog.js';

/** The same limit as the Express routes' JSON parser (app.ts BODY_LIMIT = 100 kB). */
export const BODY_LIMIT_BYTES = 100 * 1024;

export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** True for the requests taskRunRoute serves. */
export function isTaskRun(req: IncomingMessage): boolean {
  if (req.method !== 'POST' || !req.url) return false;
  return req.url === '/tasks/run' || req.url.startsWith('/tasks/run?');
}

export function taskRunRoute(deps: AppDeps, worker: Worker): NodeHandler {
  const checkInvoker = invokerCheck(deps.config, deps.trust);
  return (req, res) => {
    const log = logRequest(deps.log, deps.config.project, req, res);
    serve(req, res, log).catch((err: unknown) => {
      const answer = errorAnswer(err, log, req.method, '/tasks/run');
      // A refused request whose body was not read to the end (no token, too large) closes its
      // connection rather than draining the rest.
      const unread = !req.complete;
      if (res.headersSent) res.end();
      else send(res, answer.status, { error: answer.body }, unread ? { ...answer.headers, connection: 'close' } : answer.headers);
      if (unread) res.once('finish', () => req.destroy());
    });
  };

  async function serve(req: IncomingMessage, res: ServerResponse, log: Logger): Promise<void> {
    await checkInvoker(req.headers.authorization);
    const payload = TaskPayload.safeParse(await readJson(req));
    if (!payload.success) throw HttpError.invalid(payload.error, 'task payload');
    const outcome = await worker.handle(payload.data, deliveryFrom(req.headers), log);
    send(res, outcome.status, outcome.body, outcome.headers);
  }
}

/** The body as JSON (Content-Type application/json or +json), at most BODY_LIMIT_BYTES. */
function readJson(req: IncomingMessage): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase();
  if (type !== 'application/json' && !type.endsWith('+json')) {
    return Promise.reject(new HttpError(400, 'invalid_request', 'the body must be JSON sent with Content-Type: application/json'));
  }
  const declared = Number(req.headers['content-length']);
  if (declared > BODY_LIMIT_BYTES) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT_BYTES) {
        req.removeAllListeners('data');
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8');
      if (text.trim() === '') return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new HttpError(400, 'invalid_json', 'the body is not valid JSON'));
      }
    });
  });
}

function tooLarge(): HttpError {
  return new HttpError(413, 'body_too_large', `the body is larger than the ${BODY_LIMIT_BYTES} byte limit`);
}

function send(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}
