// Summary arithmetic (per client and month, median lead time), the SVG→PNG chart, and the
// charts route serving it by an unguessable id.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import express from 'express';
import request from 'supertest';
import { chartsRouter } from '../service/routes/charts.js';
import { SqliteStore } from '../service/store/sqliteStore.js';
import { chartIdFor, loadChart, saveChart } from '../service/summary/chartImages.js';
import { byMonth, matchesClient, median, projectFromLedger, summarize } from '../service/summary/ledgerSummary.js';
import { Resvg } from '@resvg/resvg-js';
import { niceTicks, yenTick } from '../service/summary/chartAxis.js';
import { CHART_SCALE, TITLE_BOX, chartSvg, continuousMonths, chartTitle, renderPng, titleOnlySvg } from '../service/summary/summaryChart.js';

let dir: string;
let store: SqliteStore;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tasuki-summary-'));
  store = new SqliteStore(join(dir, 'store.sqlite'));
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const row = (n: number, client: string, requestedAt: string, amount: string, deliveredAt = '') => ({
  projectNumber: `P-2026-${String(n).padStart(3, '0')}`, requestedAt, client, title: `t${n}`, amount, deliveredAt, clientEmail: client === '株式会社アクメ' ? 'tanaka@acme.example' : '', status: '', folderUrl: '',
});

test('per client and month: count, amount, median lead days over delivered rows only', () => {
  const projects = [
    row(1, '株式会社アクメ', '2026-06-03', '180,000', '2026-06-18'),
    row(2, '株式会社アクメ', '2026/06/20', '¥20000', '2026-06-30'),
    row(3, '株式会社アクメ', '2026-06-25', '100000', '2026-07-20'),
    row(4, '株式会社アクメ', '2026-07-01', '50000'),
    row(5, 'Blue Harbor', '2026-06-15', 'x', '2026-07-08'),
    { ...row(6, 'Nobody', 'someday', '1') },
  ].flatMap((r) => projectFromLedger(r) ?? []);
  assert.equal(projects.length, 5, 'a row without a readable request date is left out');
  assert.deepEqual(summarize(projects), [
    { client: 'Blue Harbor', month: '2026-06', count: 1, amount: 0, medianLeadDays: 23 },
    { client: '株式会社アクメ', month: '2026-06', count: 3, amount: 300_000, medianLeadDays: 15 },
    { client: '株式会社アクメ', month: '2026-07', count: 1, amount: 50_000, medianLeadDays: null },
  ]);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([]), null);
  assert.ok(matchesClient(projects[0]!, 'ACME'), 'matches the e-mail domain, any case');
  assert.ok(matchesClient(projects[0]!, 'アクメ'));
  assert.ok(!matchesClient(projects[0]!, 'harbor'));
  assert.deepEqual(byMonth(summarize(projects)).map((m) => [m.month, m.count, m.amount]), [['2026-06', 4, 300_000], ['2026-07', 1, 50_000]]);
});

test('the chart renders to a PNG of the declared size, at twice the SVG size', () => {
  const svg = chartSvg([{ month: '2026-06', count: 4, amount: 300_000 }, { month: '2026-07', count: 1, amount: 50_000 }], { title: 'Requests by month <all>', locale: 'en' });
  assert.ok(svg.includes('&lt;all&gt;'), 'title is escaped');
  const png = renderPng(svg);
  assert.deepEqual([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''), 'PNG');
  assert.equal(png.readUInt32BE(16), 480 * CHART_SCALE);
  assert.equal(png.readUInt32BE(20), 240 * CHART_SCALE);
  assert.ok(renderPng(chartSvg([], { title: 'empty', locale: 'ja' })).length > 100);
});

test('y-axis ticks are round steps, labelled in the viewer\'s language', () => {
  assert.deepEqual(niceTicks(680_000), [0, 200_000, 400_000, 600_000, 800_000]);
  assert.deepEqual(niceTicks(450_000), [0, 100_000, 200_000, 300_000, 400_000, 500_000]);
  assert.deepEqual(niceTicks(1_130_000), [0, 500_000, 1_000_000, 1_500_000]);
  assert.deepEqual(niceTicks(0), [0, 1]);
  for (const max of [1, 7, 95_000, 338_000, 2_345_678, 987_654_321]) {
    const ticks = niceTicks(max);
    const step = ticks[1]! - ticks[0]!;
    assert.match(String(step), /^[125]0*$/, `step ${step} for ${max} is 1, 2 or 5 × 10^n`);
    assert.ok(ticks[ticks.length - 1]! >= max && ticks.length <= 6, `${ticks} covers ${max}`);
  }
  assert.deepEqual([0, 200_000, 1_000_000, 12_000_000, 150_000_000].map((v) => yenTick(v, 'ja')), ['¥0', '¥20万', '¥100万', '¥1,200万', '¥1.5億']);
  assert.deepEqual([0, 200_000, 1_000_000, 12_000_000, 500].map((v) => yenTick(v, 'en')), ['¥0', '¥200k', '¥1M', '¥12M', '¥500']);
  const ja = chartSvg([{ month: '2026-11', count: 2, amount: 680_000 }, { month: '2027-01', count: 1, amount: 120_000 }], { title: chartTitle('ja', '山田製菓'), locale: 'ja' });
  for (const text of ['月別の依頼 — 山田製菓', '¥80万', '11月', '2026年', '1月', '2027年', '2件', '棒: 金額']) assert.ok(ja.includes(text), `ja chart has ${text}`);
  assert.deepEqual(continuousMonths([{ month: '2026-11', count: 1, amount: 1 }, { month: '2027-02', count: 2, amount: 2 }]).map((p) => [p.month, p.count]), [['2026-11', 1], ['2026-12', 0], ['2027-01', 0], ['2027-02', 2]]);
  const en = chartSvg([{ month: '2026-11', count: 2, amount: 680_000 }], { title: chartTitle('en'), locale: 'en' });
  for (const text of ['Requests by month (all clients)', '¥800k', 'Nov', '2026', 'Bars: amount']) assert.ok(en.includes(text), `en chart has ${text}`);
});

