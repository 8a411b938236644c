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
 * No polling and no scans: an event that can make work possible in a queue (new task, resume,
 * update, attempt finished) marks that queue with kick(queue), and the marked queues are served
 * once per event-loop turn, each taking its due tasks from the top of its in-memory heap
 * (StateStore.firstWaiting) while it has room and tokens. A queue that must wait (next schedule
 * time, next rate-limit token) files a wake-up in a heap of wake-ups, and one timer is armed for
 * the earliest of them. The cost of a dispatch therefore does not grow with the number of queues,
 * the backlog or the number of attempts in flight.
 *
 * `timeScale` multiplies every relative wait (backoff, Retry-After, dispatch deadline, retry
 * duration) so a test can run a realistic schedule quickly; absolute schedule times are kept.
 */
import type { Logger } from '../../service/logger.js';
import type { LocalIssuer } from '../issuer.js';
import { exhausted, parseRetryAfterMs, retryDelayMs } from './backoff.js';
import { describeResult, HttpAttempts, type AttemptResult, type RunningAttempt } from './httpAttempt.js';
import { shortId } from './names.js';
import { OidcTokens } from './oidcTokens.js';
import { MinHeap } from './minHeap.js';
import { burstSize, type QueueRecord } from './queueSettings.js';
import { TokenBucket } from './rateLimiter.js';
import type { StateStore } from './stateStore.js';
import type { DueEntry } from './taskIndex.js';
import type { TaskRecord } from './taskRecord.js';

export type DispatcherOptions = {
  store: StateStore;
  issuer: LocalIssuer;
  logger: Logger;
  dedupeWindowMs: number;
  timeScale: number;
};

type QueueRuntime = { inFlight: number; bucket: TokenBucket; rate: number; burst: number; wakeAt: number };
type WakeUp = { at: number; queue: string };
/** An attempt under way; `aborted` once close() gave up on it (before or after its request left). */
type InFlight = { aborted: boolean; request: RunningAttempt | undefined; done: Promise<void> };

/** Headers the caller cannot set (computed by Cloud Tasks or reserved for Google). */
const RESERVED = /^(host|content-length|user-agent|x-google-.*|x-appengine-.*|x-cloudtasks-.*)$/i;
/** Longest single timer; a later wake-up is re-armed when this one fires. */
const MAX_TIMER_MS = 3_600_000;

export class Dispatcher {
  private readonly runtimes = new Map<string, QueueRuntime>();
  private readonly inFlight = new Map<string, InFlight>();
  private readonly http = new HttpAttempts();
  private readonly tokens: OidcTokens;
  /** Queues to serve in the next pass. */
  private readonly marked = new Set<string>();
  /** When each waiting queue wants serving again; entries whose time is no longer the queue's wakeAt are stale. */
  private readonly wakeUps = new MinHeap<WakeUp>((a, b) => a.at < b.at);
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private passQueued = false;
  private stopping = false;

  constructor(private readonly o: DispatcherOptions) {
    this.tokens = new OidcTokens(o.issuer);
  }

  /**
   * Something changed in `queue` (every queue when omitted): serve it soon, coalesced into one
   * pass per event-loop turn.
   */
  kick(queue?: string): void {
    if (this.stopping) return;
    if (queue === undefined) for (const q of this.o.store.queueNames()) this.marked.add(q);
    else this.marked.add(queue);
    this.schedulePass();
  }

  isInFlight(taskName: string): boolean {
    return this.inFlight.has(taskName);
  }

  /**
   * RunTask: dispatch now regardless of schedule, pause and rate limits. Returns the task as
   * dispatched (before the response), or undefined if it vanished meanwhile.
   */
  runNow(queue: QueueRecord, task: TaskRecord): TaskRecord | undefined {
    const now = Date.now();
    return this.dispatch(queue, { name: task.name, seq: task.seq, scheduleTimeMs: now }, now);
  }

  private pass(): void {
    const now = Date.now();
    for (let w = this.wakeUps.peek(); w && w.at <= now; w = this.wakeUps.peek()) {
      this.wakeUps.pop();
      const rt = this.runtimes.get(w.queue);
      if (rt && rt.wakeAt === w.at) {
        rt.wakeAt = Infinity;
        this.marked.add(w.queue);
      }
    }
    const queues = [...this.marked];
    this.marked.clear();
    for (const name of queues) this.serve(name, now);
    this.arm(now);
  }

