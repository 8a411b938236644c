/**
 * A queue's configuration: the google.cloud.tasks.v2.Queue message ↔ the emulator's settings.
 * Unset fields take Google's defaults for queues created through the API; UpdateQueue applies
 * only the fields named in update_mask (all updatable fields when it is empty). Values outside
 * Google's documented ranges are INVALID_ARGUMENT naming the field. Durations are NOT truncated
 * to whole seconds (Google does truncate backoffs): sub-second backoffs keep tests fast.
 */
import { invalidArgument } from './apiError.js';
import type { RetrySettings } from './backoff.js';
import { durationToMs, msToDuration, msToTimestamp, type ProtoDuration } from './protoTime.js';

export type QueueState = 'RUNNING' | 'PAUSED' | 'DISABLED';

export type RateSettings = {
  maxDispatchesPerSecond: number;
  maxConcurrentDispatches: number;
};

export type QueueSettings = {
  rate: RateSettings;
  retry: RetrySettings;
  /** stackdriverLoggingConfig.samplingRatio; null = no logging config. Stored, not acted on. */
  samplingRatio: number | null;
};

export type QueueRecord = {
  name: string;
  state: QueueState;
  settings: QueueSettings;
  purgeTimeMs: number | null;
};

export const DEFAULT_SETTINGS: QueueSettings = {
  rate: { maxDispatchesPerSecond: 500, maxConcurrentDispatches: 1000 },
  retry: { maxAttempts: 100, minBackoffMs: 100, maxBackoffMs: 3_600_000, maxDoublings: 16, maxRetryDurationMs: 0 },
  samplingRatio: null,
};

/** What a Queue message looks like after proto-loader decoding (camelCase, absent = unset). */
export type QueueMessage = {
  name?: string;
  rateLimits?: { maxDispatchesPerSecond?: number; maxBurstSize?: number; maxConcurrentDispatches?: number } | null;
  retryConfig?: {
    maxAttempts?: number;
    maxRetryDuration?: ProtoDuration | null;
    minBackoff?: ProtoDuration | null;
    maxBackoff?: ProtoDuration | null;
    maxDoublings?: number;
  } | null;
  state?: string;
  purgeTime?: unknown;
  stackdriverLoggingConfig?: { samplingRatio?: number } | null;
  appEngineRoutingOverride?: unknown;
};

type Leaf = (from: QueueSettings, to: QueueSettings) => void;

const LEAVES: Record<string, Leaf> = {
  'rate_limits.max_dispatches_per_second': (f, t) => { t.rate.maxDispatchesPerSecond = f.rate.maxDispatchesPerSecond; },
  'rate_limits.max_concurrent_dispatches': (f, t) => { t.rate.maxConcurrentDispatches = f.rate.maxConcurrentDispatches; },
  'retry_config.max_attempts': (f, t) => { t.retry.maxAttempts = f.retry.maxAttempts; },
  'retry_config.max_retry_duration': (f, t) => { t.retry.maxRetryDurationMs = f.retry.maxRetryDurationMs; },
  'retry_config.min_backoff': (f, t) => { t.retry.minBackoffMs = f.retry.minBackoffMs; },
  'retry_config.max_backoff': (f, t) => { t.retry.maxBackoffMs = f.retry.maxBackoffMs; },
  'retry_config.max_doublings': (f, t) => { t.retry.maxDoublings = f.retry.maxDoublings; },
  'stackdriver_logging_config.sampling_ratio': (f, t) => { t.samplingRatio = f.samplingRatio; },
};
/** Accepted in a mask but without effect here (App Engine routing, output-only burst size). */
const IGNORED = new Set(['name', 'app_engine_routing_override', 'rate_limits.max_burst_size']);
const OUTPUT_ONLY = new Set(['state', 'purge_time']);

/** Settings from a Queue message, unset fields defaulted, validated. */
export function settingsFromMessage(q: QueueMessage): QueueSettings {
  const r = q.rateLimits ?? {};
  const rc = q.retryConfig ?? {};
  const d = DEFAULT_SETTINGS;
  const settings: QueueSettings = {
    rate: {
      maxDispatchesPerSecond: r.maxDispatchesPerSecond || d.rate.maxDispatchesPerSecond,
      maxConcurrentDispatches: r.maxConcurrentDispatches || d.rate.maxConcurrentDispatches,
    },
    retry: {
      maxAttempts: rc.maxAttempts || d.retry.maxAttempts,
      maxRetryDurationMs: durationToMs('queue.retry_config.max_retry_duration', rc.maxRetryDuration) ?? d.retry.maxRetryDurationMs,
      minBackoffMs: durationToMs('queue.retry_config.min_backoff', rc.minBackoff) ?? d.retry.minBackoffMs,
      maxBackoffMs: durationToMs('queue.retry_config.max_backoff', rc.maxBackoff) ?? d.retry.maxBackoffMs,
      maxDoublings: rc.maxDoublings ?? d.retry.maxDoublings,
    },
    samplingRatio: q.stackdriverLoggingConfig ? q.stackdriverLoggingConfig.samplingRatio ?? 0 : null,
  };
  return settings;
}

