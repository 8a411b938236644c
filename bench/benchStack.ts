/**
 * The local stack as the cost benchmarks run it, one process per part so each one's CPU and
 * memory can be read from /proc: the Workspace sandbox (token keys, Google APIs) in this
 * process, the Cloud Tasks emulator as its own process (the CLI), and the service as its own
 * process from a bundle of bench/benchService.ts (the production app with operation counters,
 * and W1's handler when `w1Url` is given). The queue is set to `concurrency` dispatches in
 * flight and 500/s once the service has created it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn, type ChildProcess } from 'node:child_process';
import { spawnEmulatorProcess, type EmulatorProcess } from '../local/tasks-emulator/emulatorProcess.js';
import { startStandIns, type StandIns } from '../local/stack.js';
import { buildService } from '../scripts/build-service.js';
import { queuePath } from '../service/config.js';
import { createLogger } from '../service/logger.js';
import type { BenchCounts } from './benchService.js';
import { tasksClient } from './emulatorCost.js';
import { sleep, waitForOk } from './processes.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export type BenchStack = {
  standIns: StandIns;
  emulator: EmulatorProcess;
  servicePid: number;
  serviceUrl: string;
  queueName: string;
  counts(): Promise<BenchCounts>;
  pauseQueue(): Promise<void>;
  resumeQueue(): Promise<void>;
  close(): Promise<void>;
};

export async function startBenchStack(opts: { concurrency: number; w1Url?: string }): Promise<BenchStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tasuki-bench-cost-'));
  const bundleDir = join(ROOT, 'build', `bench-${process.pid}-${Date.now().toString(36)}`);
  const standIns = await startStandIns({ dataDir, consolePort: 0, servicePort: 0, emulatorPort: 0, logger: createLogger({ level: 'silent' }), chatLimits: { chatWriteIntervalMs: 0 } });
  let emulator: EmulatorProcess | undefined;
  let service: ChildProcess | undefined;
  const client = { current: undefined as ReturnType<typeof tasksClient> | undefined };
  const close = async () => {
    if (service && service.exitCode === null) {
      const gone = new Promise((r) => service!.once('exit', r));
      service.kill('SIGTERM');
      await gone;
    }
    await client.current?.close();
    await emulator?.stop();
    await standIns.close();
    rmSync(bundleDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    // The emulator moves to its own process, on the port the service is configured with.
    const port = standIns.emulator.port;
    await standIns.stopEmulator();
    emulator = await spawnEmulatorProcess(dataDir, { port });
    const built = await buildService({ root: ROOT, outDir: bundleDir, entry: 'bench/benchService.ts' });
    // TASUKI_BENCH_CPU_PROF_DIR=<dir>: the service writes a V8 CPU profile there when it stops
    // (Node refuses --cpu-prof in NODE_OPTIONS, and the service is a child of the bench).
    const profDir = process.env.TASUKI_BENCH_CPU_PROF_DIR;
    service = spawn(process.execPath, [...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []), built.entry], {
      cwd: ROOT,
      env: { ...process.env, ...standIns.serviceEnv, ...(opts.w1Url ? { TASUKI_BENCH_W1_URL: opts.w1Url } : {}) },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await waitForOk(`${standIns.serviceUrl}/healthz`, 30_000, 20);
    const queueName = queuePath(standIns.config);
    client.current = tasksClient(port);
    const tasks = client.current;
    for (let i = 0; ; i++) {
      try {
        await tasks.getQueue({ name: queueName });
        break;
      } catch (err) {
        if (i > 100) throw err;
        await sleep(100);
      }
    }
    await tasks.updateQueue({
      queue: { name: queueName, rateLimits: { maxConcurrentDispatches: opts.concurrency, maxDispatchesPerSecond: 500 } },
      updateMask: { paths: ['rate_limits.max_concurrent_dispatches', 'rate_limits.max_dispatches_per_second'] },
    });
    const servicePid = service.pid!;
    return {
      standIns,
      emulator,
      servicePid,
      serviceUrl: standIns.serviceUrl,
      queueName,
      async counts() {
        const res = await fetch(`${standIns.serviceUrl}/_bench/counts`);
        return (await res.json()) as BenchCounts;
      },
      async pauseQueue() {
        await tasks.pauseQueue({ name: queueName });
      },
      async resumeQueue() {
        await tasks.resumeQueue({ name: queueName });
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
