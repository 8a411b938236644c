/**
 * A schedule: a job tasuki enqueues by itself on a cron timetable (the office's mornings: scrape
 * each client portal, sync the schedule sheet to the calendar). Configured in TASUKI_SCHEDULES
 * (service/config.ts), validated here with zod.
 *
 * Where it runs: in production each schedule is a Cloud Scheduler job that `npm run deploy`
 * creates (scripts/deploy/plan.ts), calling `POST /schedules/<id>/run` with the invoker's OIDC
 * token; locally the stack's scheduler (local/scheduler.ts) calls the same endpoint the same way.
 * Either caller may deliver one firing twice; the endpoint makes one job per scheduled time.
 *
 * Cron expressions are Cloud Scheduler's unix-cron: five fields (minute hour day-of-month month
 * day-of-week), numbers, ranges, steps, lists and JAN–DEC / SUN–SAT names; day-of-month and
 * day-of-week combine with OR unless one is `*`. Parsing and the next/previous run come from
 * croner (a maintained library), never from a parser of our own; its extensions that Cloud
 * Scheduler does not accept (L, W, #, ?, seconds, years) are refused here so that what runs
 * locally is what would run in production.
 */
import { Cron } from 'croner';
import * as z from 'zod';
import { ReplyTarget } from '../../shared/job.js';
import { JOB_KINDS, JobKind } from '../../shared/jobKinds.js';
import { Locale } from '../../shared/locale.js';

/** One cron field as Cloud Scheduler accepts it: digits, names, `*`, `-`, `/` and `,` only. */
const UNIX_CRON_FIELD = /^(\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/\d+)?(,(\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/\d+)?)*$/;
const NAMES = /^(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC|SUN|MON|TUE|WED|THU|FRI|SAT)$/i;

/** Why a cron expression is not one Cloud Scheduler would run, or null when it is. */
export function cronProblem(expression: string, timeZone: string): string | null {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return `must have 5 fields (minute hour day-of-month month day-of-week), found ${fields.length}`;
  for (const field of fields) {
    if (!UNIX_CRON_FIELD.test(field)) return `field "${field}" is not unix-cron (use numbers, names, *, -, / and ,)`;
    for (const word of field.split(/[,/-]/)) {
      if (/[A-Za-z]/.test(word) && !NAMES.test(word)) return `"${word}" is not a month (JAN–DEC) or weekday (SUN–SAT) name`;
    }
  }
  try {
    cronOf(expression, timeZone);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  return null;
}

function cronOf(expression: string, timeZone: string): Cron {
  // paused: a pattern evaluator only; it never starts a timer.
  return new Cron(expression.trim(), { timezone: timeZone, mode: '5-part', domAndDow: false, paused: true });
}

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const SCHEDULE_ID = /^[a-z][a-z0-9-]{0,39}$/;

export const ScheduleConfig = z
  .object({
    id: z.string().regex(SCHEDULE_ID, 'must be 1–40 lowercase letters, digits or hyphens, starting with a letter'),
    /** unix-cron, five fields, read in `timeZone`. */
    cron: z.string().min(1),
    /** IANA time zone; default: the office's (TASUKI_TIMEZONE). */
    timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone like Asia/Tokyo').optional(),
    kind: JobKind,
    input: z.unknown().default({}),
    /** Where the job answers; default: the team space (TASUKI_CHAT_SPACE). */
    reply: z.optional(ReplyTarget),
    /** Language of the job's messages; default ja. */
    locale: z._default(Locale, 'ja'),
    description: z.string().max(200).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const parsed = JOB_KINDS[s.kind].input.safeParse(s.input);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: ['input', ...issue.path], message: issue.message });
    }
  });
export type ScheduleConfig = z.infer<typeof ScheduleConfig>;

/** A schedule with its time zone resolved (the office's when it names none). */
export type Schedule = ScheduleConfig & { timeZone: string };

/**
 * Parses TASUKI_SCHEDULES' JSON and checks what zod alone cannot: cron syntax and unique ids.
 * Problems name the schedule's position and field.
 */
export function parseSchedules(json: string): { schedules: ScheduleConfig[]; problems: string[] } {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (err) {
    return { schedules: [], problems: [`must be a JSON array of schedules: ${err instanceof Error ? err.message : String(err)}`] };
  }
  const parsed = z.array(ScheduleConfig).safeParse(data);
  if (!parsed.success) {
    return { schedules: [], problems: parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(list)'}: ${i.message}`) };
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  parsed.data.forEach((s, i) => {
    if (seen.has(s.id)) problems.push(`${i}.id: "${s.id}" is used twice; schedule ids must be unique`);
    seen.add(s.id);
    // The syntax does not depend on the zone; any valid zone checks it.
    const cron = cronProblem(s.cron, s.timeZone ?? 'UTC');
    if (cron) problems.push(`${i}.cron: "${s.cron}" ${cron}`);
  });
  return { schedules: parsed.data, problems };
}

/** Schedules with their time zone resolved: the office's where a schedule names none. */
export function withTimeZones(schedules: readonly ScheduleConfig[], officeTimeZone: string): Schedule[] {
  return schedules.map((s) => ({ ...s, timeZone: s.timeZone ?? officeTimeZone }));
}

/** The first run strictly after `after`, or null if the expression never fires again. */
export function nextRun(schedule: Pick<Schedule, 'cron' | 'timeZone'>, after: Date): Date | null {
  return cronOf(schedule.cron, schedule.timeZone).nextRun(after);
}

/** The latest run at or before `at`, or null if there is none within the library's search range. */
export function previousRun(schedule: Pick<Schedule, 'cron' | 'timeZone'>, at: Date): Date | null {
  // previousRuns looks strictly before the reference: a firing exactly at `at` counts.
  return cronOf(schedule.cron, schedule.timeZone).previousRuns(1, new Date(at.getTime() + 1))[0] ?? null;
}

/** The idempotency key of one firing: the same schedule and scheduled time always give the same job. */
export function firingKey(scheduleId: string, scheduledFor: Date): string {
  return `schedule:${scheduleId}:${scheduledFor.toISOString()}`;
}
