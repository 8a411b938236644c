/**
 * Test harness for the job kinds: the Workspace sandbox (seeded office) with the real Google
 * clients pointed at it, a real SQLite store, and a JobContext whose steps are memoized in the
 * job record in that store, as the worker does. It can crash a run on purpose:
 * - `{ before: 'ledger' }`: the process dies before step "ledger" starts (kill between steps);
 * - `{ after: 'ledger' }`: step "ledger" did its Google calls, then the process died before its
 *   step record was written (kill between a Google call and its step record).
 * A later `run` with a fresh context on the same stored job resumes as a redelivery would.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { JobRecord, ReplyTarget } from '../../shared/job.js';
import { JOB_KINDS, type JobKind } from '../../shared/jobKinds.js';
import type { Locale } from '../../shared/locale.js';
import type { Config } from '../../service/config.js';
import type { GoogleClients } from '../../service/google/clients.js';
import { createLogger } from '../../service/logger.js';
import { SqliteStore } from '../../service/store/sqliteStore.js';
import type { JobContext, JobHandler } from '../../service/worker/jobHandler.js';
import { startTestSandbox, type TestSandbox } from './sandbox.js';

export class SimulatedCrash extends Error {
  constructor(readonly where: string) {
    super(`simulated crash ${where}`);
    this.name = 'SimulatedCrash';
  }
}

export type Crash = { before: string } | { after: string };

export type JobsEnv = {
  sandbox: TestSandbox;
  config: Config;
  google: GoogleClients;
  store: SqliteStore;
  newJob(kind: JobKind, input: unknown, extra?: { reply?: ReplyTarget; locale?: Locale; requestedBy?: string; id?: string }): Promise<JobRecord>;
  run<T = unknown>(handler: JobHandler, jobId: string, opts?: { crash?: Crash; config?: Partial<Config> }): Promise<T>;
  /** Runs with a crash at every step boundary of `steps` in turn, then to the end. */
  runCrashingEverywhere<T = unknown>(handler: JobHandler, jobId: string, steps: readonly string[]): Promise<T>;
  close(): Promise<void>;
};

export async function startJobsEnv(opts: { config?: Partial<Config>; chatWriteIntervalMs?: number } = {}): Promise<JobsEnv> {
  const sandbox = await startTestSandbox({ chatLimits: { chatWriteIntervalMs: opts.chatWriteIntervalMs ?? 0 } });
  const config: Config = { ...sandbox.config, ...opts.config };
  const store = new SqliteStore(join(sandbox.dataDir, 'jobs-test.sqlite'));
  const log = createLogger({ level: 'silent' });

  const env: JobsEnv = {
    sandbox,
    config,
    google: sandbox.google,
    store,
    async newJob(kind, input, extra = {}) {
      const now = new Date().toISOString();
      const job: JobRecord = {
        id: extra.id ?? `j-${randomUUID().slice(0, 18)}`,
        kind,
        input,
        status: 'running',
        requestedBy: extra.requestedBy ?? 'sato@example.co.jp',
        locale: extra.locale ?? 'ja',
        ...(extra.reply ? { reply: extra.reply } : {}),
        generation: 1,
        attempts: 1,
        steps: {},
        cancelRequested: false,
        createdAt: now,
        updatedAt: now,
        version: 0,
      };
      return (await store.createJob(job)).job;
    },
    async run<T>(handler: JobHandler, jobId: string, runOpts: { crash?: Crash; config?: Partial<Config> } = {}): Promise<T> {
      const crash = runOpts.crash;
      let job = (await store.getJob(jobId))!;
      const input = JOB_KINDS[job.kind as JobKind].input.parse(job.input);
      const controller = new AbortController();
      const ctx: JobContext<unknown> = {
        get job() {
          return job;
        },
        input,
        locale: job.locale,
        google: sandbox.google,
        store,
        config: { ...config, ...runOpts.config },
        log,
        signal: controller.signal,
        async step<S>(name: string, fn: () => Promise<S>): Promise<S> {
          const saved = job.steps[name];
          if (saved) return saved.output as S;
          if (crash && 'before' in crash && crash.before === name) throw new SimulatedCrash(`before step ${name}`);
          const output = await fn();
          if (crash && 'after' in crash && crash.after === name) throw new SimulatedCrash(`after step ${name}'s calls, before its record`);
          const stored = output === undefined ? null : JSON.parse(JSON.stringify(output));
          for (;;) {
            const fresh = (await store.getJob(jobId))!;
            const next = { ...fresh, steps: { ...fresh.steps, [name]: { output: stored, finishedAt: new Date().toISOString() } } };
            const updated = await store.updateJob(jobId, fresh.version, next);
            if (updated) {
              job = updated;
              break;
            }
          }
          return stored as S;
        },
        async progress(done: number, total: number, label: string) {
          for (;;) {
            const fresh = (await store.getJob(jobId))!;
            const updated = await store.updateJob(jobId, fresh.version, { ...fresh, progress: { done, total, label, updatedAt: new Date().toISOString() } });
            if (updated) {
              job = updated;
              return;
            }
          }
        },
      };
      return (await handler.run(ctx)) as T;
    },
    async runCrashingEverywhere<T>(handler: JobHandler, jobId: string, steps: readonly string[]): Promise<T> {
      for (const step of steps) {
        for (const crash of [{ before: step }, { after: step }] as Crash[]) {
          try {
            await env.run(handler, jobId, { crash });
          } catch (err) {
            if (!(err instanceof SimulatedCrash)) throw err;
          }
        }
      }
      return env.run<T>(handler, jobId);
    },
    async close() {
      await store.close();
      await sandbox.stop();
      rmSync(sandbox.dataDir, { recursive: true, force: true });
    },
  };
  return env;
}
