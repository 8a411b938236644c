/**
 * At most one write per `intervalMs` per key (a Chat space: Google allows about one message write
 * per second per space, shared by every app in it). Progress updates use `tryAcquire` and are
 * simply skipped when too soon (the next one, or the final card, carries the full state);
 * final updates use `acquire`, which waits for the key's turn. Clock and sleep are injectable so
 * tests can check the spacing without waiting.
 */
export type WriteThrottleOptions = {
  intervalMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
};

export class WriteThrottle {
  private readonly last = new Map<string, number>();
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(opts: WriteThrottleOptions = {}) {
    this.intervalMs = opts.intervalMs ?? 1000;
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Takes the key's turn if it is free now; false means "skip this write". */
  tryAcquire(key: string): boolean {
    const now = this.now();
    const last = this.last.get(key);
    if (last !== undefined && now - last < this.intervalMs) return false;
    this.mark(key, now);
    return true;
  }

  /** Waits until the key's turn, then takes it. */
  async acquire(key: string): Promise<void> {
    for (;;) {
      const now = this.now();
      const last = this.last.get(key);
      const wait = last === undefined ? 0 : last + this.intervalMs - now;
      if (wait <= 0) {
        this.mark(key, now);
        return;
      }
      await this.sleep(wait);
    }
  }

  private mark(key: string, now: number): void {
    this.last.set(key, now);
    // Forget keys idle for a while so a long-lived instance does not grow without bound.
    if (this.last.size > 1000) {
      for (const [k, t] of this.last) if (now - t > this.intervalMs * 60) this.last.delete(k);
    }
  }
}
