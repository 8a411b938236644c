/**
 * tasuki's queue settings, used by ensureQueue() against the emulator and by the deploy script
 * for the production queue, and the retry schedule they imply (config.ts checks the lease
 * against it). Backoff 1 s doubling 4 times to 16 s, then +16 s per retry up to 60 s: a
 * transient Google API hiccup is retried within seconds, a longer outage within a minute per
 * attempt. 10 concurrent dispatches keeps one small Cloud Run instance (and the Workspace
 * per-user quotas) from being flooded; 50/s is far above tasuki's traffic but bounds a backlog
 * burst after a pause. maxAttempts comes from TASUKI_QUEUE_MAX_ATTEMPTS so the worker knows
 * which attempt is the last.
 *
 * With the production default of 8 attempts the schedule is 1+2+4+8+16+32+48 = 111 s.
 */
export const TASUKI_QUEUE_SETTINGS = {
  minBackoffSeconds: 1,
  maxBackoffSeconds: 60,
  maxDoublings: 4,
  /** 0 = no age limit; attempts are bounded by maxAttempts. */
  maxRetryDurationSeconds: 0,
  maxConcurrentDispatches: 10,
  maxDispatchesPerSecond: 50,
} as const;

/**
 * Cloud Tasks' wait before retry n (1-based): minBackoff doubled maxDoublings times, then growing
 * linearly by the last doubled step, capped at maxBackoff (the documented retryConfig semantics).
 */
export function backoffSeconds(retry: number, s: { minBackoffSeconds: number; maxBackoffSeconds: number; maxDoublings: number } = TASUKI_QUEUE_SETTINGS): number {
  const doublings = Math.min(retry - 1, s.maxDoublings);
  const doubled = s.minBackoffSeconds * 2 ** doublings;
  const linear = retry - 1 > s.maxDoublings ? (retry - 1 - s.maxDoublings) * s.minBackoffSeconds * 2 ** s.maxDoublings : 0;
  return Math.min(s.maxBackoffSeconds, doubled + linear);
}

/** Seconds from a task's first attempt to its last, for `maxAttempts` attempts. */
export function retryWindowSeconds(maxAttempts: number): number {
  let total = 0;
  for (let retry = 1; retry < maxAttempts; retry++) total += backoffSeconds(retry);
  return total;
}