export function validateSettings(s: QueueSettings): void {
  const { rate, retry } = s;
  if (!(rate.maxDispatchesPerSecond > 0 && rate.maxDispatchesPerSecond <= 500)) {
    throw invalidArgument(`queue.rate_limits.max_dispatches_per_second must be greater than 0 and at most 500 (got ${rate.maxDispatchesPerSecond})`);
  }
  if (!Number.isInteger(rate.maxConcurrentDispatches) || rate.maxConcurrentDispatches < 1 || rate.maxConcurrentDispatches > 5000) {
    throw invalidArgument(`queue.rate_limits.max_concurrent_dispatches must be an integer from 1 to 5000 (got ${rate.maxConcurrentDispatches})`);
  }
  if (!Number.isInteger(retry.maxAttempts) || retry.maxAttempts < -1) {
    throw invalidArgument(`queue.retry_config.max_attempts must be -1 (unlimited) or a positive integer (got ${retry.maxAttempts})`);
  }
  if (!Number.isInteger(retry.maxDoublings) || retry.maxDoublings < 0) {
    throw invalidArgument(`queue.retry_config.max_doublings must be a non-negative integer (got ${retry.maxDoublings})`);
  }
  if (retry.minBackoffMs > retry.maxBackoffMs) {
    throw invalidArgument(`queue.retry_config.min_backoff (${retry.minBackoffMs / 1000} s) must not exceed max_backoff (${retry.maxBackoffMs / 1000} s)`);
  }
  if (s.samplingRatio !== null && !(s.samplingRatio >= 0 && s.samplingRatio <= 1)) {
    throw invalidArgument(`queue.stackdriver_logging_config.sampling_ratio must be between 0.0 and 1.0 (got ${s.samplingRatio})`);
  }
}

/**
 * UpdateQueue: the existing settings with the masked fields taken from the request. An empty
 * mask updates every updatable field.
 */
export function applyUpdate(existing: QueueSettings, q: QueueMessage, maskPaths: string[]): QueueSettings {
  const incoming = settingsFromMessage(q);
  const paths = maskPaths.length ? maskPaths : ['rate_limits', 'retry_config', 'stackdriver_logging_config'];
  const next: QueueSettings = structuredClone(existing);
  for (const raw of paths) {
    const path = raw.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    if (IGNORED.has(path)) continue;
    if (OUTPUT_ONLY.has(path)) {
      throw invalidArgument(`update_mask path "${raw}" is output only; use PauseQueue/ResumeQueue/PurgeQueue instead`);
    }
    const leaves = Object.keys(LEAVES).filter((leaf) => leaf === path || leaf.startsWith(`${path}.`));
    if (!leaves.length) throw invalidArgument(`update_mask path "${raw}" is not a field of Queue that UpdateQueue can change`);
    for (const leaf of leaves) LEAVES[leaf]!(incoming, next);
  }
  validateSettings(next);
  return next;
}

/** Google derives the output-only burst size from the rate; this mirrors it roughly. */
export function burstSize(rate: RateSettings): number {
  return Math.max(1, Math.min(100, Math.ceil(rate.maxDispatchesPerSecond)));
}

export function queueToMessage(q: QueueRecord): Record<string, unknown> {
  const { rate, retry } = q.settings;
  return {
    name: q.name,
    rateLimits: {
      maxDispatchesPerSecond: rate.maxDispatchesPerSecond,
      maxBurstSize: burstSize(rate),
      maxConcurrentDispatches: rate.maxConcurrentDispatches,
    },
    retryConfig: {
      maxAttempts: retry.maxAttempts,
      maxRetryDuration: msToDuration(retry.maxRetryDurationMs),
      minBackoff: msToDuration(retry.minBackoffMs),
      maxBackoff: msToDuration(retry.maxBackoffMs),
      maxDoublings: retry.maxDoublings,
    },
    state: q.state,
    ...(q.purgeTimeMs !== null ? { purgeTime: msToTimestamp(q.purgeTimeMs) } : {}),
    ...(q.settings.samplingRatio !== null ? { stackdriverLoggingConfig: { samplingRatio: q.settings.samplingRatio } } : {}),
  };
}
