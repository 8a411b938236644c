/**
 * `system.echo`: the trivial job that proves the spine. Knobs let tests and the console exercise
 * delays, steps, retryable and permanent failures without touching Workspace.
 */
import * as z from 'zod';

export const SystemEchoInput = z
  .object({
    message: z.string().max(2000),
    /** Number of steps to run (each memoized), default 1. */
    steps: z.number().int().min(1).max(50).default(1),
    /** Sleep per step in ms (observes cancel). */
    delayMs: z.number().int().min(0).max(120_000).default(0),
    /** Fail retryably on the first N deliveries. */
    failTimes: z.number().int().min(0).max(100).default(0),
    /** Fail permanently (not retryable). */
    failPermanently: z.boolean().default(false),
  })
  .strict();
export type SystemEchoInput = z.infer<typeof SystemEchoInput>;

export const SystemEchoResult = z.object({ message: z.string(), steps: z.number().int() });
export type SystemEchoResult = z.infer<typeof SystemEchoResult>;
