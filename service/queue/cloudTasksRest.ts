/**
 * A small client for Cloud Tasks v2's REST mapping (https://cloudtasks.googleapis.com/v2/…, the
 * `google.api.http` rules of google/cloud/tasks/v2/cloudtasks.proto): JSON over HTTP/1.1 on one
 * keep-alive agent, with an OAuth access token in production and none against the local emulator
 * (local/tasks-emulator/restServer.ts serves the same mapping).
 *
 * Why not the official CloudTasksClient: it brings google-gax, grpc-js and the protobuf runtime,
 * ~54 MB of the service's resident memory and most of an enqueue's CPU (HTTP/2 framing and proto
 * conversions for one small request), for the four calls tasuki makes (create, get and delete a
 * task, get or create the queue). Measured in bench/enqueueLatency.ts and bench/w1.ts.
 *
 * Errors: Google's JSON error `{"error":{"code","message","status"}}` becomes a CloudTasksError
 * carrying the canonical status name (ALREADY_EXISTS, NOT_FOUND, …). A request that fails before
 * any answer on a reused connection (the server closed it while idle) is sent once more on a new
 * one: every call tasuki makes is idempotent (tasks are named).
 */
import type { Agent as HttpAgent, ClientRequest, IncomingMessage, RequestOptions } from 'node:http';

/** A bearer token for the call, or undefined to send none (the local emulator). */
export type AccessToken = () => Promise<string | undefined>;

export class CloudTasksError extends Error {
  constructor(
    /** Canonical status name, e.g. ALREADY_EXISTS; UNAVAILABLE when the service could not be reached. */
    readonly status: string,
    readonly httpStatus: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CloudTasksError';
  }
}

export type CloudTasksRestOptions = {
  /** https://cloudtasks.googleapis.com, or http://host:port of the emulator. */
  baseUrl: string;
  token: AccessToken;
  /** Loads the token source's code without fetching a token (warm()). */
  preload?: () => Promise<void>;
  /** Per call (Google's client library uses 20 s for CreateTask). */
  timeoutMs?: number;
};

type Transport = { request: (url: URL, options: RequestOptions, cb: (res: IncomingMessage) => void) => ClientRequest; agent: HttpAgent };

export class CloudTasksRest {
  private readonly base: URL;
  private transport: Promise<Transport> | undefined;

  constructor(private readonly opts: CloudTasksRestOptions) {
    this.base = new URL(opts.baseUrl);
  }

  /**
   * `path` starts with /v2/; `body` is sent as JSON. Resolves with the parsed answer; `onSent`
   * is called when the request has been written to the connection (again if it is resent).
   */
  async call<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown, opts: { onSent?: () => void } = {}): Promise<T> {
    const [transport, token] = await Promise.all([this.load(), this.opts.token()]);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const url = new URL(path, this.base);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once<T>(transport, method, url, payload, token, opts.onSent);
      } catch (err) {
        if (attempt === 1 && (err as { reusedSocket?: boolean }).reusedSocket) continue;
        if (err instanceof CloudTasksError) throw err;
        throw new CloudTasksError('UNAVAILABLE', 0, `Cloud Tasks at ${this.base.origin} could not be reached: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
    }
  }

  /**
   * Loads the transport and whatever the token source needs (`preload`), so the first call does
   * not. No token is fetched here: that would reach for the metadata server at start-up, before
   * anything asked for Cloud Tasks.
   */
  async warm(): Promise<void> {
    await Promise.all([this.load(), this.opts.preload?.()]);
  }

  close(): void {
    void this.transport?.then((t) => t.agent.destroy(), () => undefined);
    this.transport = undefined;
  }

  private load(): Promise<Transport> {
    this.transport ??= (async () => {
      const mod = this.base.protocol === 'https:' ? await import('node:https') : await import('node:http');
      return { request: mod.request, agent: new mod.Agent({ keepAlive: true, maxSockets: 64 }) } as Transport;
    })();
    return this.transport;
  }

  private once<T>(transport: Transport, method: string, url: URL, payload: string | undefined, token: string | undefined, onSent?: () => void): Promise<T> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { accept: 'application/json' };
      if (token) headers.authorization = `Bearer ${token}`;
      if (payload !== undefined) {
        headers['content-type'] = 'application/json; charset=utf-8';
        headers['content-length'] = Buffer.byteLength(payload);
      }
      const req = transport.request(url, { method, agent: transport.agent, headers, timeout: this.opts.timeoutMs ?? 20_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text ? JSON.parse(text) : {};
          } catch {
            parsed = undefined;
          }
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 300 && parsed !== undefined) return resolve(parsed as T);
          const error = (parsed as { error?: { status?: unknown; message?: unknown } } | undefined)?.error;
          const status = typeof error?.status === 'string' ? error.status : statusOfHttp(code);
          const message = typeof error?.message === 'string' ? error.message : `HTTP ${code}${text ? `: ${text.slice(0, 200)}` : ''}`;
          reject(new CloudTasksError(status, code, message));
        });
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.opts.timeoutMs ?? 20_000} ms`)));
      // Node's advice for keep-alive: a reset on a reused socket means the server had closed it.
      req.on('error', (err: NodeJS.ErrnoException) => reject(Object.assign(err, { reusedSocket: req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE') })));
      if (onSent) req.once('finish', onSent);
      req.end(payload);
    });
  }
}

/** The canonical status of an HTTP status without a Google error body. */
function statusOfHttp(code: number): string {
  if (code === 400) return 'INVALID_ARGUMENT';
  if (code === 401) return 'UNAUTHENTICATED';
  if (code === 403) return 'PERMISSION_DENIED';
  if (code === 404) return 'NOT_FOUND';
  if (code === 409) return 'ALREADY_EXISTS';
  if (code === 429) return 'RESOURCE_EXHAUSTED';
  if (code === 504) return 'DEADLINE_EXCEEDED';
  return code >= 500 || code === 0 ? 'UNAVAILABLE' : 'UNKNOWN';
}
