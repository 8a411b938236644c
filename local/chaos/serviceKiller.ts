/**
 * Cloud Run's worst day, locally: the service process is SIGKILLed (no shutdown code runs, as on
 * an instance crash or an out-of-memory kill) every `minMs`–`maxMs` of uptime, chosen by the
 * seeded generator, and started again at once (a new instance: cold start, empty caches).
 *
 *   const killer = startServiceKiller({ service: stack, rnd, minMs: 2000, maxMs: 6000 });
 *   …
 *   await killer.stop();      // no more kills; resolves once the service is up again
 *   killer.kills              // SIGKILLs delivered
 *
 * A start that fails (the process exits before it is healthy, e.g. while the emulator is down)
 * is tried again after a second; failures are counted, not fatal.
 */
import type { SeededRandom } from './seededRandom.js';

export type KillableService = { killService(): Promise<void>; startService(): Promise<void> };

export type ServiceKiller = {
  readonly kills: number;
  readonly startFailures: number;
  stop(): Promise<void>;
};

export function startServiceKiller(opts: {
  service: KillableService;
  rnd: SeededRandom;
  minMs: number;
  maxMs: number;
  onError?: (err: unknown) => void;
  /** After each kill and restart: how long the killed instance was up, how long the new one took to be healthy. */
  onCycle?: (cycle: { upMs: number; startMs: number }) => void;
}): ServiceKiller {
  const { service, rnd } = opts;
  if (!(opts.minMs > 0 && opts.maxMs >= opts.minMs)) throw new Error(`kill interval must satisfy 0 < min <= max (got ${opts.minMs}–${opts.maxMs} ms)`);
  let kills = 0;
  let startFailures = 0;
  let stopping = false;
  let wake: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const startUntilUp = async () => {
    for (;;) {
      try {
        await service.startService();
        return;
      } catch (err) {
        startFailures++;
        opts.onError?.(err);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  };

  const loop = (async () => {
    while (!stopping) {
      const upSince = Date.now();
      await sleep(rnd.between(opts.minMs, opts.maxMs));
      if (stopping) break;
      await service.killService();
      kills++;
      const killedAt = Date.now();
      await startUntilUp();
      opts.onCycle?.({ upMs: killedAt - upSince, startMs: Date.now() - killedAt });
    }
    await startUntilUp();
  })();

  return {
    get kills() {
      return kills;
    },
    get startFailures() {
      return startFailures;
    },
    async stop() {
      stopping = true;
      wake?.();
      await loop;
    },
  };
}
