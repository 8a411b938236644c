/**
 * One dispatch attempt: a real HTTP(S) request to the task's URL that must be answered (status
 * and body) before the dispatch deadline, or it is aborted and reported as DEADLINE_EXCEEDED.
 * The response body is read and discarded; Cloud Tasks keeps only the status.
 * Redirects are not followed (Google may follow them); a 3xx counts as a failed attempt.
 * Requests go out through Http1Client (kept-alive connections, see http1Client.ts).
 */
import http from 'node:http';
import { Http1Client } from './http1Client.js';

export type AttemptResult =
  | { kind: 'response'; status: number; retryAfter: string | undefined }
  | { kind: 'deadline' }
  | { kind: 'aborted' }
  | { kind: 'error'; message: string };

export type AttemptRequest = {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: Buffer | null;
  deadlineMs: number;
};

/** An attempt under way: its result, and a way to abort it from outside (emulator shutdown). */
export type RunningAttempt = { result: Promise<AttemptResult>; abort(): void };

export class HttpAttempts {
  private readonly client = new Http1Client(256);

  send(a: AttemptRequest): RunningAttempt {
    let finish!: (r: AttemptResult) => void;
    const result = new Promise<AttemptResult>((resolve) => (finish = resolve));
    let settled = false;
    const settle = (r: AttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      cancel();
      finish(r);
    };
    const cancel = this.client.request(a, (err, res) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      finish(err ? { kind: 'error', message: err.message } : { kind: 'response', status: res!.status, retryAfter: res!.headers['retry-after'] });
    });
    const timer = setTimeout(() => settle({ kind: 'deadline' }), a.deadlineMs);
    return { result, abort: () => settle({ kind: 'aborted' }) };
  }

  close(): void {
    this.client.close();
  }
}

const HTTP_TO_RPC: Record<number, number> = {
  400: 3, 401: 16, 403: 7, 404: 5, 409: 10, 412: 9, 429: 8, 499: 1, 500: 13, 501: 12, 503: 14, 504: 4,
};

/**
 * The attempt as Cloud Tasks reports it: a google.rpc.Status for Task.last_attempt and the
 * retry reason sent in X-CloudTasks-TaskRetryReason on the next attempt (emulator wording).
 */
export function describeResult(r: AttemptResult): { status: { code: number; message: string }; retryReason: string } {
  switch (r.kind) {
    case 'response': {
      const code = r.status >= 200 && r.status < 300 ? 0 : (HTTP_TO_RPC[r.status] ?? (r.status >= 500 ? 13 : r.status >= 400 ? 9 : 2));
      const text = http.STATUS_CODES[r.status] ?? 'Unknown';
      return { status: { code, message: `HTTP status code ${r.status} (${text})` }, retryReason: `HTTP ${r.status} ${text}` };
    }
    case 'deadline':
      return { status: { code: 4, message: 'DEADLINE_EXCEEDED: no response before the dispatch deadline' }, retryReason: 'DEADLINE_EXCEEDED' };
    case 'aborted':
      return { status: { code: 1, message: 'CANCELLED: emulator shut down during the attempt' }, retryReason: 'CANCELLED' };
    case 'error':
      return { status: { code: 14, message: `UNAVAILABLE: ${r.message}` }, retryReason: `UNAVAILABLE: ${r.message}` };
  }
}
