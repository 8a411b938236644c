/**
 * W1, the I/O-bound office job of the benchmarks: three sequential HTTP GETs of a slow endpoint
 * (200 ms each in `npm run bench -- w1`), each a durable step, as a job that calls three Google
 * APIs in turn would. Bench-only: bench/benchService.ts registers it in place of system.echo's
 * handler (job kinds are a closed list in shared/jobKinds.ts, and a bench kind must not ship in
 * the product), so its jobs are enqueued as `system.echo` with system.echo's input.
 *
 * The GETs go over node:http with a keep-alive agent, as the product's Google calls do: the
 * googleapis clients (gaxios 7) send through node-fetch 3, which is node:http underneath, not
 * Node's built-in fetch (undici), whose per-request work is several times larger in Node 20 and
 * would make the bench measure the HTTP client instead of tasuki.
 */
import { Agent, get } from 'node:http';
import type { SystemEchoInput, SystemEchoResult } from '../shared/kinds/systemEcho.js';
import { SystemEchoInput as InputSchema } from '../shared/kinds/systemEcho.js';
import type { JobContext, JobHandler } from '../service/worker/jobHandler.js';

export const W1_CALLS = 3;

/** One GET: resolves with the status once the body has been read; aborts with the job. */
function getStatus(url: string, agent: Agent, signal: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent, signal }, (res) => {
      res.on('error', reject);
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.resume();
    });
    req.on('error', reject);
  });
}

export function w1Handler(url: string): JobHandler<'system.echo'> {
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  return {
    kind: 'system.echo',
    input: InputSchema,
    async run(ctx: JobContext<SystemEchoInput>): Promise<SystemEchoResult> {
      for (let i = 1; i <= W1_CALLS; i++) {
        await ctx.step(`get-${i}`, async () => {
          const status = await getStatus(`${url}?call=${i}`, agent, ctx.signal);
          if (status < 200 || status >= 300) throw new Error(`W1 call ${i}: HTTP ${status}`);
          return { status };
        });
      }
      return { message: ctx.input.message, steps: W1_CALLS };
    },
  };
}
