/**
 * The whole local stack for job tests that must run through the spine: the Workspace sandbox
 * (which also serves the local issuer's JWKS), the Cloud Tasks emulator over gRPC, the real app
 * with its real worker, handlers, SQLite store, Google clients and Chat reply port. Jobs go in
 * through POST /v1/jobs with an add-on ID token and come back through the emulator's deliveries
 * to /tasks/run, exactly as on a laptop running `npm start`. The stack is inProcessStack's; this
 * adds tokens and waiting for jobs.
 */
import type { LocalIssuer } from '../../local/issuer.js';
import type { Sandbox } from '../../local/sandbox/sandbox.js';
import type { Config } from '../../service/config.js';
import type { BuiltDeps } from '../../service/deps.js';
import type { JobRecord } from '../../shared/job.js';
import { startInProcessStack } from '../../local/inProcessStack.js';

export type JobsSpine = {
  url: string;
  config: Config;
  deps: BuiltDeps;
  sandbox: Sandbox;
  issuer: LocalIssuer;
  userToken(email?: string): Promise<string>;
  taskToken(): Promise<string>;
  /** Polls the store until every job satisfies `until`. */
  waitForJobs(ids: string[], until: (job: JobRecord) => boolean, timeoutMs?: number): Promise<JobRecord[]>;
  close(): Promise<void>;
};

export async function startJobsSpine(opts: { chatWriteIntervalMs?: number; timeScale?: number; latencyMs?: number; env?: Record<string, string> } = {}): Promise<JobsSpine> {
  const stack = await startInProcessStack({
    prefix: 'tasuki-jobs-spine-',
    chatLimits: { chatWriteIntervalMs: opts.chatWriteIntervalMs ?? 10, chatWriteBurst: 5 },
    emulatorTimeScale: opts.timeScale ?? 0.2,
    serviceEnv: { TASUKI_ALLOWED_DOMAINS: 'example.co.jp', ...opts.env },
    deps: { cancelPollMs: 200 },
  });
  const { config, deps, sandbox, issuer } = stack;
  if (opts.latencyMs) for (const api of ['chat', 'drive', 'sheets', 'docs', 'gmail', 'calendar'] as const) sandbox.faults.set({ api, latencyMs: opts.latencyMs });

  return {
    url: stack.serviceUrl,
    config,
    deps,
    sandbox,
    issuer,
    userToken: (email = 'sato@example.co.jp') => issuer.mintIdToken({ aud: config.scriptClientId, email }),
    taskToken: () => issuer.mintIdToken({ aud: config.serviceUrl, email: config.invokerServiceAccount }),
    async waitForJobs(ids, until, timeoutMs = 90_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const jobs = await Promise.all(ids.map((id) => deps.store.getJob(id)));
        if (jobs.every((j) => j && until(j))) return jobs as JobRecord[];
        if (Date.now() > deadline) {
          const pending = jobs.filter((j) => !j || !until(j)).map((j) => (j ? `${j.id}:${j.status}:${j.error?.code ?? ''}` : 'missing'));
          throw new Error(`timed out waiting for ${pending.length} jobs: ${pending.slice(0, 5).join(', ')}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => stack.close(),
  };
}
