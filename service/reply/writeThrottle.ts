/**
 * At most one write per `intervalMs` per key (a Chat space: Google allows about one message write
 * per second per space, shared by every app in it). Progress updates use `tryAcquire` and are
 * simply skipped when too soon (the next one, or the final card, carries the full state). Final
 * updates use `acquire`, which reserves the key's next free slot and waits for it; when that slot
 * is more than `maxWaitMs` away (many jobs finishing in one space at once) it throws
 * `ThrottleBusy` instead, so the delivery answers "later" rather than holding its request open.
 * Clock and sleep are injectable so tests can check the spacing without waiting.
 */
export type WriteThrottleOptions = {
  intervalMs?: number;
  /** Longest wait `acquire` accepts (default 10 s). */
  maxWaitMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
};

export class ThrottleBusy extends Error {
  constructor(
    readonly key: string,
    readonly retryAfterSeconds: number,
  ) {
    super(`too many writes queued for ${key}; try again in ${retryAfterSeconds} s`);
    this.name = 'ThrottleBusy';
  }
}

export class WriteThrottle {
  /** Per key: the time of the latest taken or reserved slot. */
  private readonly slots = new Map<string, number>();
  private readonly intervalMs: number;
  private readonly maxWaitMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(opts: WriteThrottleOptions = {}) {
    this.intervalMs = opts.intervalMs ?? 1000;
    this.maxWaitMs = opts.maxWaitMs ?? 10_000;
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Takes the key's slot if it is free now; false means "skip this write". */
  tryAcquire(key: string): boolean {
    const now = this.now();
    const last = this.slots.get(key);
    if (last !== undefined && last + this.intervalMs > now) return false;
    this.take(key, now, now);
    return true;
  }

  /**
   * Reserves the key's next free slot and waits for it, or throws ThrottleBusy when that slot is
   * more than `maxWaitMs` (default: the throttle's) away.
   */
  async acquire(key: string, maxWaitMs = this.maxWaitMs): Promise<void> {
    const now = this.now();
    const last = this.slots.get(key);
    const slot = last === undefined ? now : Math.max(now, last + this.intervalMs);
    const wait = slot - now;
    if (wait > maxWaitMs) throw new ThrottleBusy(key, Math.max(1, Math.ceil(wait / 1000)));
    this.take(key, slot, now);
    if (wait > 0) await this.sleep(wait);
  }

  private take(key: string, slot: number, now: number): void {
    this.slots.set(key, slot);
    // Forget keys idle for a while so a long-lived instance does not grow without bound.
    if (this.slots.size > 1000) {
      for (const [k, t] of this.slots) if (now - t > this.intervalMs * 60) this.slots.delete(k);
    }
  }
}
