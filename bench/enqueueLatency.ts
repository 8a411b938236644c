/**
 * Enqueue latency at steady rates: POST /v1/jobs answered, as the add-on sends it, against the
 * service in its own process (bench/benchStack.ts: real token verification, real SQLite store,
 * real CreateTask over gRPC to the emulator in its own process), sent open-loop at a fixed rate
 * so that a slow answer cannot slow the offered load down, from a keep-alive node:http client
 * (bench/httpClient.ts). The jobs (system.echo) really run meanwhile, as in production.
 *
 * Targets (issue 15): p50 ≤ 1.5 ms and p99 ≤ 8 ms at 50 requests/s; p99 ≤ 20 ms at 200/s.
 */
import { startBenchStack } from './benchStack.js';
import { postJson } from './httpClient.js';
import { percentile, round, sleep } from './processes.js';

export type EnqueueRate = {
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

export type EnqueueResult = { rates: EnqueueRate[] };

const TARGETS: Record<number, { p50?: number; p99: number }> = { 50: { p50: 1.5, p99: 8 }, 200: { p99: 20 } };

export async function benchEnqueueLatency(opts: { rates?: number[]; seconds?: number } = {}): Promise<EnqueueResult> {
  const rates = opts.rates ?? [50, 200];
  const seconds = opts.seconds ?? 15;
  const stack = await startBenchStack({ concurrency: 100 });
  try {
    const { issuer, config } = stack.standIns;
    const token = await issuer.mintIdToken({ aud: config.scriptClientId, email: 'sato@example.co.jp' });
    const run = Date.now().toString(36);
    const post = async (i: number) => {
      const res = await postJson(`${stack.serviceUrl}/v1/jobs`, { authorization: `Bearer ${token}` }, { kind: 'system.echo', input: { message: `bench ${i}` }, idempotencyKey: `bench-${run}-${i}` });
      return { ms: res.ms, ok: res.status === 202 };
    };
    // Warm-up: connections, JIT, SQLite pages, the gRPC channel.
    for (let i = 0; i < 100; i++) await post(-1 - i);
    await sleep(1000);
    const out: EnqueueRate[] = [];
    let n = 0;
    for (const rate of rates) {
      const total = Math.round(rate * seconds);
      const interval = 1000 / rate;
      const start = performance.now();
      const pending: Array<Promise<{ ms: number; ok: boolean }>> = [];
      for (let i = 0; i < total; i++) {
        const wait = start + i * interval - performance.now();
        if (wait > 0) await sleep(wait);
        pending.push(post(n++).catch(() => ({ ms: NaN, ok: false })));
      }
      const results = await Promise.all(pending);
      const ok = results.filter((r) => r.ok).map((r) => r.ms).sort((a, b) => a - b);
      const p50 = percentile(ok, 50);
      const p99 = percentile(ok, 99);
      const target = TARGETS[rate];
      out.push({
        ratePerSecond: rate,
        seconds,
        requests: total,
        errors: results.length - ok.length,
        p50Ms: round(p50, 2),
        p90Ms: round(percentile(ok, 90), 2),
        p99Ms: round(p99, 2),
        maxMs: round(ok[ok.length - 1] ?? NaN, 2),
        target: target ? `${target.p50 !== undefined ? `p50 ≤ ${target.p50} ms, ` : ''}p99 ≤ ${target.p99} ms at ${rate} requests/s` : 'none',
        met: !!target && (target.p50 === undefined || p50 <= target.p50) && p99 <= target.p99 && results.length === ok.length,
      });
      await sleep(2000); // let the jobs of this rate drain before the next
    }
    return { rates: out };
  } finally {
    await stack.close();
  }
}
