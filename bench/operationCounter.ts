/**
 * Counts the calls an object's methods receive, by method name, and how many "succeeded" (the
 * result was truthy and, if it has one, its `created` flag was not false) — enough to price a
 * store call as the Firestore operations it stands for (bench/cost.ts). The methods are wrapped
 * on the instance itself, so calls the object makes on itself (a store's sequence claims on
 * its raw document operations) are counted too. `ms` adds up each call's wall time until it
 * settled (where an enqueue's time goes).
 */
export type CallCounts = Record<string, { calls: number; ok: number; ms: number }>;

export function countCalls(target: object, methods: readonly string[], counts: CallCounts): void {
  const t = target as Record<string, unknown>;
  for (const name of methods) {
    const original = t[name];
    if (typeof original !== 'function') continue;
    const c = (counts[name] ??= { calls: 0, ok: 0, ms: 0 });
    const fn = original as (...args: unknown[]) => unknown;
    t[name] = function counted(this: unknown, ...args: unknown[]) {
      c.calls += 1;
      const t0 = performance.now();
      const settle = (r: unknown) => {
        c.ms += performance.now() - t0;
        if (r && (typeof r !== 'object' || (r as { created?: unknown }).created !== false)) c.ok += 1;
        return r;
      };
      const out = fn.apply(this, args);
      return out instanceof Promise ? out.then(settle) : settle(out);
    };
  }
}
