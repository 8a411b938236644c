// The office's records (issue 16) as staff see them in the console, in a real browser, once in
// Japanese as 佐藤 and once in English as Emma, on the seeded office:
// - Monday: a request mail with an attachment becomes a project whose folder holds the
//   attachment once, whose due date is a one-day Calendar milestone titled with number and
//   client; the Gmail card names the client as the office's list knows it (山田製菓 →
//   山田製菓株式会社, みどり不動産's mail → みどり不動産; an English mail from a person → the
//   company, offered as a new client).
// - Friday: invoices for three delivered ledger rows (the office filled in 納品日; its Status
//   column still says 進行中) leave that column alone, give consecutive numbers, and report into
//   tasuki's own columns; run again, nothing new is numbered.
// - Month end: /summary draws its chart with Japanese names, in the viewer's language.
// Screenshots: test-output/records-<locale>-NN-<step>.png.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import { SEED_IDS } from '../../local/sandbox/seedData.js';
import { loadConfig } from '../../service/config.js';
import { createGoogleClients } from '../../service/google/createGoogleClients.js';
import { LEDGER } from '../../shared/sheetLayouts.js';
import { openExtensionsMenu, openPage, OUTPUT_DIR, screenshot, withConsoleStack } from '../support/browser.js';

const running = withConsoleStack('tasuki-records-');

async function skippedWithoutAddon(t: TestContext): Promise<boolean> {
  const meta = (await (await fetch(`${running.stack.consoleUrl}console/api/meta`)).json()) as { addon: boolean };
  if (!meta.addon) t.skip('the add-on backend is not mounted in this stack');
  return !meta.addon;
}

type Lang = 'ja' | 'en';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function sandbox<T>(path: string): Promise<T> {
  const res = await fetch(`${running.stack.consoleUrl}_sandbox/${path}`);
  assert.equal(res.status, 200, path);
  return (await res.json()) as T;
}

async function ledgerValues(): Promise<string[][]> {
  const body = await sandbox<{ sheets: Array<{ properties: { title: string }; values: string[][] }> }>(`sheets/${SEED_IDS.ledgerSpreadsheet}`);
  return body.sheets.find((s) => s.properties.title === 'Ledger')!.values;
}

type DriveItem = { id: string; name: string; mimeType: string };
async function children(folderId: string): Promise<DriveItem[]> {
  const body = await sandbox<{ files: DriveItem[] }>(`drive/files?parent=${encodeURIComponent(folderId)}`);
  return body.files;
}

class Walk {
  private shot = 0;
  constructor(
    readonly page: Page,
    readonly lang: Lang,
  ) {}

  async snap(step: string): Promise<void> {
    await screenshot(this.page, `records-${this.lang}-${String(++this.shot).padStart(2, '0')}-${step}`);
  }

  async view(name: string): Promise<void> {
    await this.page.locator(`a.nav-item[data-view="${name}"]`).click();
  }

  /** Opens a mail and waits for its own card with the client dropdown; returns the card. */
  async openMail(subject: string) {
    await this.view('gmail');
    await this.page.getByTestId('mail-list').locator('.mail-item', { hasText: subject }).click();
    const card = this.page.getByTestId('addon-sidebar').locator('.gcard', { hasText: subject }).first();
    await card.locator('[data-form-name="clientChoice"]').waitFor({ timeout: 60_000 });
    return card;
  }

  /** The chosen entry of the card's client dropdown, and the line saying what matched. */
  async clientChoice(card: Awaited<ReturnType<Walk['openMail']>>): Promise<{ chosen: string; line: string }> {
    const select = card.locator('[data-form-name="clientChoice"]');
    const chosen = await select.evaluate((el) => {
      const s = el as HTMLSelectElement;
      return s.options[s.selectedIndex]?.textContent ?? '';
    });
    // The paragraph under the dropdown (the dropdown's own options are lines of innerText too).
    const line = (await card.innerText()).split('\n').find((l) => /^(一致: |Matches |顧客一覧にありません|Not in your client list)/.test(l)) ?? '';
    return { chosen: chosen.trim(), line };
  }

  /** The job's own Chat message once its card shows `state`; its text. */
  async jobDone(ref: string, state: RegExp, timeout = 120_000): Promise<string> {
    await this.view('chat');
    const message = this.page.locator(`article[data-client-id^="client-j-${ref}"]`);
    await message.locator('.gcard-header', { hasText: state }).waitFor({ timeout });
    await message.scrollIntoViewIfNeeded();
    return message.innerText();
  }
}

