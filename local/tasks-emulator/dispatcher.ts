/**
 * Dispatches due tasks of RUNNING queues as HTTP requests, the way Cloud Tasks does:
 *  - per queue, a token bucket (maxDispatchesPerSecond, burst = Queue.rate_limits.max_burst_size)
 *    and a cap on attempts in flight (maxConcurrentDispatches);
 *  - Cloud Tasks' request headers, an OIDC token from the local issuer when the task asks for one
 *    (reused per audience and account until near expiry, see oidcTokens.ts);
 *  - success = any 2xx → the task is removed and its name tombstoned for the dedupe window;
 *    otherwise the queue's retry schedule (Retry-After honoured on 429/503, never shorter than
 *    the backoff), and after the last allowed attempt the task is dropped (tombstoned).
 *
 * No polling: one timer is armed for the earliest moment something can happen (the earliest
 * schedule time of a waiting task, or the next rate-limit token), and every event that can make
 * work possible (new task, resume, update, attempt finished) calls kick().
 *
 * `timeScale` multiplies every relative wait (backoff, Retry-After, dispatch deadline, retry
 * duration) so a test can run a realistic schedule quickly; absolute schedule times are kept.
 */
import type { Logger } from '../../service/logger.js';
import type { LocalIssuer } from '../issuer.js';
import { exhausted, parseRetryAfterMs, retryDelayMs } from './backoff.js';
import { describeResult, HttpAttempts, type AttemptResult } from './httpAttempt.js';
import { shortId } from './names.js';
import { OidcTokens } from './oidcTokens.js';
import { burstSize, type QueueRecord } from './queueSettings.js';
import { TokenBucket } from './rateLimiter.js';
import type { StateStore } from './stateStore.js';
import type { TaskRecord } from './taskRecord.js';

export type DispatcherOptions = {
  store: StateStore;
  issuer: LocalIssuer;
  logger: Logger;
  dedupeWindowMs: number;
  timeScale: number;
};

type QueueRuntime = { inFlight: number; bucket: TokenBucket; rate: number; burst: number };
type InFlight = { controller: AbortController; done: Promise<void> };

/** Headers the caller cannot set (computed by Cloud Tasks or reserved for Google). */
const RESERVED = /^(host|content-length|user-agent|x-google-.*|x-appengine-.*|x-cloudtasks-.*)$/i;
/** Longest single timer; a later wake-up is re-armed when this one fires. */
const MAX_TIMER_MS = 3_600_000;

export class Dispatcher {
  private readonly runtimes = new Map<string, QueueRuntime>();
  private readonly inFlight = new Map<string, InFlight>();
  private readonly http = new HttpAttempts();
  private readonly tokens: OidcTokens;
  private timer: NodeJS.Timeout | undefined;
  private pumpQueued = false;
  private stopping = false;

  constructor(private readonly o: DispatcherOptions) {
    this.tokens = new OidcTokens(o.issuer);
  }

  /** Something changed: look for work soon (coalesced into one pass per tick). */
  kick(): void {
    if (this.pumpQueued || this.stopping) return;
    this.pumpQueued = true;
    setImmediate(() => {
      this.pumpQueued = false;
      if (!this.stopping) this.pump();
    });
  }

  isInFlight(taskName: string): boolean {
    return this.inFlight.has(taskName);
  }

  /**
   * RunTask: dispatch now regardless of schedule, pause and rate limits. Returns the task as
   * dispatched (before the response), or undefined if it vanished meanwhile.
   */
  runNow(queue: QueueRecord, task: TaskRecord): TaskRecord | undefined {
    return this.dispatch(queue, task, Date.now(), true);
  }

  private pump(): void {
    const now = Date.now();
    let wake = Infinity;
    for (const queue of this.o.store.allQueues()) {
      if (queue.state !== 'RUNNING') continue;
      const rt = this.runtime(queue, now);
      const room = queue.settings.rate.maxConcurrentDispatches - rt.inFlight;
      if (room <= 0) continue; // an attempt finishing kicks again
      const due = this.o.store.dueTasks(queue.name, now, room);
      let tokenBlocked = false;
      for (const task of due) {
        if (!rt.bucket.tryTake(now)) {
          tokenBlocked = true;
          wake = Math.min(wake, now + rt.bucket.msUntilToken(now));
          break;
        }
        this.dispatch(queue, task, now, false);
      }
      if (!tokenBlocked && due.length < room) {
        const next = this.o.store.nextScheduleTime(queue.name);
        if (next !== undefined) wake = Math.min(wake, next);
      }
    }
    this.arm(wake, now);
  }

