/**
 * The /summary chart: amount per month (bars) with the request count above each bar, drawn as
 * SVG and rendered to PNG with resvg using the bundled Noto Sans JP (chartFont.ts), so Japanese
 * client names and labels render on any server. Words follow the job's locale (SUMMARY_TEXTS);
 * the y axis has round ticks (chartAxis.ts). At most the last 12 months.
 */
import { Resvg } from '@resvg/resvg-js';
import type { Locale } from '../../shared/locale.js';
import { SUMMARY_TEXTS } from '../../shared/messages.js';
import { niceTicks, yenTick } from './chartAxis.js';
import { CHART_FONT_FAMILY, chartFontPath } from './chartFont.js';

export type ChartPoint = { month: string; count: number; amount: number };
export type ChartText = { title: string; locale: Locale };

export const CHART_WIDTH = 480;
export const CHART_HEIGHT = 240;
/** Pixels per SVG unit in the PNG: 2× so text stays sharp on high-density screens. */
export const CHART_SCALE = 2;
const W = CHART_WIDTH;
const H = CHART_HEIGHT;
const PAD = { left: 60, right: 12, top: 30, bottom: 44 };
/** Where the title is drawn, so tests can compare that region with the expected text alone. */
export const TITLE_BOX = { x: PAD.left, baseline: 19, size: 14 };
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const fill = (template: string, values: Record<string, string | number>) => template.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? ''));

/** The chart's title in the viewer's language, for one client or all. */
export function chartTitle(locale: Locale, client?: string): string {
  return client ? fill(SUMMARY_TEXTS.chartTitleClient[locale], { client }) : SUMMARY_TEXTS.chartTitleAll[locale];
}

/** The SVG of one line of text as the chart draws its title: what the title region must look like. */
export function titleOnlySvg(title: string): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${CHART_FONT_FAMILY}">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    titleElement(title),
    '</svg>',
  ].join('');
}

function titleElement(title: string): string {
  return `<text x="${TITLE_BOX.x}" y="${TITLE_BOX.baseline}" font-size="${TITLE_BOX.size}" font-weight="400" fill="#202124">${esc(title)}</text>`;
}

function monthLabel(month: string, locale: Locale): string {
  const m = Number(month.slice(5, 7));
  return locale === 'ja' ? `${m}月` : MONTHS_EN[m - 1] ?? month;
}

/** Every month from the first to the last point (months without requests as zero), sorted. */
export function continuousMonths(points: ChartPoint[]): ChartPoint[] {
  const sorted = [...points].sort((a, b) => a.month.localeCompare(b.month));
  if (sorted.length === 0) return [];
  const known = new Map(sorted.map((p) => [p.month, p]));
  const out: ChartPoint[] = [];
  let [y, m] = sorted[0]!.month.split('-').map(Number) as [number, number];
  const last = sorted[sorted.length - 1]!.month;
  for (let key = sorted[0]!.month; key <= last; key = `${y}-${String(m).padStart(2, '0')}`) {
    out.push(known.get(key) ?? { month: key, count: 0, amount: 0 });
    m++;
    if (m > 12) [y, m] = [y + 1, 1];
  }
  return out;
}

export function chartSvg(points: ChartPoint[], text: ChartText): string {
  const { locale } = text;
  const data = continuousMonths(points).slice(-12);
  const ticks = niceTicks(Math.max(0, ...data.map((p) => p.amount)));
  const top = ticks[ticks.length - 1]!;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, data.length);
  const bar = Math.min(36, slot * 0.6);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${CHART_FONT_FAMILY}">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    titleElement(text.title),
  ];
  for (const tick of ticks) {
    const y = PAD.top + plotH - (plotH * tick) / top;
    parts.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#e0e0e0"/>`);
    parts.push(`<text x="${PAD.left - 6}" y="${(y + 4).toFixed(1)}" font-size="10" fill="#5f6368" text-anchor="end">${esc(yenTick(tick, locale))}</text>`);
  }
  data.forEach((p, i) => {
    const h = (plotH * p.amount) / top;
    const cx = PAD.left + slot * i + slot / 2;
    const y = PAD.top + plotH - h;
    parts.push(`<rect x="${(cx - bar / 2).toFixed(1)}" y="${y.toFixed(1)}" width="${bar.toFixed(1)}" height="${h.toFixed(1)}" fill="#1a73e8" rx="2"/>`);
    parts.push(`<text x="${cx.toFixed(1)}" y="${(y - 4).toFixed(1)}" font-size="10" fill="#202124" text-anchor="middle">${esc(fill(SUMMARY_TEXTS.chartCount[locale], { count: p.count }))}</text>`);
    parts.push(`<text x="${cx.toFixed(1)}" y="${H - PAD.bottom + 14}" font-size="10" fill="#5f6368" text-anchor="middle">${esc(monthLabel(p.month, locale))}</text>`);
    // The year under the first month and under each January.
    if (i === 0 || p.month.endsWith('-01')) {
      parts.push(`<text x="${cx.toFixed(1)}" y="${H - PAD.bottom + 26}" font-size="9" fill="#5f6368" text-anchor="middle">${esc(fill(SUMMARY_TEXTS.chartYear[locale], { year: p.month.slice(0, 4) }))}</text>`);
    }
  });
  if (data.length === 0) parts.push(`<text x="${W / 2}" y="${H / 2}" font-size="12" fill="#5f6368" text-anchor="middle">${esc(SUMMARY_TEXTS.chartNoData[locale])}</text>`);
  parts.push(`<text x="${W - PAD.right}" y="${H - 4}" font-size="9" fill="#5f6368" text-anchor="end">${esc(SUMMARY_TEXTS.chartLegend[locale])}</text>`);
  parts.push('</svg>');
  return parts.join('');
}

/** PNG of an SVG drawn only with the bundled font (no system fonts: the same image everywhere). */
export function renderPng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: W * CHART_SCALE },
    font: { loadSystemFonts: false, fontFiles: [chartFontPath()], defaultFontFamily: CHART_FONT_FAMILY, sansSerifFamily: CHART_FONT_FAMILY },
  });
  return Buffer.from(resvg.render().asPng());
}
