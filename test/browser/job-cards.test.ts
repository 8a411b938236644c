// Every job card people see, drawn by the console's Card v2 renderer in a real browser: each job
// kind in each state (queued, running, retrying, canceling, succeeded, failed after the last
// retry, failed for good, canceled), in Japanese and in English, one screenshot per kind and
// language (test-output/job-cards-<kind>-<locale>.png) for review. What the browser shows is
// checked as well: one language, no raw keys or placeholders, amounts with ¥, Retry only on the
// two states where it helps and no "will retry" on a finished job. test/job-texts.test.ts checks
// the same rules on the JSON; this is the rendered text a person reads.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { PUBLIC_DIR } from '../../local/console/browserBundle.js';
import { buildJobCard } from '../../shared/cards/jobCard.js';
import { JOB_KINDS, type JobKind } from '../../shared/jobKinds.js';
import type { Locale } from '../../shared/locale.js';
import { launchBrowser, OUTPUT_DIR, openPage } from '../support/browser.js';
import { SAMPLE_STATES, sampleJob } from '../support/jobSamples.js';

let browser: Browser;
let page: Page;
let errors: string[];

before(async () => {
  const out = await build({ entryPoints: [PUBLIC_DIR + 'cardRenderer.ts'], bundle: true, write: false, format: 'iife', globalName: 'CardRenderer', target: 'es2022', logLevel: 'silent' });
  mkdirSync(OUTPUT_DIR, { recursive: true });
  browser = await launchBrowser();
  ({ page, errors } = await openPage(browser));
  await page.setViewportSize({ width: 1900, height: 900 });
  await page.setContent('<!doctype html><html><head><meta charset="utf-8"></head><body><div id="root" style="padding:12px;display:grid;grid-template-columns:repeat(4, 440px);gap:12px;align-items:start"></div></body></html>');
  await page.addStyleTag({ path: PUBLIC_DIR + 'styles.css' });
  await page.addScriptTag({ content: out.outputFiles[0]!.text });
});

after(async () => {
  await browser?.close();
});

const KINDS = Object.keys(JOB_KINDS) as JobKind[];
const CONTEXT = { maxAttempts: 8, timeZone: 'Asia/Tokyo' };
const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;
const RAW = /documentNumber|subtotal|projectNumber|folderUrl|requestedAt|matches|\{\w+[},]|undefined|null|NaN|TASUKI_|\[object/;
const WILL_RETRY = /再試行します|will try again|Retrying automatically/;

for (const locale of ['ja', 'en'] as Locale[]) {
  test(`every kind in every state, drawn in ${locale}: one language, no raw keys, Retry only where it helps`, async () => {
    for (const kind of KINDS) {
      const cards = SAMPLE_STATES.map((state) => ({ state, card: buildJobCard(sampleJob(kind, state, locale), CONTEXT) }));
      const drawn = await page.evaluate((list) => {
        const w = window as any;
        const root = document.getElementById('root')!;
        root.replaceChildren(
          ...list.map(({ state, card }) => {
            const cell = document.createElement('div');
            const tag = document.createElement('div');
            tag.textContent = state;
            tag.style.cssText = 'font:11px monospace;color:#888;margin-bottom:4px';
            cell.append(tag, w.CardRenderer.renderCard(card, {}));
            return cell;
          }),
        );
        return Array.from(root.children).map((cell) => ({
          text: (cell.lastElementChild as HTMLElement).innerText,
          buttons: Array.from(cell.querySelectorAll('button.gbtn')).map((b) => b.textContent ?? ''),
        }));
      }, cards);
      await page.screenshot({ path: join(OUTPUT_DIR, `job-cards-${kind}-${locale}.png`), fullPage: true });
      drawn.forEach(({ text, buttons }, i) => {
        const state = SAMPLE_STATES[i]!;
        const where = `${kind}/${state}/${locale}`;
        assert.doesNotMatch(text, RAW, `${where}: raw text in\n${text}`);
        if (locale === 'en') assert.doesNotMatch(text, JAPANESE, `${where}: Japanese in English\n${text}`);
        else assert.match(text, JAPANESE, `${where}: no Japanese\n${text}`);
        const retry = locale === 'ja' ? '再実行' : 'Retry';
        const helps = state === 'canceled' || state === 'failed-retryable-final';
        assert.equal(buttons.some((b) => b.endsWith(retry)), helps, `${where}: Retry button ${buttons.join('|')}`);
        if (['succeeded', 'failed-retryable-final', 'failed-permanent', 'canceled'].includes(state)) assert.doesNotMatch(text, WILL_RETRY, `${where}: "will retry" when finished\n${text}`);
        // Numbers are grouped (¥450,000, 1,234); only document numbers and years have 4 digits in a row…
        // …and an invoice issuer's registration number (T and 13 digits), an identifier.
        const numbers = text.replace(/[PEI]-\d{4}-\d{3,}/g, '').replace(/\bT\d{13}\b/g, '').replace(/\b(?:19|20)\d\d\b/g, '');
        assert.doesNotMatch(numbers, /\d{4,}/, `${where}: an unformatted number in\n${text}`);
        assert.doesNotMatch(text, /\$\d/, `${where}: an amount not in yen`);
      });
    }
    assert.deepEqual(errors, []);
  });
}
