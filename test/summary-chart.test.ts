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
import { chartSvg, renderPng } from '../service/summary/summaryChart.js';

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

test('the chart renders to a PNG of the declared size', () => {
  const svg = chartSvg([{ month: '2026-06', count: 4, amount: 300_000 }, { month: '2026-07', count: 1, amount: 50_000 }], 'Requests by month <all>');
  assert.ok(svg.includes('&lt;all&gt;'), 'title is escaped');
  const png = renderPng(svg);
  assert.deepEqual([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''), 'PNG');
  assert.equal(png.readUInt32BE(16), 480);
  assert.equal(png.readUInt32BE(20), 240);
  assert.ok(renderPng(chartSvg([], 'empty')).length > 100);
});

test('charts are served by an HMAC id that is stable per job and unguessable across installations', async () => {
  const id = await chartIdFor(store, 'job-1');
  assert.match(id, /^[0-9a-f]{40}$/);
  assert.equal(await chartIdFor(store, 'job-1'), id);
  assert.notEqual(await chartIdFor(store, 'job-2'), id);
  const png = renderPng(chartSvg([{ month: '2026-06', count: 1, amount: 1 }], 't'));
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
