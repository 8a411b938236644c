/**
 * A small bar chart for Chat cards: amount per month (bars) with the request count above each
 * bar, drawn as SVG and rendered to PNG with resvg. Labels are ASCII only (months, yen in
 * thousands), so the image looks the same on a server without CJK fonts.
 */
import { Resvg } from '@resvg/resvg-js';

export type ChartPoint = { month: string; count: number; amount: number };

const W = 480;
const H = 240;
const PAD = { left: 56, right: 12, top: 28, bottom: 36 };

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function yenLabel(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(n % 1_000_000 === 0 ? 0 : 1)}M`;
  if (n >= 1_000) return `${Math.round(n / 1_000)}k`;
  return String(n);
}

/** At most the last 12 months. */
export function chartSvg(points: ChartPoint[], title: string): string {
  const data = points.slice(-12);
  const max = Math.max(1, ...data.map((p) => p.amount));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, data.length);
  const bar = Math.min(36, slot * 0.6);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Arial, sans-serif">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${PAD.left}" y="18" font-size="13" fill="#202124">${esc(title)}</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const y = PAD.top + plotH - (plotH * i) / 4;
    parts.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y}" y2="${y}" stroke="#e0e0e0"/>`);
    parts.push(`<text x="${PAD.left - 6}" y="${y + 4}" font-size="10" fill="#5f6368" text-anchor="end">${yenLabel((max * i) / 4)}</text>`);
  }
  data.forEach((p, i) => {
    const h = (plotH * p.amount) / max;
    const x = PAD.left + slot * i + (slot - bar) / 2;
    const y = PAD.top + plotH - h;
    parts.push(`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${bar.toFixed(1)}" height="${h.toFixed(1)}" fill="#1a73e8" rx="2"/>`);
    parts.push(`<text x="${(x + bar / 2).toFixed(1)}" y="${(y - 4).toFixed(1)}" font-size="10" fill="#202124" text-anchor="middle">${p.count}</text>`);
    parts.push(`<text x="${(x + bar / 2).toFixed(1)}" y="${H - PAD.bottom + 14}" font-size="10" fill="#5f6368" text-anchor="middle">${esc(p.month.slice(2))}</text>`);
  });
  if (data.length === 0) parts.push(`<text x="${W / 2}" y="${H / 2}" font-size="12" fill="#5f6368" text-anchor="middle">no data</text>`);
  parts.push(`<text x="${W - PAD.right}" y="${H - 6}" font-size="9" fill="#5f6368" text-anchor="end">JPY by month / count above bars</text>`);
  parts.push('</svg>');
  return parts.join('');
}

export function renderPng(svg: string): Buffer {
  const resvg = new Resvg(svg, { fitTo: { mode: 'width', value: W }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } });
  return Buffer.from(resvg.render().asPng());
}
