/**
 * The font the summary chart is drawn with: Noto Sans JP Regular (SIL Open Font License 1.1,
 * which allows bundling it with software; the licence travels with the package), from the npm
 * package @embedpdf/fonts-jp, a production dependency. It covers Japanese (JIS X 0208 kanji,
 * kana), Latin and ¥, so client names and labels in either language render instead of "????".
 *
 * Why this way: resvg draws only with fonts it is given, and Cloud Run's Debian image has no CJK
 * font. A package keeps the font in node_modules on every machine (laptop, CI, the image) with no
 * system install; the image keeps only the Regular weight (the Dockerfile deletes the other six,
 * ~27 MB). The package exports no path, so the file is found next to its resolved entry point
 * (through node_modules, which bundling leaves alone: the package is external in
 * scripts/build-service.ts). resvg reads the file itself on each render (the Node binding takes
 * paths, not buffers); nothing is read at start, so cold start pays nothing.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fonts } from '@embedpdf/fonts-jp';

export const CHART_FONT_FAMILY = 'Noto Sans JP';

let cached: string | undefined;

/** Path of the Regular (400) weight inside the installed package (checked once to exist). */
export function chartFontPath(): string {
  if (cached) return cached;
  const regular = fonts.find((f) => f.weight === 400);
  if (!regular) throw new Error('@embedpdf/fonts-jp lists no Regular (400) weight');
  const entry = createRequire(import.meta.url).resolve('@embedpdf/fonts-jp');
  const path = join(dirname(entry), '..', 'fonts', regular.file);
  if (!existsSync(path)) throw new Error(`the chart font ${path} is missing: reinstall @embedpdf/fonts-jp (the image must keep ${regular.file})`);
  cached = path;
  return path;
}
