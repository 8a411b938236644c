// The console in a real browser (Debian chromium via playwright-core) against the whole local
// stack as `npm start` runs it (startStack): run a job from the Run form and watch it finish and
// reply in Chat; the sandbox views show the seeded office; the language follows the browser and
// the toggle.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { openExtensionsMenu, openPage, screenshot, withConsoleStack } from '../support/browser.js';

const running = withConsoleStack('tasuki-console-');

/** Skips `t` (and says so) when this stack runs without the add-on backend. */
async function skippedWithoutAddon(t: TestContext): Promise<boolean> {
  const meta = (await (await fetch(`${running.stack.consoleUrl}console/api/meta`)).json()) as { addon: boolean };
  if (!meta.addon) t.skip('the add-on backend is not mounted in this stack');
  return !meta.addon;
}
test('a system.echo job run from the Run form succeeds and its Chat message appears with its card', async () => {
  const { page, errors } = await openPage(running.browser, { locale: 'ja-JP' });
  await page.goto(`${running.stack.consoleUrl}#/jobs`);
  await page.getByTestId('run-job').click();
  const form = page.getByTestId('run-form');
  await form.locator('#run-kind').selectOption('system.echo');
  const marker = `browser-test-${Date.now().toString(36)}`;
  await form.locator('#run-input').fill(JSON.stringify({ message: marker, steps: 2, delayMs: 150 }));
  assert.equal(await form.locator('#run-reply-chat').isChecked(), true, 'the echo example replies in Chat by default');
  await page.getByTestId('run-submit').click();

  const detail = page.getByTestId('job-detail');
  await detail.locator('.pill.succeeded').waitFor({ timeout: 30_000 });
  const result = JSON.parse((await detail.getByTestId('job-result').textContent()) ?? '{}') as { message?: string };
  assert.equal(result.message, marker);
  await page.keyboard.press('Escape');

  const row = page.locator('tr[data-job-id]').first();
  await row.locator('.pill.succeeded').waitFor();
  const jobId = await row.getAttribute('data-job-id');
  assert.ok(jobId, 'the jobs table shows the job');
  await screenshot(page, 'console-jobs');

  await page.locator('a.nav-item[data-view="chat"]').click();
  const message = page.locator(`article[data-client-id="client-${jobId}"]`);
  // The result is patched into the message after the job is recorded as succeeded (the reply is
  // asynchronous and throttled per space), so wait for the finished card rather than the first one.
  await message.locator('.gcard', { hasText: /完了|Succeeded/ }).waitFor({ timeout: 15_000 });
  const cardText = (await message.locator('.gcard').textContent()) ?? '';
  assert.match(cardText, new RegExp(`(ジョブ|Job) ${jobId!.slice(2, 10)}`), 'the job card names the job by its short reference');
  await screenshot(page, 'console-chat');
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('the detail drawer cancels a running job and retries a failed one', async () => {
  const { page, errors } = await openPage(running.browser, { locale: 'en-US' });
  await page.goto(`${running.stack.consoleUrl}#/jobs`);
  const run = async (input: unknown) => {
    await page.getByTestId('run-job').click();
    const form = page.getByTestId('run-form');
    await form.locator('#run-kind').selectOption('system.echo');
    await form.locator('#run-input').fill(JSON.stringify(input));
    await form.locator('#run-reply-chat').uncheck();
    await page.getByTestId('run-submit').click();
    return page.getByTestId('job-detail');
  };

  const slow = await run({ message: 'slow', steps: 30, delayMs: 1000 });
  await slow.locator('.pill.running').waitFor({ timeout: 30_000 });
  await slow.getByRole('button', { name: 'Cancel' }).click();
  await slow.locator('.pill.canceled').waitFor({ timeout: 30_000 });
  assert.equal(await slow.getByRole('button', { name: 'Retry' }).isEnabled(), true, 'a canceled job can be retried');
  await page.keyboard.press('Escape');

  const failing = await run({ message: 'fails', failPermanently: true });
  await failing.locator('.pill.failed').waitFor({ timeout: 30_000 });
  assert.match((await failing.getByTestId('job-error').textContent()) ?? '', /Retry will not help/);
  await failing.getByRole('button', { name: 'Retry' }).click();
  // The retry is a new generation of the same job; it fails again for the same reason.
  await failing.getByText(/Generation 2/).waitFor({ timeout: 30_000 });
  await failing.locator('.pill.failed').waitFor({ timeout: 30_000 });
  await screenshot(page, 'console-job-failed');
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('Drive, Sheets and Gmail views show the seeded office', async () => {
  const { page, errors } = await openPage(running.browser, { locale: 'ja-JP' });
  await page.goto(`${running.stack.consoleUrl}#/drive`);
  await page.getByTestId('drive-tree').getByText('案件 Projects').first().waitFor();
  await page.getByTestId('drive-files').waitFor();
  await screenshot(page, 'console-drive');

  await page.locator('a.nav-item[data-view="sheets"]').click();
  const grid = page.getByTestId('sheet-grid');
  await grid.getByText('P-2026-001', { exact: true }).waitFor();
  await grid.locator('tr[data-row="3"] th').click();
  await grid.locator('tr[data-row="4"] th').click({ modifiers: ['Shift'] });
  assert.equal(await grid.locator('tr[aria-selected="true"]').count(), 2, 'shift-click selects a range of rows');
  await screenshot(page, 'console-sheets');

  await page.locator('a.nav-item[data-view="gmail"]').click();
  const first = page.getByTestId('mail-list').locator('.mail-item').first();
  await first.waitFor();
  await first.click();
  await page.getByTestId('mail-view').locator('.mail-body').waitFor();
  assert.ok(((await page.getByTestId('mail-view').locator('h2').textContent()) ?? '').length > 0, 'the opened e-mail has a subject');
  await screenshot(page, 'console-gmail');
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('the language follows the browser, switches with the toggle and is remembered', async () => {
  const { page, errors } = await openPage(running.browser, { locale: 'en-US' });
  await page.goto(`${running.stack.consoleUrl}#/jobs`);
  const jobsNav = page.locator('a.nav-item[data-view="jobs"]');
  await jobsNav.getByText('Jobs', { exact: true }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');

  await page.locator('button[data-lang="ja"]').click();
  await jobsNav.getByText('ジョブ', { exact: true }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'ja');
  assert.equal(await page.locator('button[data-lang="ja"]').getAttribute('aria-pressed'), 'true');

  await page.reload();
  await jobsNav.getByText('ジョブ', { exact: true }).waitFor();
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('Gmail sidebar: Create project on a seeded e-mail starts a project.create job that replies in Chat', async (t) => {
  if (await skippedWithoutAddon(t)) return;
  const { page, errors } = await openPage(running.browser, { locale: 'ja-JP' });
  await page.goto(`${running.stack.consoleUrl}#/gmail`);
  await page.getByTestId('mail-list').locator('.mail-item').first().click();
  const subject = ((await page.getByTestId('mail-view').locator('h2').textContent()) ?? '').trim();
  assert.ok(subject);
  const sidebar = page.getByTestId('addon-sidebar');
  const create = sidebar.getByRole('button', { name: /案件を作成|Create project/ });
  await create.waitFor({ timeout: 20_000 });
  await screenshot(page, 'console-gmail-sidebar');
  await create.click();

  // The add-on answers with the queued job's card (its short reference in it) and a notification.
  const queued = sidebar.locator('.gcard', { hasText: /ジョブ [0-9a-f]{8}/ });
  await queued.waitFor({ timeout: 20_000 });
  const ref = /ジョブ ([0-9a-f]{8})/.exec((await queued.textContent()) ?? '')![1]!;

  await page.locator('a.nav-item[data-view="jobs"]').click();
  const row = page.locator(`tr[data-job-id^="j-${ref}"]`).first();
  await row.waitFor({ timeout: 20_000 });
  const jobId = (await row.getAttribute('data-job-id'))!;
  assert.match((await row.textContent()) ?? '', /project\.create/);

  // The job's own reply (client-<job>) or its announcement of the new project.
  await page.locator('a.nav-item[data-view="chat"]').click();
  await page.locator(`article[data-client-id="client-${jobId}"], article:has-text("${subject.replace(/"/g, '\\"')}")`).first().waitFor({ timeout: 30_000 });
  await screenshot(page, 'console-chat-project');
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('Gmail sidebar: each parsed field says where it was read and whether the parser is sure, in Japanese and English', async (t) => {
  if (await skippedWithoutAddon(t)) return;
  const hints = async (page: import('playwright-core').Page) => {
    const sidebar = page.getByTestId('addon-sidebar');
    await sidebar.getByRole('button', { name: /案件を作成|Create project/ }).waitFor({ timeout: 20_000 });
    return (await sidebar.locator('.gcard-input .hint').allTextContents()).join('\n');
  };

  const ja = await openPage(running.browser, { locale: 'ja-JP' });
  await ja.page.goto(`${running.stack.consoleUrl}#/gmail`);
  await ja.page.getByTestId('mail-list').locator('.mail-item', { hasText: '物件チラシ' }).click();
  const jaHints = await hints(ja.page);
  assert.match(jaHints, /✓ 署名「みどり不動産株式会社」/);
  assert.match(jaHints, /要確認（初稿・ラフの日付）本文「初稿は来週金曜までに/, 'a first-draft date is entered, marked for checking');
  assert.match(jaHints, /✓ 本文「予算は前回と同じく12万円/);
  await screenshot(ja.page, 'console-gmail-evidence-ja');
  assert.deepEqual(ja.errors, []);
  await ja.page.context().close();

  const en = await openPage(running.browser, { locale: 'en-US' });
  await en.page.goto(`${running.stack.consoleUrl}#/gmail`);
  await en.page.locator('#user-switch').selectOption('emma@example.co.jp');
  await en.page.getByTestId('mail-list').locator('.mail-item', { hasText: 'Spring menu' }).click();
  const enHints = await hints(en.page);
  assert.match(enHints, /✓ Signature: ".*Blue Harbor Coffee"/, 'the company from the signature, not the person');
  assert.match(enHints, /✓ Text: ".*by Dec 20\?/);
  assert.match(enHints, /\$2,000 \(USD\); enter the amount in yen/);
  await screenshot(en.page, 'console-gmail-evidence-en');
  assert.deepEqual(en.errors, []);
  await en.page.context().close();
});

test('Chat composer: /help answers with a card; /new opens a dialog whose submission starts a job that replies in the space', async (t) => {
  if (await skippedWithoutAddon(t)) return;
  const { page, errors } = await openPage(running.browser, { locale: 'ja-JP' });
  await page.goto(`${running.stack.consoleUrl}#/chat`);
  const input = page.locator('#chat-input');
  await input.fill('/help');
  await input.press('Enter');
  await page.locator('article.msg.local .gcard', { hasText: '/new' }).first().waitFor({ timeout: 20_000 });

  await input.fill('/new');
  await input.press('Enter');
  const dialog = page.locator('.modal.card-dialog');
  await dialog.waitFor({ timeout: 20_000 });
  await dialog.locator('[data-form-name="client"]').fill('株式会社アクメ');
  await dialog.locator('[data-form-name="title"]').fill('新春セール ポスター');
  await screenshot(page, 'console-chat-dialog');
  await dialog.locator('button.gbtn.filled').click();
  await dialog.waitFor({ state: 'detached', timeout: 20_000 });

  // The acknowledgement names the job by its short reference (the first 8 characters of its id).
  const ack = page.locator('article.msg.local', { hasText: /(ジョブ|job) [0-9a-f]{8}/ }).last();
  await ack.waitFor({ timeout: 20_000 });
  const ref = /(?:ジョブ|job) ([0-9a-f]{8})/.exec((await ack.textContent()) ?? '')![1]!;
  await page.locator(`article[data-client-id^="client-j-${ref}"] .gcard`).waitFor({ timeout: 30_000 });
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('Sheets: rows selected in the grid are handed to an Extensions ▸ tasuki menu item', async (t) => {
  if (await skippedWithoutAddon(t)) return;
  const { page, errors } = await openPage(running.browser, { locale: 'ja-JP' });
  await page.goto(`${running.stack.consoleUrl}#/sheets`);
  const grid = page.getByTestId('sheet-grid');
  await grid.locator('tr[data-row="12"] th').click();
  assert.equal(await page.getByTestId('selection-count').innerText(), '1 行を選択中');
  // In English one row is "1 row selected", not "1 rows" (the language switch clears the selection).
  await page.locator('button', { hasText: 'English' }).first().click();
  await grid.locator('tr[data-row="12"] th').click();
  assert.equal(await page.getByTestId('selection-count').innerText(), '1 row selected');
  await grid.locator('tr[data-row="13"] th').click({ modifiers: ['Shift'] });
  assert.equal(await page.getByTestId('selection-count').innerText(), '2 rows selected');
  await grid.locator('tr[data-row="12"] th').click();
  await page.getByTestId('extensions-menu').click();
  const items = page.locator('.menu [role="menuitem"]');
  await items.first().waitFor({ timeout: 20_000 });
  assert.ok((await items.count()) >= 2, 'the add-on offers its menu items');
  await screenshot(page, 'console-sheets-menu');
  await items.filter({ hasText: /状態|status/i }).first().click();
  // The add-on answers through SpreadsheetApp's UI: a toast, an alert or an HTML dialog.
  await page.locator('.toast, .modal').first().waitFor({ timeout: 20_000 });
  assert.deepEqual(errors, []);
  await page.context().close();
});

async function ledgerValues(): Promise<string[][]> {
  const body = (await (await fetch(`${running.stack.consoleUrl}_sandbox/sheets/sheet-ledger`)).json()) as { sheets: Array<{ properties: { title: string }; values: string[][] }> };
  return body.sheets.find((s) => s.properties.title === 'Ledger')!.values;
}

test("Sheets: invoices for two 進行中 rows leave the office's Status column alone; tasuki's own column shows the job", async (t) => {
  if (await skippedWithoutAddon(t)) return;
  const before = await ledgerValues();
  const header = before[0]!;
  const statusCol = header.indexOf('ステータス Status');
  const tasukiCol = header.indexOf('tasuki 状態 tasuki status');
  const jobCol = header.indexOf('tasuki ジョブ tasuki job');
  assert.equal(statusCol, 6, 'column G is the office Status');
  assert.ok(tasukiCol > statusCol && jobCol > tasukiCol, JSON.stringify(header));
  const rows = [12, 13];
  assert.deepEqual(rows.map((r) => before[r - 1]![statusCol]), ['進行中', '進行中']);

  const { page, errors } = await openPage(running.browser, { locale: 'ja-JP' });
  await page.goto(`${running.stack.consoleUrl}#/sheets`);
  const grid = page.getByTestId('sheet-grid');
  await grid.locator('tr[data-row="12"] th').click();
  await grid.locator('tr[data-row="13"] th').click({ modifiers: ['Shift'] });
  const items = await openExtensionsMenu(page);
  await screenshot(page, 'console-sheets-invoice-menu');
  await items.filter({ hasText: /請求書|invoice/i }).first().click();
  await page.locator('.toast, .modal').first().waitFor({ timeout: 20_000 });
  // Both invoice jobs finish and report into tasuki's column of their rows.
  const until = Date.now() + 60_000;
  let after = await ledgerValues();
  while (!rows.every((r) => /^(✅|⚠️)/.test(after[r - 1]![tasukiCol] ?? '')) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 300));
    after = await ledgerValues();
  }
  for (const r of rows) {
    assert.equal(after[r - 1]![statusCol], '進行中', `row ${r}: column G untouched`);
    assert.match(after[r - 1]![tasukiCol] ?? '', /^(✅|⚠️)/, `row ${r}: tasuki's column has the job's end`);
    assert.match(after[r - 1]![jobCol] ?? '', /^j-/, `row ${r}: the job's id`);
  }
  // Close the add-on's alert; the grid shows the written cells live. Scroll so that G (the
  // office's Status) and tasuki's own columns are both in the picture.
  const ok = page.locator('.modal button', { hasText: /^OK$/ });
  if (await ok.isVisible()) await ok.click();
  const tasukiCell = grid.locator('tr[data-row="13"] td', { hasText: /^(✅|⚠️)/ }).first();
  await tasukiCell.waitFor({ timeout: 20_000 });
  await grid.locator('tr[data-row="13"] td').last().scrollIntoViewIfNeeded();
  await screenshot(page, 'console-sheets-after-invoices');
  await grid.locator('tr[data-row="13"] td').first().scrollIntoViewIfNeeded();
  await screenshot(page, 'console-sheets-after-invoices-status-column');
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('Chat: /summary 山田製菓 answers with a chart drawn in Japanese', async (t) => {
  if (await skippedWithoutAddon(t)) return;
  const { page, errors } = await openPage(running.browser, { locale: 'ja-JP' });
  await page.goto(`${running.stack.consoleUrl}#/chat`);
  const input = page.locator('#chat-input');
  await input.fill('/summary 山田製菓');
  await input.press('Enter');
  const card = page.locator('article .gcard', { hasText: '集計: 山田製菓株式会社' }).last();
  await card.waitFor({ timeout: 60_000 });
  const image = card.locator('img').first();
  await image.waitFor({ timeout: 20_000 });
  await image.evaluate((img: HTMLImageElement) => (img.complete ? null : new Promise((r) => img.addEventListener('load', r, { once: true }))));
  assert.ok(await image.evaluate((img: HTMLImageElement) => img.naturalWidth >= 480), 'the chart image loaded');
  await card.scrollIntoViewIfNeeded();
  await screenshot(page, 'console-chat-summary-chart-ja');
  await image.screenshot({ path: join(process.cwd(), 'test-output', 'summary-chart-ja.png') });
  assert.deepEqual(errors, []);
  await page.context().close();
});