const T = {
  ja: { done: /完了/, create: /案件を作成/, invoices: /請求書/, summaryCard: '集計: ', byDomain: /一致: .*（/ },
  en: { done: /Done/, create: /Create project/, invoices: /invoice/i, summaryCard: 'Summary: ', byDomain: /Matches .*\(/ },
} as const;

/** The office fills in 納品日 on rows of projects it delivered, as staff type it (the app's token stands in for theirs). */
async function officeFillsDeliveredDates(rows: number[], date: string): Promise<void> {
  const config = loadConfig({ TASUKI_DATA_DIR: running.stack.dataDir, TASUKI_GOOGLE_ROOT_URL: running.stack.sandboxUrl, LOG_LEVEL: 'silent' });
  const { sheets } = createGoogleClients(config, { clientOptions: { retry: false } });
  await sheets.spreadsheets.values.batchUpdate({
    spreadsheetId: SEED_IDS.ledgerSpreadsheet,
    requestBody: { valueInputOption: 'USER_ENTERED', data: rows.map((r) => ({ range: `Ledger!${LEDGER.letter.deliveredAt}${r}`, values: [[date]] })) },
  });
}

/** Selects ledger rows in the grid and runs Extensions ▸ tasuki ▸ invoices; the add-on's alert text. */
async function invoiceRows(w: Walk, rows: number[]): Promise<string> {
  const { page } = w;
  await w.view('sheets');
  const grid = page.getByTestId('sheet-grid');
  await grid.locator(`tr[data-row="${rows[0]}"] th`).click();
  await grid.locator(`tr[data-row="${rows.at(-1)}"] th`).click({ modifiers: ['Shift'] });
  const items = await openExtensionsMenu(page);
  await items.filter({ hasText: T[w.lang].invoices }).first().click();
  const answer = page.locator('.modal').first();
  await answer.waitFor({ timeout: 30_000 });
  const text = await answer.innerText();
  await w.snap('sheets-invoices-queued');
  const ok = page.locator('.modal button', { hasText: /^OK$/ });
  if (await ok.isVisible()) await ok.click();
  return text;
}

/** Waits until tasuki's column of every row shows a finished job; the ledger then. */
async function waitForTasukiColumn(rows: number[], jobIdsBefore: string[]): Promise<string[][]> {
  const header = (await ledgerValues())[0]!;
  const tasukiCol = header.indexOf('tasuki 状態 tasuki status');
  const jobCol = header.indexOf('tasuki ジョブ tasuki job');
  const until = Date.now() + 120_000;
  for (;;) {
    const values = await ledgerValues();
    const finished = rows.every((r, i) => /^(✅|⚠️)/.test(values[r - 1]![tasukiCol] ?? '') && values[r - 1]![jobCol] && values[r - 1]![jobCol] !== jobIdsBefore[i]);
    if (finished) return values;
    assert.ok(Date.now() < until, `tasuki's column never showed the jobs' ends: ${JSON.stringify(rows.map((r) => values[r - 1]!.slice(tasukiCol)))}`);
    await sleep(500);
  }
}

async function showColumns(w: Walk, row: number, step: string): Promise<void> {
  const grid = w.page.getByTestId('sheet-grid');
  // The grid redraws live as the jobs write; scroll again if a redraw replaced the cell.
  const scrollTo = async (cell: (cells: ReturnType<typeof grid.locator>) => ReturnType<typeof grid.locator>) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await cell(grid.locator(`tr[data-row="${row}"] td`)).scrollIntoViewIfNeeded({ timeout: 5000 });
        return;
      } catch (err) {
        if (attempt >= 5) throw err;
        await sleep(300);
      }
    }
  };
  await scrollTo((cells) => cells.first());
  await w.snap(`${step}-office-columns`);
  await scrollTo((cells) => cells.nth(LEDGER.index.invoice));
  await w.snap(`${step}-invoice-column`);
  await scrollTo((cells) => cells.last());
  await w.snap(`${step}-tasuki-columns`);
}

