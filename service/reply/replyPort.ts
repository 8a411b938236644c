/**
 * Reply port: how the worker tells the person who asked what is happening to their job.
 * `progress` is best-effort and may be throttled away; `finished` is called once per terminal
 * state of a generation (the worker guards that with the job record) and throws when the
 * message could not be written, so the worker can try again on the next delivery.
 * Jobs without a reply target are not passed here.
 */
import type { JobRecord } from '../../shared/job.js';

export interface ReplyPort {
  progress(job: JobRecord): Promise<void>;
  finished(job: JobRecord): Promise<void>;
}
