/**
 * Logs in Cloud Logging's structured JSON shape: `severity` instead of pino's numeric level,
 * `message` instead of `msg`, and the trace from X-Cloud-Trace-Context as
 * `logging.googleapis.com/trace` so request logs group under their trace in the console.
 */
import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

const SEVERITY: Record<string, string> = {
  trace: 'DEBUG', debug: 'DEBUG', info: 'INFO', warn: 'WARNING', error: 'ERROR', fatal: 'CRITICAL',
};

export function createLogger(opts: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      messageKey: 'message',
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ severity: SEVERITY[label] ?? 'DEFAULT' }),
      },
    },
    opts.destination ?? process.stdout,
  );
}

/** Fields that put a log line under the request's trace (X-Cloud-Trace-Context: TRACE/SPAN;o=1). */
export function traceFields(header: string | undefined, project: string): Record<string, string> {
  if (!header) return {};
  const match = /^([0-9a-fA-F]{32})(?:\/(\d+))?/.exec(header);
  if (!match) return {};
  const fields: Record<string, string> = { 'logging.googleapis.com/trace': `projects/${project}/traces/${match[1]}` };
  if (match[2]) fields['logging.googleapis.com/spanId'] = match[2];
  return fields;
}