  /** Dispatches what the queue may dispatch now; files a wake-up if it must wait for time. */
  private serve(name: string, now: number): void {
    const queue = this.o.store.getQueue(name);
    if (!queue || queue.state !== 'RUNNING') return; // resume and update kick it again
    const rt = this.runtime(queue, now);
    let room = queue.settings.rate.maxConcurrentDispatches - rt.inFlight;
    while (room > 0) {
      const next = this.o.store.firstWaiting(name);
      if (!next) return; // a new task kicks the queue
      if (next.scheduleTimeMs > now) return this.wakeAt(name, rt, next.scheduleTimeMs);
      if (!rt.bucket.tryTake(now)) return this.wakeAt(name, rt, now + rt.bucket.msUntilToken(now));
      this.dispatch(queue, next, now);
      room -= 1;
    }
    // Full: an attempt finishing kicks the queue.
  }

  private wakeAt(queue: string, rt: QueueRuntime, at: number): void {
    if (rt.wakeAt <= at) return; // an earlier wake-up already serves it
    rt.wakeAt = at;
    this.wakeUps.push({ at, queue });
  }

  private arm(now: number): void {
    let next = this.wakeUps.peek();
    // Drop wake-ups that were superseded, so the timer is armed for a real one.
    while (next && this.runtimes.get(next.queue)?.wakeAt !== next.at) {
      this.wakeUps.pop();
      next = this.wakeUps.peek();
    }
    const wake = next?.at ?? Infinity;
    if (wake === this.timerAt && this.timer) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = wake;
    if (wake === Infinity) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(1, Math.ceil(wake - now)));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.schedulePass();
    }, delay);
    this.timer.unref();
  }

  /** One pass in the next turn, however many events asked for it. */
  private schedulePass(): void {
    if (this.passQueued || this.stopping) return;
    this.passQueued = true;
    setImmediate(() => {
      this.passQueued = false;
      if (!this.stopping) this.pass();
    });
  }

  private runtime(queue: QueueRecord, now: number): QueueRuntime {
    const rate = queue.settings.rate.maxDispatchesPerSecond;
    const burst = burstSize(queue.settings.rate);
    let rt = this.runtimes.get(queue.name);
    if (!rt) {
      rt = { inFlight: 0, bucket: new TokenBucket(rate, burst, now), rate, burst, wakeAt: Infinity };
      this.runtimes.set(queue.name, rt);
    } else if (rt.rate !== rate || rt.burst !== burst) {
      rt.bucket.reconfigure(rate, burst, now);
      rt.rate = rate;
      rt.burst = burst;
    }
    return rt;
  }

  private dispatch(queue: QueueRecord, task: DueEntry, now: number): TaskRecord | undefined {
    const started = this.o.store.startAttempt(task.name, task.seq, {
      scheduleTimeMs: task.scheduleTimeMs,
      dispatchTimeMs: now,
      responseTimeMs: null,
      status: null,
    });
    if (!started) return undefined;
    const rt = this.runtime(queue, now);
    rt.inFlight += 1;
    const flight: InFlight = { aborted: false, request: undefined, done: Promise.resolve() };
    flight.done = this.attempt(queue, started, flight)
      .catch((err: unknown) => this.o.logger.error({ err, task: task.name }, 'tasks-emulator: attempt bookkeeping failed'))
      .finally(() => {
        rt.inFlight -= 1;
        this.inFlight.delete(task.name);
        this.kick(queue.name);
      });
    this.inFlight.set(task.name, flight);
    return started;
  }

  private async attempt(queue: QueueRecord, task: TaskRecord, flight: InFlight): Promise<void> {
    const { timeScale, logger } = this.o;
    let result: AttemptResult;
    try {
      const headers = await this.headers(queue, task);
      if (flight.aborted) {
        result = { kind: 'aborted' };
      } else {
        flight.request = this.http.send({
          url: task.http.url,
          method: task.http.method,
          headers,
          body: task.http.body,
          deadlineMs: task.dispatchDeadlineMs * timeScale,
        });
        result = await flight.request.result;
      }
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
    for (const f of this.inFlight.values()) {
      f.aborted = true;
      f.request?.abort();
    }
    await all();
    this.http.close();
  }
}
