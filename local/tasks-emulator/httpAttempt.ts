/**
 * One dispatch attempt: a real HTTP(S) request to the task's URL that must be answered (status
 * and body) before the dispatch deadline, or it is aborted and reported as DEADLINE_EXCEEDED.
 * The response body is read and discarded; Cloud Tasks keeps only the status.
 * Redirects are not followed (Google may follow them); a 3xx counts as a failed attempt.
 */
import http from 'node:http';
import https from 'node:https';

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
  /** Aborts the attempt from outside (emulator shutdown). */
  signal: AbortSignal;
};

/** Keep-alive agents shared by all attempts: reusing connections keeps dispatch cheap. */
export class HttpAttempts {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 256 });

  send(a: AttemptRequest): Promise<AttemptResult> {
    if (a.signal.aborted) return Promise.resolve({ kind: 'aborted' });
    return new Promise((resolve) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = (r: AttemptResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        a.signal.removeEventListener('abort', onAbort);
        resolve(r);
      };
      const target = new URL(a.url);
      const isHttps = target.protocol === 'https:';
      const headers: Record<string, string> = { ...a.headers };
      if (a.body) headers['Content-Length'] = String(a.body.length);
      const req = (isHttps ? https : http).request(target, {
        method: a.method,
        headers,
        agent: isHttps ? this.httpsAgent : this.httpAgent,
      });
      timer = setTimeout(() => {
        finish({ kind: 'deadline' });
        req.destroy();
      }, a.deadlineMs);
      const onAbort = () => {
        finish({ kind: 'aborted' });
        req.destroy();
      };
      a.signal.addEventListener('abort', onAbort, { once: true });
      req.on('error', (err) => finish({ kind: 'error', message: err.message }));
      req.on('response', (res) => {
        res.on('error', (err) => finish({ kind: 'error', message: err.message }));
        res.on('end', () => {
          const retryAfter = res.headers['retry-after'];
          finish({ kind: 'response', status: res.statusCode ?? 0, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter });
        });
        res.resume();
      });
      req.end(a.body ?? undefined);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
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
