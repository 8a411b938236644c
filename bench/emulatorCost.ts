/**
 * CPU the Cloud Tasks emulator spends per task, measured on the emulator alone: the standalone
 * CLI in its own process (so /proc gives its CPU and nothing else's), the real CloudTasksClient
 * creating named tasks with an OIDC token (as tasuki's do) on a paused queue, then the queue
 * resumed against an HTTP target in this process that holds each request `holdMs` (an I/O-bound
 * job) with `concurrency` attempts in flight. Reported per task: CPU for CreateTask, and CPU from
 * resume until the last delivery was answered.
 *
 * Three rounds of `tasks` tasks in the same process: the first (the top-level figures, and
 * `met`) starts right after the emulator did, so it includes V8 warming up — compiling the hot
 * paths (on helper threads, see `threads`) and running them unoptimised meanwhile; `warm` is the
 * same again at once, which is what a long-running emulator spends per task; `rest` is a third
 * round with the tasks created the way the service creates them, through Cloud Tasks' REST
 * mapping with the service's own client (service/queue/cloudTasksRest.ts) and its request body.
 */
import { CloudTasksClient } from '@google-cloud/tasks';
import { grpc } from 'google-gax';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnEmulatorProcess } from '../local/tasks-emulator/emulatorProcess.js';
import { CloudTasksRest } from '../service/queue/cloudTasksRest.js';
import { cpuMs, round } from './processes.js';

const PARENT = 'projects/bench/locations/asia-northeast1';

export type EmulatorCostOptions = { tasks?: number; concurrency?: number; holdMs?: number };

/** One round: create `tasks` tasks on the paused queue, then resume and drain it. */
export type EmulatorRound = {
  createCpuMsPerTask: number;
  dispatchCpuMsPerTask: number;
  totalCpuMsPerTask: number;
  drainSeconds: number;
  /** The drain's pace against `concurrency / holdMs`. */
  efficiency: number;
  /**
   * Where the CPU went, per task and phase: the main thread (JS, SQLite, syscalls it makes) and
   * the process's other threads (V8's compiler and GC helpers, libuv's pool), user and system.
   */
  threads: { create: ThreadSplit; dispatch: ThreadSplit };
};

export type EmulatorCost = EmulatorRound & {
  tasks: number;
  concurrency: number;
  holdMs: number;
  /** The same round again in the same process, V8 warmed up. */
  warm: EmulatorRound;
  /** A third round, created over REST as the service does (service/queue/cloudTasksRest.ts). */
  rest: EmulatorRound;
  target: string;
  met: boolean;
};

export type ThreadSplit = { mainUser: number; mainSys: number; otherUser: number; otherSys: number };
type ThreadTicks = { mainUser: number; mainSys: number; otherUser: number; otherSys: number };

/** CPU of each thread of `pid` in ms (Linux /proc/PID/task/TID/stat, 10 ms ticks), main apart. */
function threadCpuMs(pid: number): ThreadTicks {
  const t: ThreadTicks = { mainUser: 0, mainSys: 0, otherUser: 0, otherSys: 0 };
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended while we looked
    }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [user, sys] = [Number(f[11]) * 10, Number(f[12]) * 10];
    if (tid === String(pid)) [t.mainUser, t.mainSys] = [user, sys];
    else [t.otherUser, t.otherSys] = [t.otherUser + user, t.otherSys + sys];
  }
  return t;
}

function split(a: ThreadTicks, b: ThreadTicks, tasks: number): ThreadSplit {
  const per = (k: keyof ThreadTicks) => round((b[k] - a[k]) / tasks, 3);
  return { mainUser: per('mainUser'), mainSys: per('mainSys'), otherUser: per('otherUser'), otherSys: per('otherSys') };
}

export function tasksClient(port: number): CloudTasksClient {
  return new CloudTasksClient({ servicePath: '127.0.0.1', port, sslCreds: grpc.credentials.createInsecure(), projectId: 'bench', universeDomain: 'googleapis.com' });
}

