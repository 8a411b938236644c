/**
 * `system.echo`: proves the spine end to end without touching Workspace.
 *
 * Reads: its input only (shared/kinds/systemEcho.ts). Writes: nothing outside the job record.
 * Behaviour, in order: `failPermanently` → permanent failure; while this is one of the first
 * `failTimes` deliveries (job.attempts counts them) → retryable failure; then `steps` memoized
 * steps named `echo-1…N`, each sleeping `delayMs` (aborted by cancel/deadline) and reporting
 * progress. Idempotent by construction: a redelivery skips the finished steps.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { SystemEchoInput, SystemEchoResult } from '../../shared/kinds/systemEcho.js';
import { SystemEchoInput as InputSchema } from '../../shared/kinds/systemEcho.js';
import { type JobContext, type JobHandler } from '../worker/jobHandler.js';
import { JobFailure } from '../jobFailure.js';

export const systemEcho: JobHandler<'system.echo'> = {
  kind: 'system.echo',
  input: InputSchema,
  async run(ctx: JobContext<SystemEchoInput>): Promise<SystemEchoResult> {
    const { input } = ctx;
    if (input.failPermanently) {
      throw new JobFailure({
        code: 'echo_failed_permanently',
        retryable: false,
        userMessage: { ja: 'テスト用の恒久的な失敗です（failPermanently）。', en: 'Permanent test failure (failPermanently).' },
      });
    }
    if (ctx.job.attempts <= input.failTimes) {
      throw new JobFailure({
        code: 'echo_failed_retryably',
        retryable: true,
        userMessage: {
          ja: `テスト用の一時的な失敗です（${ctx.job.attempts}/${input.failTimes} 回目）。`,
          en: `Temporary test failure (${ctx.job.attempts} of ${input.failTimes}).`,
        },
      });
    }
    for (let i = 1; i <= input.steps; i++) {
      await ctx.step(`echo-${i}`, async () => {
        const startedAt = new Date().toISOString();
        if (input.delayMs > 0) await sleep(input.delayMs, undefined, { signal: ctx.signal });
        return { index: i, startedAt };
      });
      await ctx.progress(i, input.steps, `echo ${i}/${input.steps}`);
    }
    return { message: input.message, steps: input.steps };
  },
};