async function summaryChart(w: Walk, client: string, expectedTitle: string): Promise<void> {
  const { page } = w;
  await w.view('chat');
  const input = page.locator('#chat-input');
  await input.fill(`/summary ${client}`);
  await input.press('Enter');
  const card = page.locator('article .gcard', { hasText: `${T[w.lang].summaryCard}${expectedTitle}` }).last();
  await card.waitFor({ timeout: 120_000 });
  const image = card.locator('img').first();
  await image.waitFor({ timeout: 30_000 });
  await image.evaluate((img: HTMLImageElement) => (img.complete ? null : new Promise((r) => img.addEventListener('load', r, { once: true }))));
  assert.ok(await image.evaluate((img: HTMLImageElement) => img.naturalWidth >= 480), 'the chart image loaded');
  await card.scrollIntoViewIfNeeded();
  await w.snap('chat-summary-chart');
  await image.screenshot({ path: join(OUTPUT_DIR, `records-${w.lang}-summary-chart.png`) });
  // The chart's PNG itself, as the link in the card serves it.
  const src = await image.getAttribute('src');
  assert.ok(src);
  const png = await fetch(new URL(src, running.stack.consoleUrl));
  assert.equal(png.headers.get('content-type'), 'image/png');
}

const INVOICE_ROWS = [11, 12, 13];

