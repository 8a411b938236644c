/**
 * The local stand-in for Cloud Scheduler: runs the service's configured schedules
 * (TASUKI_SCHEDULES) on their cron timetables, calling `POST <service>/schedules/<id>/run` the
 * way Cloud Scheduler does — an OIDC token of the invoker account (aud = the service URL, signed
 * by the local issuer, as the tasks emulator signs) and `X-CloudScheduler-ScheduleTime` with the
 * firing's time — and retrying a failed firing a few times with backoff (same header, so the
 * service still makes one job). `runNow(id)` is Cloud Scheduler's "Force run": no schedule time.
 *
 * Next runs come from service/schedules/schedule.ts (croner). Timers are unref'd and re-armed
 * after each firing; `close()` stops them. `list()` is what the console shows: each schedule with
 * its next run and its last firing's outcome.
 */
import type { Config } from '../service/config.js';
import { nextRun, type Schedule } from '../service/schedules/schedule.js';
import type { LocalIssuer } from './issuer.js';

export type Firing = { at: string; scheduledFor?: string; manual: boolean; status: number; jobId?: string; created?: boolean; error?: string };
export type ScheduleView = Schedule & { nextRun: string | null; last?: Firing };

export type LocalSchedulerOptions = {
  config: Pick<Config, 'schedules' | 'serviceUrl' | 'invokerServiceAccount'>;
  issuer: LocalIssuer;
  now?: () => Date;
  /** Waits between retries of a failed firing (default 5 s, 20 s, 60 s: three retries). */
  retryDelaysMs?: number[];
};

/** Longest a timer may be set for (setTimeout's limit is about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class LocalScheduler {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly last = new Map<string, Firing>();
  private readonly now: () => Date;
  private readonly retryDelaysMs: number[];
  private closed = false;

  constructor(private readonly opts: LocalSchedulerOptions) {
    this.now = opts.now ?? (() => new Date());
    this.retryDelaysMs = opts.retryDelaysMs ?? [5_000, 20_000, 60_000];
  }

  /** Arms every schedule's timer for its next run. */
  start(): void {
    for (const s of this.opts.config.schedules) this.arm(s);
  }

  list(): ScheduleView[] {
    return this.opts.config.schedules.map((s) => {
      const last = this.last.get(s.id);
      return { ...s, nextRun: nextRun(s, this.now())?.toISOString() ?? null, ...(last ? { last } : {}) };
    });
  }

  /** "Run now": one firing without a schedule time (the service counts it as the current minute). */
  async runNow(id: string): Promise<Firing> {
    const schedule = this.opts.config.schedules.find((s) => s.id === id);
    if (!schedule) throw new Error(`no schedule ${id}; configured: ${this.opts.config.schedules.map((s) => s.id).join(', ') || 'none'}`);
    return this.fire(schedule, undefined);
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private arm(schedule: Schedule): void {
    if (this.closed) return;
    const next = nextRun(schedule, this.now());
    if (!next) return;
    const wait = next.getTime() - this.now().getTime();
    const timer = setTimeout(() => {
      if (wait > MAX_TIMER_MS) return this.arm(schedule);
      void this.fireWithRetries(schedule, next).finally(() => this.arm(schedule));
    }, Math.min(Math.max(wait, 0), MAX_TIMER_MS));
    timer.unref();
    this.timers.set(schedule.id, timer);
  }

  private async fireWithRetries(schedule: Schedule, scheduledFor: Date): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const firing = await this.fire(schedule, scheduledFor);
      const delay = this.retryDelaysMs[attempt];
      if ((firing.status >= 200 && firing.status < 300) || delay === undefined || this.closed) return;
      await new Promise((r) => setTimeout(r, delay).unref());
    }
  }

  private async fire(schedule: Schedule, scheduledFor: Date | undefined): Promise<Firing> {
    const { serviceUrl, invokerServiceAccount } = this.opts.config;
    const at = this.now().toISOString();
    let firing: Firing;
    try {
      const token = await this.opts.issuer.mintIdToken({ aud: serviceUrl, email: invokerServiceAccount });
      const res = await fetch(`${serviceUrl}/schedules/${encodeURIComponent(schedule.id)}/run`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'user-agent': 'Google-Cloud-Scheduler',
          'x-cloudscheduler': 'true',
          'x-cloudscheduler-jobname': `local/${schedule.id}`,
          ...(scheduledFor ? { 'x-cloudscheduler-scheduletime': scheduledFor.toISOString() } : {}),
        },
        signal: AbortSignal.timeout(180_000),
      });
      const body = (await res.json().catch(() => ({}))) as { job?: { id?: string }; created?: boolean; scheduledFor?: string; error?: { message?: string } };
      // A manual run's time is the one the service counted it as (the current minute).
      const counted = scheduledFor?.toISOString() ?? body.scheduledFor;
      firing = {
        at, manual: !scheduledFor, status: res.status,
        ...(counted ? { scheduledFor: counted } : {}),
        ...(body.job?.id ? { jobId: body.job.id, created: body.created === true } : {}),
        ...(body.error?.message ? { error: body.error.message } : {}),
      };
    } catch (err) {
      firing = { at, manual: !scheduledFor, status: 0, ...(scheduledFor ? { scheduledFor: scheduledFor.toISOString() } : {}), error: err instanceof Error ? err.message : String(err) };
    }
    this.last.set(schedule.id, firing);
    return firing;
  }
}
