/**
 * Live updates for the console page over Server-Sent Events (`GET /console/api/events`).
 *
 * Two sources, one stream:
 * - `sandbox` events: every 'change' {api, kind, id} the Workspace sandbox emits (a Chat message
 *   patched, a sheet written…), forwarded as they happen; the page re-reads what it shows.
 * - `job` events: the service has no push, so while at least one page is connected the feed
 *   lists each console user's recent jobs about once a second and sends every job whose status,
 *   attempts, progress or update time changed since the last look. Polls never overlap, and
 *   nothing is polled while no page is open.
 *
 * A comment line every 15 s keeps idle connections open through proxies.
 */
import type { EventEmitter } from 'node:events';
import type { Request, Response } from 'express';
import type { ServiceJobsClient } from './serviceJobsClient.js';

type SandboxChange = { api: string; kind: string; id: string };
type JobLike = { id: string; status: string; attempts?: number; updatedAt?: string; progress?: { done: number; total: number; label: string } };

export class LiveFeed {
  private readonly clients = new Set<Response>();
  private readonly seen = new Map<string, string>();
  private pollTimer: NodeJS.Timeout | undefined;
  private readonly keepAlive: NodeJS.Timeout;
  private polling = false;
  private closed = false;
  private readonly onChange = (change: SandboxChange) => this.broadcast('sandbox', change);

  constructor(
    private readonly opts: {
      events?: EventEmitter;
      jobs: ServiceJobsClient;
      users: readonly string[];
      pollMs?: number;
    },
  ) {
    opts.events?.on('change', this.onChange);
    this.keepAlive = setInterval(() => this.write(': keep-alive\n\n'), 15_000);
    this.keepAlive.unref();
  }

  /** Serves one page's event stream until it disconnects. */
  attach(req: Request, res: Response): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    res.write(`event: hello\ndata: ${JSON.stringify({ at: new Date().toISOString() })}\n\n`);
    this.clients.add(res);
    req.on('close', () => {
      this.clients.delete(res);
      if (this.clients.size === 0) this.stopPolling();
    });
    this.startPolling();
  }

  /** Ends every stream and stops listening; the router's owner calls this on shutdown. */
  close(): void {
    this.closed = true;
    this.opts.events?.off('change', this.onChange);
    clearInterval(this.keepAlive);
    this.stopPolling();
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  /** Sends a job the console itself just changed, without waiting for the next poll. */
  noteJob(job: JobLike): void {
    this.seen.set(job.id, signature(job));
    this.broadcast('job', job);
  }

  private startPolling(): void {
    if (this.pollTimer || this.closed) return;
    const tick = async () => {
      if (this.polling) return;
      this.polling = true;
      try {
        await this.pollOnce();
      } finally {
        this.polling = false;
      }
    };
    void tick();
    this.pollTimer = setInterval(() => void tick(), this.opts.pollMs ?? 1000);
    this.pollTimer.unref();
  }

  private stopPolling(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }

  private async pollOnce(): Promise<void> {
    const answers = await Promise.all(this.opts.users.map((u) => this.opts.jobs.list(u, 50).catch(() => null)));
    if (this.closed) return;
    for (const answer of answers) {
      const jobs = (answer?.status === 200 ? (answer.body as { jobs?: JobLike[] }).jobs : undefined) ?? [];
      for (const job of jobs) {
        const sig = signature(job);
        if (this.seen.get(job.id) === sig) continue;
        this.seen.set(job.id, sig);
        this.broadcast('job', job);
      }
    }
  }

  private broadcast(event: string, data: unknown): void {
    this.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private write(chunk: string): void {
    for (const res of this.clients) res.write(chunk);
  }
}

function signature(job: JobLike): string {
  const p = job.progress;
  return [job.status, job.attempts ?? '', job.updatedAt ?? '', p ? `${p.done}/${p.total}/${p.label}` : ''].join('|');
}
