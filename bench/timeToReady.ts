/**
 * Time-to-ready and idle memory of the service as Cloud Run runs it: the production bundle
 * (scripts/build-service.ts, what the Dockerfile builds) under plain `node`, a process that hosts neither the emulator nor the sandbox (those run here, in the
 * bench process, so the service has real peers). Compared in the same run, alternating, with a
 * bare Express hello world (bench/bareExpress.ts) started the same way.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { freePort } from '../local/stack.js';
import { buildService } from '../scripts/build-service.js';
import { percentile, round, rssMb, sleep, waitForOk } from './processes.js';

export type ReadyResult = {
  runs: number;
  serviceMs: { median: number; p90: number; all: number[] };
  bareExpressMs: { median: number; p90: number; all: number[] };
  ratio: number;
  target: string;
  met: boolean;
  serviceIdleRssMb: number;
  bareExpressIdleRssMb: number;
  rssTarget: string;
  rssMet: boolean;
};

export async function compileForBench(root: string): Promise<{ server: string; bare: string }> {
  const service = await buildService({ root, outDir: join(root, 'build/service') });
  await build({ entryPoints: [join(root, 'bench/bareExpress.ts')], outfile: join(root, 'build/bench/bareExpress.js'), platform: 'node', format: 'esm', bundle: false, logLevel: 'warning' });
  return { server: service.entry, bare: join(root, 'build/bench/bareExpress.js') };
}

async function startOnce(script: string, env: Record<string, string>): Promise<{ ms: number; pid: number; stop: () => Promise<void> }> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, [script], { env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
  const readyAt = await waitForOk(`http://127.0.0.1:${port}/healthz`);
  return {
    ms: readyAt - t0,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((res) => {
        child.once('exit', () => res());
        child.kill('SIGTERM');
      }),
  };
}

export async function benchTimeToReady(opts: { root: string; serviceEnv: Record<string, string>; runs?: number }): Promise<ReadyResult> {
  const { server, bare } = await compileForBench(opts.root);
  const runs = opts.runs ?? 7;
  const dataDir = mkdtempSync(join(tmpdir(), 'tasuki-bench-ready-'));
  const serviceEnv = { TASUKI_DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...opts.serviceEnv };
  const svc: number[] = [];
  const base: number[] = [];
  // One unmeasured start each warms the OS page cache, as a Cloud Run image would be.
  await (await startOnce(server, serviceEnv)).stop();
  await (await startOnce(bare, {})).stop();
  let serviceIdleRssMb = 0;
  let bareExpressIdleRssMb = 0;
  for (let i = 0; i < runs; i++) {
    const s = await startOnce(server, serviceEnv);
    svc.push(s.ms);
    if (i === runs - 1) {
      await sleep(3000);
      serviceIdleRssMb = rssMb(s.pid);
    }
    await s.stop();
    const b = await startOnce(bare, {});
    base.push(b.ms);
    if (i === runs - 1) {
      await sleep(3000);
      bareExpressIdleRssMb = rssMb(b.pid);
    }
    await b.stop();
  }
  const stats = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return { median: round(percentile(sorted, 50)), p90: round(percentile(sorted, 90)), all: xs.map((x) => round(x)) };
  };
  const serviceMs = stats(svc);
  const bareExpressMs = stats(base);
  const ratio = round(serviceMs.median / bareExpressMs.median, 2);
  return {
    runs,
    serviceMs,
    bareExpressMs,
    ratio,
    target: 'service median ≤ 1.5 × bare Express median',
    met: ratio <= 1.5,
    serviceIdleRssMb: round(serviceIdleRssMb),
    bareExpressIdleRssMb: round(bareExpressIdleRssMb),
    rssTarget: 'service idle RSS ≤ 120 MB',
    rssMet: serviceIdleRssMb <= 120,
  };
}
