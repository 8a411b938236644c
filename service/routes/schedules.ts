/**
 * POST /schedules/:id/run — one firing of a configured schedule (service/schedules/schedule.ts):
 * Cloud Scheduler in production, the local stack's scheduler locally, both with an OIDC token of
 * the invoker service account (audience: the service URL), exactly as Cloud Tasks calls
 * /tasks/run.
 *
 * The firing's time is Cloud Scheduler's `X-CloudScheduler-ScheduleTime` header (RFC 3339, set
 * for unix-cron jobs). A manual run ("Force run", `gcloud scheduler jobs run`, the console's "run
 * now") carries none; it counts as the current minute. The job is enqueued as TASUKI_SCHEDULE_USER
 * with idempotency key `schedule:<id>:<time>`, so a trigger delivered twice for one time — a
 * Scheduler retry, an at-least-once redelivery — finds the job of the first and makes no second
 * one (nor a second task: task names come from the job id).
 *
 * Answers 200 {job, created}. When the queue cannot be reached it answers 503 with Retry-After:
 * the job stays recorded without a task, and the caller's retry for the same time creates it.
 * Unknown schedule: 404. Bad header: 400.
 */
import { Router } from 'express';
import { toJobView } from '../../shared/job.js';
import { JOB_KINDS } from '../../shared/jobKinds.js';
import { requireInvoker } from '../auth/middleware.js';
import type { AppDeps } from '../deps.js';
import { firingKey } from '../schedules/schedule.js';
import { createJobTask } from '../worker/taskDispatch.js';
import { HttpError } from './httpErrors.js';
import { newJobRecord } from './newJob.js';
import { requestLogger } from './requestLog.js';

export const SCHEDULE_TIME_HEADER = 'x-cloudscheduler-scheduletime';

/** The firing's time: the header's instant, or (a manual run) the current minute. */
export function firingTime(header: string | undefined, now: Date): Date {
  if (header === undefined || header === '') return new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  const at = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(header) ? new Date(header) : new Date(Number.NaN);
  if (Number.isNaN(at.getTime())) {
    throw new HttpError(400, 'invalid_request', `X-CloudScheduler-ScheduleTime "${header.slice(0, 64)}" is not an RFC 3339 time`);
  }
  return at;
}

export function schedulesRouter(deps: AppDeps): Router {
  const { config, store, queue } = deps;
  const now = deps.now ?? (() => new Date());
  const router = Router();

  router.post('/:id/run', requireInvoker(config, deps.trust), async (req, res) => {
    const id = String(req.params.id);
    const schedule = config.schedules.find((s) => s.id === id);
    if (!schedule) throw new HttpError(404, 'not_found', `no schedule ${id.slice(0, 64)} in TASUKI_SCHEDULES`);
    const scheduledFor = firingTime(req.get(SCHEDULE_TIME_HEADER), now());
    const record = newJobRecord({
      kind: schedule.kind,
      input: JOB_KINDS[schedule.kind].input.parse(schedule.input),
      requestedBy: config.scheduleUser,
      locale: schedule.locale,
      reply: schedule.reply ?? { chat: { space: config.chatSpace } },
      idempotencyKey: firingKey(schedule.id, scheduledFor),
      at: now(),
    });
    const { created, job } = await store.createJob(record);
    const log = requestLogger(res.locals, deps.log);
    const current = job;
    if (current.status === 'queued') {
      try {
        await createJobTask({ queue }, current);
      } catch (err) {
        log.error({ err, jobId: current.id, schedule: schedule.id }, 'scheduled job recorded, but its task could not be created');
        throw new HttpError(503, 'queue_unavailable', `job ${current.id} is recorded but could not be queued; the scheduler's retry for the same time queues it`, undefined, { 'Retry-After': '30' });
      }
    }
    log.info({ schedule: schedule.id, scheduledFor: scheduledFor.toISOString(), jobId: current.id, created }, created ? 'schedule fired: job enqueued' : 'schedule fired again for the same time: job already exists');
    res.json({ job: toJobView(current), created, scheduledFor: scheduledFor.toISOString() });
  });

  return router;
}
