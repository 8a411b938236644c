// The console's Schedules page in a real browser (Debian chromium via playwright-core) against the
// whole local stack as `npm start` runs it: the seeded office's schedules with their next run in
// the schedule's own time zone (the browser is put in New York so a wrong zone shows), in Japanese
// and English; "run now" fires one through the local Cloud Scheduler stand-in and the service's
// OIDC-checked endpoint, the row links the job it made, and that job answers in the team space.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { screenshot, withConsoleStack } from '../support/browser.js';

const running = withConsoleStack('tasuki-console-schedules-');

/** A page in `locale` whose clock is New York's: the schedules' times must still read in Tokyo. */
async function schedulesPage(locale: string): Promise<{ page: Page; errors: string[] }> {
  const context = await running.browser.newContext({ viewport: { width: 1280, height: 800 }, locale, timezoneId: 'America/New_York' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`${running.stack.consoleUrl}#/schedules`);
  await page.getByTestId('schedules').waitFor();
  return { page, errors };
}

/** The hour and minute of `iso` in Tokyo, as "H:MM". */
function tokyoClock(iso: string): { hour: number; minute: string; weekday: number } {
  const d = new Date(new Date(iso).getTime() + 9 * 3600_000);
  return { hour: d.getUTCHours(), minute: String(d.getUTCMinutes()).padStart(2, '0'), weekday: d.getUTCDay() };
}

test('Schedules (Japanese): each schedule with its next run in Asia/Tokyo; "run now" makes the job, which answers in Chat', async () => {
  const { page, errors } = await schedulesPage('ja-JP');
  const header = (await page.getByTestId('schedules').locator('thead').textContent()) ?? '';
  for (const word of ['スケジュール', 'cron（タイムゾーン）', 'ジョブの種類', '次回', '前回']) assert.ok(header.includes(word), `header has ${word}: ${header}`);

  const scrape = page.locator('tr[data-schedule="scrape-acme"]');
  const sync = page.locator('tr[data-schedule="sync-schedule"]');
  assert.match((await scrape.textContent()) ?? '', /0 8 \* \* MON-FRI.*Asia\/Tokyo.*ポータル取り込み.*portal: acme/s);
  assert.match((await sync.textContent()) ?? '', /30 7 \* \* \*.*Asia\/Tokyo.*スケジュール同期/s);

  const scrapeAt = (await scrape.getByTestId('next-run').getAttribute('data-at'))!;
  const syncAt = (await sync.getByTestId('next-run').getAttribute('data-at'))!;
  const scrapeClock = tokyoClock(scrapeAt);
  const syncClock = tokyoClock(syncAt);
  assert.deepEqual([scrapeClock.hour, scrapeClock.minute], [8, '00']);
  assert.ok(scrapeClock.weekday >= 1 && scrapeClock.weekday <= 5, `scrape-acme next runs on a Tokyo weekday: ${scrapeAt}`);
  assert.deepEqual([syncClock.hour, syncClock.minute], [7, '30']);
  // Shown as Tokyo's wall clock (not New York's, 14 hours behind), with how long until then.
  const [scrapeShown, scrapeIn] = await scrape.getByTestId('next-run').locator('div').allTextContents();
  const [syncShown] = await sync.getByTestId('next-run').locator('div').allTextContents();
  assert.match(scrapeShown!, /^\d{4}\/\d{2}\/\d{2} 8:00$/);
  assert.match(syncShown!, /^\d{4}\/\d{2}\/\d{2} 7:30$/);
  assert.match(scrapeIn!, /^(\d+ (時間|日)後|明日|明後日)$/, 'how long until then, in Japanese');
  await screenshot(page, 'console-schedules-ja');

  await sync.getByTestId('run-now').click();
  const link = sync.getByTestId('last-firing').locator('a');
  await link.waitFor({ timeout: 20_000 });
  assert.match((await sync.getByTestId('last-firing').textContent()) ?? '', /（手動）/);
  const jobId = decodeURIComponent(((await link.getAttribute('href')) ?? '').replace(/^.*[?&=/](j-[0-9a-f]+).*$/, '$1'));
  assert.match(jobId, /^j-[0-9a-f]+$/, `the last firing links its job: ${await link.getAttribute('href')}`);
  await screenshot(page, 'console-schedules-ran-ja');

  await page.locator('a.nav-item[data-view="chat"]').click();
  const message = page.locator(`article[data-client-id="client-${jobId}"]`);
  await message.locator('.gcard', { hasText: /完了/ }).waitFor({ timeout: 30_000 });
  await screenshot(page, 'console-schedules-chat-ja');
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('Schedules (English): the same table and times in English', async () => {
  const { page, errors } = await schedulesPage('en-US');
  const header = (await page.getByTestId('schedules').locator('thead').textContent()) ?? '';
  for (const word of ['Schedule', 'Cron (time zone)', 'Job kind', 'Next run', 'Last run']) assert.ok(header.includes(word), `header has ${word}: ${header}`);
  const scrape = page.locator('tr[data-schedule="scrape-acme"]');
  assert.match((await scrape.textContent()) ?? '', /Portal import/);
  const [shown, until] = await scrape.getByTestId('next-run').locator('div').allTextContents();
  assert.match(shown!, /^\d{1,2} [A-Z][a-z]{2} \d{4}, 08:00$/);
  assert.match(until!, /^(in \d+ (hr|day)s?\.?|tomorrow)$/, 'how long until then, in English');
  assert.equal(await scrape.getByTestId('run-now').textContent(), 'Run now');
  assert.match((await page.locator('main, body').first().textContent()) ?? '', /A firing delivered twice for the same time makes one job/);
  await screenshot(page, 'console-schedules-en');
  assert.deepEqual(errors, []);
  await page.context().close();
});
