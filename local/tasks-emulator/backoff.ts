/**
 * The retry schedule of a Cloud Tasks queue (RetryConfig in google/cloud/tasks/v2/queue.proto):
 * the interval starts at minBackoff, doubles maxDoublings times, then grows linearly by
 * minBackoff·2^maxDoublings per retry, and is capped at maxBackoff. With min 10 s, max 300 s and
 * 3 doublings: 10, 20, 40, 80, 160, 240, 300, 300, …
 *
 * Also the give-up rule: a failed task is dropped once every limit the queue sets has been
 * reached (maxAttempts unless -1, maxRetryDuration unless 0); with neither set it retries forever.
 */
export type RetrySettings = {
  /** -1 = unlimited. */
  maxAttempts: number;
  minBackoffMs: number;
  maxBackoffMs: number;
  maxDoublings: number;
  /** 0 = unlimited task age. */
  maxRetryDurationMs: number;
};

/** Delay before retry number `retryIndex` (0 = the retry after the first failed attempt). */
export function retryDelayMs(retryIndex: number, s: RetrySettings): number {
  const doublings = Math.max(0, s.maxDoublings);
  let delay: number;
  if (retryIndex <= doublings) {
    delay = s.minBackoffMs * 2 ** retryIndex;
  } else {
    const step = s.minBackoffMs * 2 ** doublings;
    delay = step + (retryIndex - doublings) * step;
  }
  return Math.min(delay, s.maxBackoffMs);
}

/**
 * Whether a task that has just failed its `attempts`-th attempt is dropped. `ageMs` is measured
 * from its first attempt, as Cloud Tasks measures maxRetryDuration.
 */
export function exhausted(attempts: number, ageMs: number, s: RetrySettings): boolean {
  const attemptsLimited = s.maxAttempts !== -1;
  const ageLimited = s.maxRetryDurationMs > 0;
  if (!attemptsLimited && !ageLimited) return false;
  const attemptsReached = !attemptsLimited || attempts >= s.maxAttempts;
  const ageReached = !ageLimited || ageMs >= s.maxRetryDurationMs;
  return attemptsReached && ageReached;
}

/**
 * Retry-After (seconds or an HTTP date) in milliseconds from `nowMs`, or undefined when absent or
 * unreadable.
 */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