  private arm(wake: number, now: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (wake === Infinity) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(1, Math.ceil(wake - now)));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.kick();
    }, delay);
    this.timer.unref();
  }

  private runtime(queue: QueueRecord, now: number): QueueRuntime {
    const rate = queue.settings.rate.maxDispatchesPerSecond;
    const burst = burstSize(queue.settings.rate);
    let rt = this.runtimes.get(queue.name);
    if (!rt) {
      rt = { inFlight: 0, bucket: new TokenBucket(rate, burst, now), rate, burst };
      this.runtimes.set(queue.name, rt);
    } else if (rt.rate !== rate || rt.burst !== burst) {
      rt.bucket.reconfigure(rate, burst, now);
      rt.rate = rate;
      rt.burst = burst;
    }
    return rt;
  }

  private dispatch(queue: QueueRecord, task: TaskRecord, now: number, forced: boolean): TaskRecord | undefined {
    const started = this.o.store.startAttempt(task.name, task.seq, {
      scheduleTimeMs: forced ? now : task.scheduleTimeMs,
      dispatchTimeMs: now,
      responseTimeMs: null,
      status: null,
    });
    if (!started) return undefined;
    const rt = this.runtime(queue, now);
    rt.inFlight += 1;
    const controller = new AbortController();
    const done = this.attempt(queue, started, controller.signal)
      .catch((err: unknown) => this.o.logger.error({ err, task: task.name }, 'tasks-emulator: attempt bookkeeping failed'))
      .finally(() => {
        rt.inFlight -= 1;
        this.inFlight.delete(task.name);
        this.kick();
      });
    this.inFlight.set(task.name, { controller, done });
    return started;
  }

  private async attempt(queue: QueueRecord, task: TaskRecord, signal: AbortSignal): Promise<void> {
    const { timeScale, logger } = this.o;
    let result: AttemptResult;
    try {
      const headers = await this.headers(queue, task);
      result = await this.http.send({
        url: task.http.url,
        method: task.http.method,
        headers,
        body: task.http.body,
        deadlineMs: task.dispatchDeadlineMs * timeScale,
        signal,
      });
    } catch (err) {
      result = { kind: 'error', message: err instanceof Error ? err.message : String(err) };
    }
    // Shut down mid-attempt: leave the task pending; the next start dispatches it again.
    if (result.kind === 'aborted') return;

    const now = Date.now();
    const log = { task: task.name, attempt: task.dispatchCount };
    const { status, retryReason } = describeResult(result);
    if (result.kind === 'response' && result.status >= 200 && result.status < 300) {
      this.o.store.finishTask(task.name, task.seq, now + this.o.dedupeWindowMs);
      logger.debug({ ...log, status: result.status }, 'tasks-emulator: task succeeded');
      return;
    }
    const current = this.o.store.getQueue(queue.name);
    if (!current) return; // queue deleted meanwhile: its tasks went with it
    const retry = current.settings.retry;
    const scaled = { ...retry, minBackoffMs: retry.minBackoffMs * timeScale, maxBackoffMs: retry.maxBackoffMs * timeScale, maxRetryDurationMs: retry.maxRetryDurationMs * timeScale };
    const firstDispatch = task.firstAttempt?.dispatchTimeMs ?? now;
    const lastAttempt = { ...task.lastAttempt!, responseTimeMs: result.kind === 'response' ? now : null, status };
    if (exhausted(task.dispatchCount, now - firstDispatch, scaled)) {
      this.o.store.finishTask(task.name, task.seq, now + this.o.dedupeWindowMs);
      logger.warn({ ...log, reason: retryReason }, 'tasks-emulator: task dropped after its last attempt');
      return;
    }
    let delay = retryDelayMs(task.dispatchCount - 1, scaled);
    if (result.kind === 'response' && (result.status === 429 || result.status === 503)) {
      const after = parseRetryAfterMs(result.retryAfter, now);
      if (after !== undefined) delay = Math.max(delay, after * timeScale);
    }
    const responded = result.kind === 'response';
    const httpStatus = result.kind === 'response' ? result.status : null;
    this.o.store.scheduleRetry(task.name, task.seq, {
      scheduleTimeMs: now + delay,
      responseCount: task.responseCount + (responded ? 1 : 0),
      executionCount: task.executionCount + (httpStatus !== null && httpStatus < 500 ? 1 : 0),
      lastAttempt,
      previousResponse: httpStatus,
      retryReason,
    });
    logger.info({ ...log, reason: retryReason, retryInMs: Math.round(delay) }, 'tasks-emulator: attempt failed, retry scheduled');
  }

  private async headers(queue: QueueRecord, task: TaskRecord): Promise<Record<string, string>> {
    const h: Record<string, string> = {};
    for (const [k, v] of Object.entries(task.http.headers)) {
      if (RESERVED.test(k)) continue;
      if (task.http.oidc && k.toLowerCase() === 'authorization') continue;
      h[k] = v;
    }
    h['User-Agent'] = 'Google-Cloud-Tasks';
    h['X-CloudTasks-QueueName'] = shortId(queue.name);
    h['X-CloudTasks-TaskName'] = shortId(task.name);
    h['X-CloudTasks-TaskRetryCount'] = String(task.dispatchCount - 1);
    h['X-CloudTasks-TaskExecutionCount'] = String(task.executionCount);
    h['X-CloudTasks-TaskETA'] = (task.scheduleTimeMs / 1000).toFixed(6);
    if (task.previousResponse !== null) h['X-CloudTasks-TaskPreviousResponse'] = String(task.previousResponse);
    if (task.retryReason) h['X-CloudTasks-TaskRetryReason'] = task.retryReason;
    if (task.http.oidc) {
      const token = await this.tokens.get(task.http.oidc.audience || task.http.url, task.http.oidc.serviceAccountEmail);
      h['Authorization'] = `Bearer ${token}`;
    }
    return h;
  }

  /**
   * Stops dispatching, lets attempts in flight finish for up to `graceMs`, then aborts the rest
   * (they stay pending and are dispatched again on the next start).
   */
  async close(graceMs: number): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const all = () => Promise.all([...this.inFlight.values()].map((f) => f.done));
    let graceTimer: NodeJS.Timeout | undefined;
    await Promise.race([all(), new Promise((r) => (graceTimer = setTimeout(r, graceMs)))]);
    clearTimeout(graceTimer);
    for (const f of this.inFlight.values()) f.controller.abort();
    await all();
    this.http.close();
  }
}
