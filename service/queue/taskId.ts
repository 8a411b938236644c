/**
 * The Cloud Tasks task id of a job generation, derived and never stored: 32 hex characters of
 * sha256("<jobId>-g<generation>"). Deterministic so that a second enqueue of the same generation
 * answers ALREADY_EXISTS (one task, one run) and anyone holding the job record (the reconciler,
 * the cancel route, the chaos checks) can name its task without a record write; hashed so that
 * named tasks spread load the way Google recommends.
 */
import { createHash } from 'node:crypto';

export function taskIdFor(jobId: string, generation: number): string {
  return createHash('sha256').update(`${jobId}-g${generation}`).digest('hex').slice(0, 32);
}
