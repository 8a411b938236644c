/**
 * `system.echo`: the trivial job that proves the spine. Knobs let tests and the console exercise
 * delays, steps, retryable and permanent failures without touching Workspace.
 */
import * as z from '../zod.js';

export const SystemEchoInput = z.strictObject({
  message: z.string().check(z.maxLength(2000)),
  /** Number of steps to run (each memoized), default 1. */
  steps: z._default(z.number().check(z.int(), z.gte(1), z.lte(50)), 1),
  /** Sleep per step in ms (observes cancel). */
  delayMs: z._default(z.number().check(z.int(), z.gte(0), z.lte(120_000)), 0),
  /** Fail retryably on the first N deliveries. */
  failTimes: z._default(z.number().check(z.int(), z.gte(0), z.lte(100)), 0),
  /** Fail permanently (not retryable). */
  failPermanently: z._default(z.boolean(), false),
});
export type SystemEchoInput = z.infer<typeof SystemEchoInput>;

export const SystemEchoResult = z.object({ message: z.string(), steps: z.number().check(z.int()) });
export type SystemEchoResult = z.infer<typeof SystemEchoResult>;
