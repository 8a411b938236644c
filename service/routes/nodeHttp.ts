/**
 * The pieces of HTTP the routes served on Node's own request and response share (taskRun.ts,
 * enqueueRoute.ts: the two hot routes, kept out of Express): a JSON body read within the same
 * 100 kB limit as Express's parser, a JSON answer in one write, the same error answers
 * (httpErrors.ts errorAnswer) and the same request log line (requestLog.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';
import { errorAnswer, HttpError } from './httpErrors.js';
import { logRequest } from './requestLog.js';

/** Every JSON body's limit, on these routes and on the Express routes' parser (app.ts). */
export const BODY_LIMIT_BYTES = 100 * 1024;

export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** The route's answer: a status, a JSON body and headers. */
export type Answer = { status: number; body: unknown; headers?: Record<string, string> };

/** True when the request is `method path` (a query string allowed). */
export function isRequest(req: IncomingMessage, method: string, path: string): boolean {
  if (req.method !== method || !req.url) return false;
  return req.url === path || (req.url.startsWith(path) && req.url.charCodeAt(path.length) === 63 /* ? */);
}

/**
 * A route on Node's request and response: logs the request line, runs `serve`, sends its answer
 * or the error's. A refused request whose body was not read to the end (no token, too large)
 * closes its connection rather than draining the rest.
 */
export function nodeRoute(log: Logger, project: string, path: string, serve: (req: IncomingMessage, log: Logger) => Promise<Answer>): NodeHandler {
  return (req, res) => {
    const requestLog = logRequest(log, project, req, res);
    serve(req, requestLog).then(
      (answer) => sendJson(res, answer.status, answer.body, answer.headers),
      (err: unknown) => {
        const answer = errorAnswer(err, requestLog, req.method, path);
        const unread = !req.complete;
        if (res.headersSent) res.end();
        else sendJson(res, answer.status, { error: answer.body }, unread ? { ...answer.headers, connection: 'close' } : answer.headers);
        if (unread) res.once('finish', () => req.destroy());
      },
    );
  };
}

/** The body as JSON (Content-Type application/json or +json), at most BODY_LIMIT_BYTES; undefined when empty. */
export function readJson(req: IncomingMessage): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase();
  if (type !== 'application/json' && !type.endsWith('+json')) {
    return Promise.reject(notJsonObject());
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

/** The answer to a body that is not a JSON object (the same words the Express routes use). */
export function notJsonObject(): HttpError {
  return new HttpError(400, 'invalid_request', 'the body must be a JSON object sent with Content-Type: application/json', [{ path: '(body)', message: 'expected a JSON object' }]);
}

function tooLarge(): HttpError {
  return new HttpError(413, 'body_too_large', `the body is larger than the ${BODY_LIMIT_BYTES} byte limit`);
}

/** One header: the first value of a repeated one. */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}
