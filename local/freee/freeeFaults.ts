/**
 * Fault knobs and rate limits of the freee stand-in, held in memory (they describe an experiment):
 * - latencyMs, errorRates {429, 500, 503}: applied before an API call runs, so it changes nothing;
 * - loseNextCreates: the next n POST /invoices|/quotations|/api/1/partners are committed and then
 *   answered 503, the lost-answer case a redelivery must survive without a second document;
 * - accessTokenTtlSeconds: life of new access tokens (freee: 21600), short to exercise refresh;
 * - perMinute / perHour / perDay: freee請求書's limits (30 a minute, 1,500 an hour; a day 3,000,
 *   5,000 or 10,000 by the freee会計 plan, per company and app), reported in freee's X-RateLimit-*
 *   headers on every answer (the hour's as X-RateLimit-Limit/Remaining/Reset, the others with a
 *   -Minute / -Day suffix, resets as ISO times) and enforced with 429;
 * - numbering: 'manual' (tasuki's numbers) or 'auto' (自動採番: freee refuses given numbers).
 *
 *   faults.set({ errorRates: { 503: 0.2 }, loseNextCreates: 1 })
 */
import * as z from 'zod';

export const FreeeFaultUpdate = z
  .object({
    latencyMs: z.number().int().min(0).max(60_000).optional(),
    errorRates: z.partialRecord(z.enum(['429', '500', '503']), z.number().min(0).max(1)).optional(),
    loseNextCreates: z.number().int().min(0).max(100).optional(),
    accessTokenTtlSeconds: z.number().int().min(1).max(86_400).optional(),
    perMinute: z.number().int().min(1).max(100_000).optional(),
    perHour: z.number().int().min(1).max(1_000_000).optional(),
    perDay: z.number().int().min(1).max(10_000_000).optional(),
    numbering: z.enum(['manual', 'auto']).optional(),
  })
  .strict();
export type FreeeFaultUpdate = z.input<typeof FreeeFaultUpdate>;
export type FreeeFaultSettings = Required<Omit<z.infer<typeof FreeeFaultUpdate>, 'numbering'>>;

export const FREEE_DEFAULTS: FreeeFaultSettings = {
  latencyMs: 0,
  errorRates: {},
  loseNextCreates: 0,
  accessTokenTtlSeconds: 21_600,
  perMinute: 30,
  perHour: 1_500,
  perDay: 3_000,
};

export class FreeeFaults {
  settings: FreeeFaultSettings;
  private readonly windows = new Map<string, { minuteStart: number; minute: number; hourStart: number; hour: number; dayStart: number; day: number }>();
  /** Calls refused or failed on purpose, for the console and tests. */
  injected = 0;

  constructor(initial: Partial<FreeeFaultSettings> = {}, private readonly random: () => number = Math.random) {
    this.settings = { ...FREEE_DEFAULTS, ...initial };
  }

  set(update: FreeeFaultUpdate): FreeeFaultSettings {
    const parsed = FreeeFaultUpdate.parse(update);
    const { numbering: _numbering, ...rest } = parsed;
    this.settings = { ...this.settings, ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) };
    return this.settings;
  }

  clear(): void {
    this.settings = { ...FREEE_DEFAULTS };
    this.windows.clear();
  }

  /** The injected error status for this call, if any. */
  pickError(): 429 | 500 | 503 | null {
    for (const [status, rate] of Object.entries(this.settings.errorRates)) {
      if (rate && this.random() < rate) {
        this.injected++;
        return Number(status) as 429 | 500 | 503;
      }
    }
    return null;
  }

  /** Counts one call of `key` (company); returns the headers and whether it is over a limit. */
  count(key: string, now: number): { headers: Record<string, string>; limited: boolean } {
    const w = this.windows.get(key) ?? { minuteStart: now, minute: 0, hourStart: now, hour: 0, dayStart: now, day: 0 };
    if (now - w.minuteStart >= 60_000) Object.assign(w, { minuteStart: now, minute: 0 });
    if (now - w.hourStart >= 3_600_000) Object.assign(w, { hourStart: now, hour: 0 });
    if (now - w.dayStart >= 86_400_000) Object.assign(w, { dayStart: now, day: 0 });
    const { perMinute, perHour, perDay } = this.settings;
    const limited = w.minute >= perMinute || w.hour >= perHour || w.day >= perDay;
    if (!limited) {
      w.minute++;
      w.hour++;
      w.day++;
    } else this.injected++;
    this.windows.set(key, w);
    const iso = (t: number) => new Date(t).toISOString().replace('Z', '000Z');
    return {
      limited,
      headers: {
        'X-RateLimit-Limit': String(perHour),
        'X-RateLimit-Remaining': String(Math.max(0, perHour - w.hour)),
        'X-RateLimit-Reset': iso(w.hourStart + 3_600_000),
        'X-Ratelimit-Limit-Minute': String(perMinute),
        'X-Ratelimit-Remaining-Minute': String(Math.max(0, perMinute - w.minute)),
        'X-Ratelimit-Reset-Minute': iso(w.minuteStart + 60_000),
        'X-RateLimit-Limit-Day': String(perDay),
        'X-RateLimit-Remaining-Day': String(Math.max(0, perDay - w.day)),
        'X-Ratelimit-Reset-Day': iso(w.dayStart + 86_400_000),
      },
    };
  }

  /** True when this create's answer is to be lost (the document is committed first). */
  loseThisCreate(): boolean {
    if (this.settings.loseNextCreates <= 0) return false;
    this.settings.loseNextCreates--;
    this.injected++;
    return true;
  }
}
