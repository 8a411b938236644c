/**
 * Enqueue latency at a steady rate: POST /v1/jobs against the service process of a local stack
 * (real token verification, real SQLite store, real CreateTask over gRPC to the emulator), sent
 * open-loop at a fixed rate so a slow answer cannot slow the offered load down. The jobs
 * (system.echo) really run meanwhile, as they would in production.
 */
import { LocalIssuer } from '../local/issuer.js';
import type { Stack } from '../local/stack.js';
import { loadConfig } from '../service/config.js';
import { percentile, round, sleep } from './processes.js';

export type EnqueueResult = {
  ratePerSecond: number;
  seconds: number;
  requests: number;
  errors: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  target: string;
  met: boolean;
};

export async function benchEnqueueLatency(stack: Stack, opts: { ratePerSecond?: number; seconds?: number } = {}): Promise<EnqueueResult> {
  const rate = opts.ratePerSecond ?? 50;
  const seconds = opts.seconds ?? 20;
  const config = loadConfig({});
  const issuer = LocalIssuer.open(stack.dataDir);
  const token = await issuer.mintIdToken({ aud: config.scriptClientId, email: 'sato@example.co.jp' });
  const run = `${Date.now().toString(36)}`;
  const post = async (i: number) => {
    const t0 = performance.now();
    const res = await fetch(`${stack.serviceUrl}/v1/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'system.echo', input: { message: `bench ${i}` }, idempotencyKey: `bench-${run}-${i}` }),
    });
    await res.arrayBuffer();
    return { ms: performance.now() - t0, ok: res.status === 202 };
  };
  // Warm-up: connections, JIT, SQLite pages, the gRPC channel.
  for (let i = 0; i < 50; i++) await post(-1 - i);

  const total = rate * seconds;
  const interval = 1000 / rate;
  const start = performance.now();
  const pending: Array<Promise<{ ms: number; ok: boolean }>> = [];
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(post(i).catch(() => ({ ms: NaN, ok: false })));
  }
  const results = await Promise.all(pending);
  const ok = results.filter((r) => r.ok).map((r) => r.ms).sort((a, b) => a - b);
  const p99 = percentile(ok, 99);
  return {
    ratePerSecond: rate,
    seconds,
    requests: total,
    errors: results.length - ok.length,
    p50Ms: round(percentile(ok, 50), 2),
    p90Ms: round(percentile(ok, 90), 2),
    p99Ms: round(p99, 2),
    maxMs: round(ok[ok.length - 1] ?? NaN, 2),
    target: 'p99 ≤ 20 ms at 50 requests/s',
    met: p99 <= 20 && results.length === ok.length,
  };
}
