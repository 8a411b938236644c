/**
 * HTTP contract of the service's user-facing API (`/v1/jobs*`), compiled into the add-on too.
 * Validation errors are reported as { error: { code, message, issues[] } } with each issue's
 * path, so the add-on can tell the user which field is wrong.
 */
import * as z from './zod.js';
import { JobView, ReplyTarget } from './job.js';
import { JOB_KINDS, JobKind } from './jobKinds.js';
import { Locale } from './locale.js';

export const EnqueueRequest = z
  .strictObject({
    kind: JobKind,
    input: z.unknown(),
    reply: z.optional(ReplyTarget),
    /** Same key from the same user → the same job, no second task. */
    idempotencyKey: z.optional(
      z.string().check(z.regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1–128 characters of letters, digits and . _ : -')),
    ),
    locale: z.optional(Locale),
  })
  .check(
    z.superRefine((req, ctx) => {
      const parsed = JOB_KINDS[req.kind].input.safeParse(req.input);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          ctx.addIssue({ ...issue, path: ['input', ...issue.path] } as z.core.$ZodRawIssue);
        }
      }
    }),
  );
export type EnqueueRequest = z.infer<typeof EnqueueRequest>;

/**
 * How one job reads for the person who asked, rendered by the service (shared/cards/jobCard.ts
 * and jobDisplay.ts, with the queue's attempt limit and the office's time zone) in the language of
 * the request's Accept-Language: the job card (Card v2 JSON), the one-line status, and whether
 * Retry can help. The add-on shows these as they are, so it carries no failure or result texts.
 */
export const JobDisplay = z.object({
  card: z.record(z.string(), z.unknown()),
  text: z.string(),
  retry: z.boolean(),
});
export type JobDisplay = z.infer<typeof JobDisplay>;

export const EnqueueResponse = z.object({
  job: JobView,
  /** false when the idempotencyKey matched an existing job. */
  created: z.boolean(),
  display: z.optional(JobDisplay),
});
export type EnqueueResponse = z.infer<typeof EnqueueResponse>;

export const JobResponse = z.object({ job: JobView, display: z.optional(JobDisplay) });
export type JobResponse = z.infer<typeof JobResponse>;
export const JobListResponse = z.object({ jobs: z.array(JobView) });

/** POST /v1/uploads: the staged attachment (service/routes/uploads.ts). */
export const UploadResponse = z.object({ uploadId: z.string().check(z.minLength(1)), name: z.string(), size: z.number(), sha1: z.string() });

export const ApiIssue = z.object({ path: z.string(), message: z.string() });
export const ApiError = z.object({
  error: z.object({
    /** e.g. invalid_request, unauthenticated, forbidden, not_found, conflict, unavailable */
    code: z.string(),
    message: z.string(),
    issues: z.optional(z.array(ApiIssue)),
  }),
});
export type ApiError = z.infer<typeof ApiError>;

/** Body of the Cloud Task: the job id and its generation, nothing else (inputs live in the record). */
export const TaskPayload = z.strictObject({ jobId: z.string().check(z.minLength(1)), generation: z.number().check(z.int(), z.gte(1)) });
export type TaskPayload = z.infer<typeof TaskPayload>;

/** Turns zod issues into the API's `issues[]` with dotted paths (input.client.name). */
export function describeIssues(error: z.core.$ZodError): z.infer<typeof ApiIssue>[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
}
