/**
 * google.protobuf.Duration / Timestamp as they arrive from @grpc/proto-loader (longs as numbers,
 * absent fields undefined) to milliseconds and back. Fractions of a millisecond are kept as
 * fractions: sub-second backoffs are meaningful for tests.
 */
import { invalidArgument } from './apiError.js';

export type ProtoDuration = { seconds?: number | string | null; nanos?: number | null };
export type ProtoTimestamp = ProtoDuration;

function parts(field: string, v: ProtoDuration): number {
  const seconds = Number(v.seconds ?? 0);
  const nanos = Number(v.nanos ?? 0);
  if (!Number.isFinite(seconds) || !Number.isFinite(nanos) || Math.abs(nanos) >= 1e9) {
    throw invalidArgument(`${field} is not a valid google.protobuf value (seconds ${String(v.seconds)}, nanos ${String(v.nanos)})`);
  }
  return seconds * 1000 + nanos / 1e6;
}

export function durationToMs(field: string, v: ProtoDuration | null | undefined): number | undefined {
  if (v == null) return undefined;
  const ms = parts(field, v);
  if (ms < 0) throw invalidArgument(`${field} must not be negative (got ${ms / 1000} s)`);
  return ms;
}

export function timestampToMs(field: string, v: ProtoTimestamp | null | undefined): number | undefined {
  return v == null ? undefined : parts(field, v);
}

export function msToDuration(ms: number): { seconds: number; nanos: number } {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: Math.round((ms - seconds * 1000) * 1e6) };
}

export const msToTimestamp = msToDuration;
