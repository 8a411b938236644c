/**
 * A small seeded pseudo-random generator (mulberry32) for the chaos suite, so a run's workload,
 * kill times and fault draws can be replayed from its printed seed. Not for anything secret.
 *
 *   const rnd = seededRandom(42);
 *   rnd.next()            // [0, 1)
 *   rnd.between(2, 6)     // [2, 6)
 *   rnd.int(0, 10)        // integer in [0, 10]
 *   rnd.pick(['a', 'b'])
 *   rnd.fork('kills')     // an independent stream, so adding draws in one place does not shift another's
 */
export type SeededRandom = {
  readonly seed: number;
  next(): number;
  between(min: number, max: number): number;
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  fork(label: string): SeededRandom;
};

export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    seed,
    next,
    between: (min, max) => min + (max - min) * next(),
    int: (min, max) => min + Math.floor((max - min + 1) * next()),
    pick: (items) => {
      if (items.length === 0) throw new Error('seededRandom.pick: no items');
      return items[Math.floor(items.length * next())]!;
    },
    fork: (label) => {
      let h = seed >>> 0;
      for (const c of label) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
      return seededRandom(h);
    },
  };
}
