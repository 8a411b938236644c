/**
 * Per-request logging: a child logger carrying the trace from X-Cloud-Trace-Context (so every
 * line of a request groups under its trace in Cloud Logging), and one line per finished request
 * with Cloud Logging's `httpRequest` fields.
 *
 * `logRequest` works on Node's own request and response, so the Express routes (through the
 * `requestLog` middleware, which puts the logger on `res.locals.log`) and the plain-Node delivery
 * route (taskRun.ts) log the same line.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { traceFields, type Logger } from '../logger.js';

/** Starts the request's log: returns its logger and writes the line when the answer is sent. */
export function logRequest(log: Logger, project: string, req: IncomingMessage & { originalUrl?: string }, res: ServerResponse): Logger {
  const started = process.hrtime.bigint();
  const header = req.headers['x-cloud-trace-context'];
  const trace = traceFields(Array.isArray(header) ? header[0] : header, project);
  // A child logger only when there is a trace to carry: requests are hot, children are not free.
  const child = 'logging.googleapis.com/trace' in trace ? log.child(trace) : log;
  res.on('finish', () => {
    const level = res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info';
    if (!child.isLevelEnabled(level)) return;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const url = req.originalUrl ?? req.url ?? '';
    const query = url.indexOf('?');
    child[level](
      {
        httpRequest: {
          requestMethod: req.method,
          requestUrl: url,
          status: res.statusCode,
          latency: `${seconds.toFixed(6)}s`,
          userAgent: req.headers['user-agent'],
          remoteIp: req.socket.remoteAddress,
        },
      },
      `${req.method} ${query < 0 ? url : url.slice(0, query)} ${res.statusCode}`,
    );
  });
  return child;
}

export function requestLog(log: Logger, project: string): RequestHandler {
  return (req, res, next) => {
    res.locals.log = logRequest(log, project, req, res);
    next();
  };
}

/** The request's logger (falls back to the app logger outside a request). */
export function requestLogger(locals: Record<string, unknown>, fallback: Logger): Logger {
  return (locals.log as Logger | undefined) ?? fallback;
}
