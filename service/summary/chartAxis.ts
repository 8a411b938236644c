/**
 * The chart's y axis: round steps and yen labels people read at a glance. The step is 1, 2 or 5
 * times a power of ten, chosen so that 3–5 steps cover the largest bar (¥680,000 → 0, ¥20万, ¥40万,
 * ¥60万, ¥80万; never 113k or 338k). Labels follow the viewer's language: Japanese counts in 万 and
 * 億 (¥20万, ¥1,200万, ¥1.5億), English in k and M (¥200k, ¥12M). Pure functions.
 */
import type { Locale } from '../../shared/locale.js';

/** Tick values from 0 up to the first tick at or above `max` (at least one step of at least 1). */
export function niceTicks(max: number, maxSteps = 5): number[] {
  const top = Math.max(max, 1);
  const raw = top / maxSteps;
  const power = 10 ** Math.floor(Math.log10(raw));
  // Whole yen: never a step below ¥1.
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power);
  const ticks: number[] = [];
  for (let v = 0; ticks.length === 0 || ticks[ticks.length - 1]! < top; v += step) ticks.push(Math.round(v));
  return ticks;
}

const trim = (n: number) => (Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 1 }));

/** ¥ amount for an axis: ja ¥20万 / ¥1.5億, en ¥200k / ¥1.2M. */
export function yenTick(value: number, locale: Locale): string {
  if (value === 0) return '¥0';
  if (locale === 'ja') {
    if (value >= 100_000_000) return `¥${trim(value / 100_000_000)}億`;
    if (value >= 10_000) return `¥${trim(value / 10_000)}万`;
    return `¥${trim(value)}`;
  }
  if (value >= 1_000_000) return `¥${trim(value / 1_000_000)}M`;
  if (value >= 1_000) return `¥${trim(value / 1_000)}k`;
  return `¥${trim(value)}`;
}
