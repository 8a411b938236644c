// The console's Accounting view in a real browser against the whole local stack (startStack, as
// `npm start` runs it, connected to its freee stand-in by itself): documents created in the
// stand-in through freee請求書's own API appear with their per-rate amounts and tax, the
// template's registration number, and a 取消 mark; the number opens the document's page.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { STANDIN_COMPANY_ID, STANDIN_REGISTRATION_NUMBER } from '../../local/freee/freeeState.js';
import { FREEE_TOKEN_FILE } from '../../service/billing/providers.js';
import { openPage, screenshot, withConsoleStack } from '../support/browser.js';

const running = withConsoleStack('tasuki-accounting-');

test('Accounting lists the freee documents: per-rate amounts and tax, registration number, 取消 marked', async () => {
  const { stack } = running;
  const freee = `${stack.sandboxUrl}/freee`;
  const { accessToken } = JSON.parse(readFileSync(join(stack.dataDir, FREEE_TOKEN_FILE), 'utf8')) as { accessToken: string };
  const headers = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
  const invoice = (number: string, subject: string) => ({
    company_id: STANDIN_COMPANY_ID, partner_id: 70_002, partner_title: '御中', partner_display_name: '山田製菓株式会社',
    tax_entry_method: 'out', tax_fraction: 'omit', line_amount_fraction: 'round', withholding_tax_entry_method: 'out',
    invoice_number: number, billing_date: '2026-12-20', subject,
    lines: [
      { description: 'パッケージデザイン', quantity: 1, unit_price: '180000', tax_rate: 10 },
      { description: '贈答用 焼き菓子セット', quantity: 12, unit_price: '2480', tax_rate: 8, reduced_tax_rate: true, sales_date: '2026-12-10' },
    ],
  });
  const created: Array<{ id: number }> = [];
  for (const [number, subject] of [['I-2026-901', '歳暮ギフト'], ['I-2026-902', '【取消】歳暮ギフト 旧版']] as const) {
    const res = await fetch(`${freee}/iv/invoices`, { method: 'POST', headers, body: JSON.stringify(invoice(number, subject)) });
    assert.equal(res.status, 201, await res.clone().text());
    created.push(((await res.json()) as { invoice: { id: number } }).invoice);
  }

  const { page, errors } = await openPage(running.browser, { locale: 'ja-JP' });
  await page.goto(`${stack.consoleUrl}#/accounting`);
  const row = page.locator('tr[data-number="I-2026-901"]');
  await row.waitFor({ timeout: 15_000 });
  const cells = (await row.locator('td').allTextContents()).map((c) => c.trim());
  // 10%: ¥180,000 → ¥18,000; 8% reduced: 12 × ¥2,480 = ¥29,760 → ¥2,380 (rounded once, down).
  assert.deepEqual(cells, ['I-2026-901', '請求書', '山田製菓株式会社', '歳暮ギフト', '¥180,000 / ¥18,000', '¥29,760 / ¥2,380', '¥230,140', STANDIN_REGISTRATION_NUMBER]);
  const voided = page.locator('tr[data-number="I-2026-902"]');
  assert.equal(await voided.getAttribute('class'), 'voided');
  assert.match(await voided.locator('td').nth(3).evaluate((td) => getComputedStyle(td).textDecorationLine), /line-through/, 'a voided document reads as not in force');
  await screenshot(page, 'console-accounting');

  const [opened] = await Promise.all([page.context().waitForEvent('page'), row.locator('a').click()]);
  await opened.waitForLoadState();
  assert.equal(new URL(opened.url()).pathname, `/freee/web/invoices/${created[0]!.id}`);
  assert.match((await opened.textContent('body')) ?? '', new RegExp(`請求書 I-2026-901[\\s\\S]*登録番号 ${STANDIN_REGISTRATION_NUMBER}`));
  assert.deepEqual(errors, []);
  await page.context().close();
});
