/**
 * JobFailure: the error a job (or a helper it calls: Workspace, portal, billing) throws to say
 * what went wrong in words the user can act on. A leaf module of its own, so helpers below the
 * worker can throw it without importing the worker; the worker (classifyFailure.ts) turns it into
 * the job's recorded error.
 */
import type { Localized } from '../shared/locale.js';

/**
 * A failure the handler understands. Permanent ones (retryable: false) end the job at once;
 * retryable ones go back to Cloud Tasks for backoff until the final attempt. `userMessage` is
 * what the person sees, in their language, saying what to fix.
 */
export class JobFailure extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly userMessage: Localized;
  /** Seconds the queue should wait before the next try (429/503 Retry-After). */
  readonly retryAfterSeconds?: number;
  constructor(opts: { code: string; retryable: boolean; userMessage: Localized; message?: string; retryAfterSeconds?: number; cause?: unknown }) {
    super(opts.message ?? opts.userMessage.en, { cause: opts.cause });
    this.name = 'JobFailure';
    this.code = opts.code;
    this.retryable = opts.retryable;
    this.userMessage = opts.userMessage;
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }
}
