/**
 * W1, the I/O-bound office job of the benchmarks: three sequential HTTP GETs of a slow endpoint
 * (200 ms each in `npm run bench -- w1`), each a durable step, as a job that calls three Google
 * APIs in turn would. Bench-only: bench/benchService.ts registers it in place of system.echo's
 * handler (job kinds are a closed list in shared/jobKinds.ts, and a bench kind must not ship in
 * the product), so its jobs are enqueued as `system.echo` with system.echo's input.
 */
import type { SystemEchoInput, SystemEchoResult } from '../shared/kinds/systemEcho.js';
import { SystemEchoInput as InputSchema } from '../shared/kinds/systemEcho.js';
import type { JobContext, JobHandler } from '../service/worker/jobHandler.js';

export const W1_CALLS = 3;

export function w1Handler(url: string): JobHandler<'system.echo'> {
  return {
    kind: 'system.echo',
    input: InputSchema,
    async run(ctx: JobContext<SystemEchoInput>): Promise<SystemEchoResult> {
      for (let i = 1; i <= W1_CALLS; i++) {
        await ctx.step(`get-${i}`, async () => {
          const res = await fetch(`${url}?call=${i}`, { signal: ctx.signal });
          await res.arrayBuffer();
          if (!res.ok) throw new Error(`W1 call ${i}: HTTP ${res.status}`);
          return { status: res.status };
        });
      }
      return { message: ctx.input.message, steps: W1_CALLS };
    },
  };
}