/** RGBA pixels of a PNG, decoded by drawing it into an SVG with resvg (no PNG decoder needed). */
function pixels(png: Buffer): { width: number; height: number; data: Buffer } {
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}"><image width="${width}" height="${height}" xlink:href="data:image/png;base64,${png.toString('base64')}"/></svg>`;
  const image = new Resvg(svg).render();
  return { width, height, data: Buffer.from(image.pixels) };
}

/** The rows of the title band (from the top to just under the title's descenders). */
function titleBand(png: Buffer): Buffer {
  const { width, data } = pixels(png);
  const rows = (TITLE_BOX.baseline + 6) * CHART_SCALE;
  return data.subarray(0, width * 4 * rows);
}

const inked = (band: Buffer) => {
  let n = 0;
  for (let i = 0; i < band.length; i += 4) if (band[i]! < 128) n++;
  return n;
};

test('a chart for 山田製菓 shows the Japanese title: its title band equals a rendering of the expected text alone', () => {
  const title = chartTitle('ja', '山田製菓');
  assert.equal(title, '月別の依頼 — 山田製菓');
  const chart = renderPng(chartSvg([{ month: '2026-07', count: 1, amount: 450_000 }, { month: '2026-10', count: 1, amount: 210_000 }], { title, locale: 'ja' }));
  const band = titleBand(chart);
  assert.ok(inked(band) > 200, 'the title band has ink');
  assert.ok(titleBand(renderPng(titleOnlySvg(title))).equals(band), 'pixel for pixel the expected title');
  // The band tells texts apart: not the old "????", not another client, and no glyph is a
  // missing-glyph box (each kanji alone draws differently from the others).
  assert.ok(!titleBand(renderPng(titleOnlySvg(title.replace(/[^\x20-\x7e]/g, '?')))).equals(band));
  assert.ok(!titleBand(renderPng(titleOnlySvg(chartTitle('ja', '北斗書店')))).equals(band));
  const glyphs = ['山', '田', '製', '菓'].map((c) => titleBand(renderPng(titleOnlySvg(c))));
  for (let i = 0; i < glyphs.length; i++) {
    assert.ok(inked(glyphs[i]!) > 20, `glyph ${i} draws`);
    for (let j = i + 1; j < glyphs.length; j++) assert.ok(!glyphs[i]!.equals(glyphs[j]!), `glyphs ${i} and ${j} differ`);
  }
});

test('charts are served by an HMAC id that is stable per job and unguessable across installations', async () => {
  const id = await chartIdFor(store, 'job-1');
  assert.match(id, /^[0-9a-f]{40}$/);
  assert.equal(await chartIdFor(store, 'job-1'), id);
  assert.notEqual(await chartIdFor(store, 'job-2'), id);
  const png = renderPng(chartSvg([{ month: '2026-06', count: 1, amount: 1 }], { title: 't', locale: 'en' }));
  await saveChart(store, id, png, 'job-1');
  await saveChart(store, id, png, 'job-1');
  assert.equal((await store.queryDocs('charts')).length, 1);
  const app = express().use(chartsRouter(store));
  const ok = await request(app).get(`/charts/${id}.png`).expect(200);
  assert.equal(ok.headers['content-type'], 'image/png');
  assert.deepEqual(Buffer.from(ok.body as Buffer), png);
  await request(app).get(`/charts/${'0'.repeat(40)}.png`).expect(404);
  await request(app).get('/charts/..%2Fsecrets.png').expect(404);
  assert.equal(await loadChart(store, 'not-an-id'), null);
  const other = new SqliteStore(join(dir, 'other.sqlite'));
  assert.notEqual(await chartIdFor(other, 'job-1'), id, 'another installation derives other ids');
  await other.close();
});