export async function benchEmulatorCost(opts: EmulatorCostOptions = {}): Promise<EmulatorCost> {
  const tasks = opts.tasks ?? 1000;
  const concurrency = opts.concurrency ?? 80;
  const holdMs = opts.holdMs ?? 600;
  const dataDir = mkdtempSync(join(tmpdir(), 'tasuki-bench-emulator-'));
  let answered = 0;
  let roundEnd = 0;
  let allAnswered = () => {};
  const target = createServer((req, res) => {
    req.resume();
    setTimeout(() => {
      res.end('ok');
      if (++answered === roundEnd) allAnswered();
    }, holdMs);
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/tasks/run`;
  const emu = await spawnEmulatorProcess(dataDir, { nodeArgs: process.env.BENCH_EMULATOR_NODE_ARGS?.split(' ').filter(Boolean) ?? [] });
  const client = tasksClient(emu.port);
  try {
    const queue = `${PARENT}/queues/bench`;
    await client.createQueue({ parent: PARENT, queue: { name: queue, rateLimits: { maxConcurrentDispatches: concurrency, maxDispatchesPerSecond: 500 } } });
    await client.pauseQueue({ name: queue });
    const body = Buffer.from(JSON.stringify({ jobId: 'x'.repeat(26), generation: 1 }));
    const create = (i: number) =>
      client.createTask({
        parent: queue,
        task: {
          name: `${queue}/tasks/job-${i}-1`,
          httpRequest: { url, httpMethod: 'POST', headers: { 'content-type': 'application/json' }, body, oidcToken: { serviceAccountEmail: 'invoker@bench.iam.gserviceaccount.com', audience: url } },
          dispatchDeadline: { seconds: 600 },
        },
      });
    for (let i = 0; i < 20; i++) await create(-1 - i); // warm-up: channel, statements
    await client.purgeQueue({ name: queue });

    const rest = new CloudTasksRest({ baseUrl: `http://127.0.0.1:${emu.port}`, token: async () => undefined });
    const createRest = (i: number) =>
      rest.call('POST', `/v2/${queue}/tasks`, {
        task: {
          name: `${queue}/tasks/job-${i}-1`,
          httpRequest: { url, httpMethod: 'POST', headers: { 'Content-Type': 'application/json' }, body: body.toString('base64'), oidcToken: { serviceAccountEmail: 'invoker@bench.iam.gserviceaccount.com', audience: url } },
          dispatchDeadline: '600s',
        },
      });
    await createRest(-100); // warm-up: connection
    await rest.call('POST', `/v2/${queue}:purge`, {});

    const measureRound = async (first: number, create: (i: number) => Promise<unknown>): Promise<EmulatorRound> => {
      roundEnd = answered + tasks;
      const done = new Promise<void>((r) => (allAnswered = r));
      const c0 = cpuMs(emu.pid);
      const th0 = threadCpuMs(emu.pid);
      // Enqueued as a service under load would: many calls in flight at once.
      for (let i = 0; i < tasks; i += 50) await Promise.all(Array.from({ length: Math.min(50, tasks - i) }, (_, k) => create(first + i + k)));
      const c1 = cpuMs(emu.pid);
      const th1 = threadCpuMs(emu.pid);
      const t0 = performance.now();
      await client.resumeQueue({ name: queue });
      await done;
      const drainSeconds = (performance.now() - t0) / 1000;
      await new Promise((r) => setTimeout(r, 100)); // the last outcomes are recorded after the answers
      const c2 = cpuMs(emu.pid);
      const th2 = threadCpuMs(emu.pid);
      await client.pauseQueue({ name: queue });
      return {
        createCpuMsPerTask: round((c1 - c0) / tasks, 3),
        dispatchCpuMsPerTask: round((c2 - c1) / tasks, 3),
        totalCpuMsPerTask: round((c2 - c0) / tasks, 3),
        drainSeconds: round(drainSeconds, 2),
        efficiency: round(tasks / drainSeconds / (concurrency / (holdMs / 1000)), 3),
        threads: { create: split(th0, th1, tasks), dispatch: split(th1, th2, tasks) },
      };
    };
    const cold = await measureRound(0, create);
    const warm = await measureRound(tasks, create);
    const overRest = await measureRound(2 * tasks, createRest);
    rest.close();
    return {
      tasks,
      concurrency,
      holdMs,
      ...cold,
      warm,
      rest: overRest,
      target: 'emulator ≤ 0.5 ms CPU per task',
      met: cold.totalCpuMsPerTask <= 0.5,
    };
  } finally {
    await client.close();
    await emu.stop();
    await new Promise((r) => target.close(r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}