test('Japanese (佐藤): mail → project with its attachment and milestone; client names as listed; invoices leave Status alone; a Japanese chart', async (t) => {
  if (await skippedWithoutAddon(t)) return;
  const { page, errors } = await openPage(running.browser, { locale: 'ja-JP' });
  const w = new Walk(page, 'ja');
  await page.goto(`${running.stack.consoleUrl}#/gmail`);

  // Monday: みどり不動産's mail is matched to the ledger's みどり不動産 (by its mail domain).
  const midori = await w.openMail('物件チラシ 1月号 制作依頼');
  const midoriChoice = await w.clientChoice(midori);
  assert.equal(midoriChoice.chosen, 'みどり不動産');
  assert.match(midoriChoice.line, T.ja.byDomain);
  await w.snap('gmail-card-midori');

  // 山田製菓's request with its spec PDF becomes a project under the listed name.
  const subject = 'バレンタイン限定パッケージのご相談';
  const yamada = await w.openMail(subject);
  assert.equal((await w.clientChoice(yamada)).chosen, '山田製菓株式会社');
  assert.match(await yamada.innerText(), /仕様書_バレンタイン2027\.pdf/);
  await w.snap('gmail-card-yamada');
  await yamada.getByRole('button', { name: T.ja.create }).click();
  const queued = page.getByTestId('addon-sidebar').locator('.gcard', { hasText: /ジョブ [0-9a-f]{8}/ });
  await queued.waitFor({ timeout: 60_000 });
  const ref = /ジョブ ([0-9a-f]{8})/.exec(await queued.innerText())![1]!;
  const done = await w.jobDone(ref, T.ja.done);
  await w.snap('chat-project-done');
  const projectNumber = /P-\d{4}-\d{3}/.exec(done)?.[0];
  assert.ok(projectNumber, done);
  assert.match(done, /山田製菓株式会社/);
  assert.match(done, /1件中 1件をフォルダに保存/, `the card says how many attachments were filed:\n${done}`);

  // Its folder holds the template and, in its materials folder, the attachment once.
  const folder = (await children(SEED_IDS.projectsFolder)).find((f) => f.name.startsWith(`${projectNumber} `));
  assert.ok(folder, 'the project folder');
  assert.ok(folder.name.startsWith(`${projectNumber} 山田製菓株式会社 `), folder.name);
  const inFolder = await children(folder.id);
  const materials = inFolder.find((f) => /資料|Materials|Brief/.test(f.name) && f.mimeType.endsWith('folder'));
  assert.ok(materials, JSON.stringify(inFolder.map((f) => f.name)));
  const filed = (await children(materials.id)).filter((f) => f.name === '仕様書_バレンタイン2027.pdf');
  assert.equal(filed.length, 1, 'the attachment, once');
  await w.view('drive');
  await w.snap('drive');

  // Its due date is a one-day milestone, titled with number and client.
  const { events } = await sandbox<{ events: Array<{ summary: string; start: { date?: string }; end: { date?: string }; status: string }> }>(`calendar/${encodeURIComponent(SEED_IDS.calendar)}/events`);
  const milestone = events.filter((e) => e.summary.startsWith(`${projectNumber} `) && e.status !== 'cancelled');
  assert.equal(milestone.length, 1, JSON.stringify(milestone));
  assert.ok(milestone[0]!.summary.startsWith(`${projectNumber} 納期: 山田製菓株式会社 `), milestone[0]!.summary);
  assert.deepEqual([milestone[0]!.start.date, milestone[0]!.end.date], ['2027-01-15', '2027-01-16'], 'one day, not weeks');
  await w.view('calendar');
  const agenda = page.locator('main, #view').getByText(`${projectNumber} 納期`).first();
  await agenda.scrollIntoViewIfNeeded().catch(() => undefined);
  await w.snap('calendar-milestone');

  // Friday: the office delivered P-2026-011 and P-2026-012 (納品日 filled in, Status still 進行中).
  await officeFillsDeliveredDates([12, 13], '2026-12-02');
  const before = await ledgerValues();
  const header = before[0]!;
  const statusCol = header.indexOf('ステータス Status');
  assert.equal(statusCol, 6, 'column G is the office Status');
  const officeStatus = INVOICE_ROWS.map((r) => before[r - 1]![statusCol]);
  assert.deepEqual(officeStatus, ['納品済', '進行中', '進行中']);
  const jobCol = header.indexOf('tasuki ジョブ tasuki job');
  const alert = await invoiceRows(w, INVOICE_ROWS);
  assert.match(alert, /3/);
  const after = await waitForTasukiColumn(INVOICE_ROWS, INVOICE_ROWS.map((r) => before[r - 1]![jobCol] ?? ''));
  const tasukiCol = header.indexOf('tasuki 状態 tasuki status');
  for (const [i, r] of INVOICE_ROWS.entries()) {
    assert.equal(after[r - 1]![statusCol], officeStatus[i], `row ${r}: column G untouched`);
    assert.equal(after[r - 1]![tasukiCol], '✅ 完了', `row ${r}: tasuki's column`);
  }
  const numbers = INVOICE_ROWS.map((r) => after[r - 1]![LEDGER.index.invoice]!).sort();
  assert.deepEqual(numbers, ['I-2026-010', 'I-2026-011', 'I-2026-012'], 'three consecutive invoice numbers after the seeded I-2026-009');
  await showColumns(w, 13, 'sheets-after-invoices');

  // Month end: the chart for 山田製菓, in Japanese.
  await summaryChart(w, '山田製菓', '山田製菓株式会社');
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('English (Emma): an English mail files under the company; invoices again number nothing new; an English chart', async (t) => {
  if (await skippedWithoutAddon(t)) return;
  const { page, errors } = await openPage(running.browser, { locale: 'en-US' });
  const w = new Walk(page, 'en');
  await page.goto(`${running.stack.consoleUrl}#/gmail`);
  await page.locator('#user-switch').selectOption('emma@example.co.jp');

  // A client already listed, by its mail domain.
  const olivia = await w.openMail('Spring menu illustrations');
  const oliviaChoice = await w.clientChoice(olivia);
  assert.equal(oliviaChoice.chosen, 'Blue Harbor Coffee');
  assert.match(oliviaChoice.line, T.en.byDomain);
  await w.snap('gmail-card-blue-harbor');
  // A new client writing from a person's address: the company from the signature, not the person.
  const hiro = await w.openMail('Brochure redesign for our 2027 tours');
  const hiroChoice = await w.clientChoice(hiro);
  assert.doesNotMatch(hiroChoice.chosen, /Hiro|Sasaki/, `the client is the company, not the sender: ${hiroChoice.chosen}`);
  assert.match(hiroChoice.chosen, /Northwind/i);
  await w.snap('gmail-card-new-client');

  // Invoices for the same rows again: each shows the invoice already issued; no new number.
  await officeFillsDeliveredDates([12, 13], '2026-12-02');
  const before = await ledgerValues();
  const header = before[0]!;
  const statusCol = header.indexOf('ステータス Status');
  const jobCol = header.indexOf('tasuki ジョブ tasuki job');
  const numbersBefore = INVOICE_ROWS.map((r) => before[r - 1]![LEDGER.index.invoice] ?? '');
  await invoiceRows(w, INVOICE_ROWS);
  const after = await waitForTasukiColumn(INVOICE_ROWS, INVOICE_ROWS.map((r) => before[r - 1]![jobCol] ?? ''));
  for (const [i, r] of INVOICE_ROWS.entries()) {
    assert.equal(after[r - 1]![statusCol], before[r - 1]![statusCol], `row ${r}: column G untouched`);
    const number = after[r - 1]![LEDGER.index.invoice]!;
    assert.match(number, /^I-2026-\d{3}$/);
    if (numbersBefore[i]) assert.equal(number, numbersBefore[i], `row ${r}: the invoice issued before, not a new one`);
  }
  await showColumns(w, 13, 'sheets-after-second-invoices');

  // The chart for an English-speaking client, in English.
  await summaryChart(w, 'Blue Harbor', 'Blue Harbor Coffee');
  assert.deepEqual(errors, []);
  await page.context().close();
});
