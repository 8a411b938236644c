/**
 * Per-request logging: a child logger on `res.locals.log` carrying the trace from
 * X-Cloud-Trace-Context (so every line of a request groups under its trace in Cloud Logging),
 * and one line per finished request with Cloud Logging's `httpRequest` fields.
 */
import type { RequestHandler } from 'express';
import { traceFields, type Logger } from '../logger.js';

export function requestLog(log: Logger, project: string): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const trace = traceFields(req.get('x-cloud-trace-context'), project);
    // A child logger only when there is a trace to carry: requests are hot, children are not free.
    const child = 'logging.googleapis.com/trace' in trace ? log.child(trace) : log;
    res.locals.log = child;
    res.on('finish', () => {
      const level = res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info';
      if (!child.isLevelEnabled(level)) return;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      child[level](
        {
          httpRequest: {
            requestMethod: req.method,
            requestUrl: req.originalUrl,
            status: res.statusCode,
            latency: `${seconds.toFixed(6)}s`,
            userAgent: req.get('user-agent'),
            remoteIp: req.socket.remoteAddress,
          },
        },
        `${req.method} ${req.path} ${res.statusCode}`,
      );
    });
    next();
  };
}

/** The request's logger (falls back to the app logger outside a request). */
export function requestLogger(locals: Record<string, unknown>, fallback: Logger): Logger {
  return (locals.log as Logger | undefined) ?? fallback;
}
