/**
 * Every card and message of every job kind, in both languages, in every state a person sees
 * (queued, running, retrying, canceling, succeeded, failed after the last retry, failed for
 * good, canceled), on every surface: the Chat card and its message text (shared/cards/jobCard.ts),
 * the add-on's CardService card (run against the shim's CardService), the Sheets status cell,
 * and the /jobs lists. Each rendering must have: no raw key, no placeholder left, no amount
 * without ¥ and digit grouping, no text of the other language, Retry only where it can help,
 * no "will retry" once the job is finished, and no setting name or internal code for staff.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createCardService, toPlain } from '../local/apps-script-shim/cardService.js';
import { validateCardV2 } from '../shared/cardV2.js';
import { buildJobCard, jobChatMessage, jobStatusText } from '../shared/cards/jobCard.js';
import { retryOffered, statusText } from '../shared/cards/jobDisplay.js';
import { toJobView } from '../shared/job.js';
import { JOB_KINDS, type JobKind } from '../shared/jobKinds.js';
import type { Locale } from '../shared/locale.js';
import { DATA_WORDS, SAMPLE_STATES, sampleJob, type SampleState } from './support/jobSamples.js';

(globalThis as unknown as { CardService: unknown }).CardService = createCardService();
const { buildJobServiceCard, jobListSection } = await import('../addon/cards/jobCards.js');
const { jobListCard } = await import('../addon/chat/cards.js');

const KINDS = Object.keys(JOB_KINDS) as JobKind[];
const LOCALES: Locale[] = ['ja', 'en'];
const CONTEXT = { maxAttempts: 8, timeZone: 'Asia/Tokyo' };

/** Keys of results and inputs that must never be shown as labels. */
const RAW_KEYS = /\b(documentNumber|subtotal|folderId|folderUrl|briefDocId|ledgerRow|scheduleRow|pdfFileId|pdfUrl|docId|draftMessageId|intakeIds|medianLeadDays|chartUrl|projectNumber|requestedAt)\b/;
const INTERNALS = /TASUKI_|google_\d|_[a-z]+_|\b(undefined|null|NaN)\b|\[object|Error\b|\{\w+/;
const WILL_RETRY = /再試行します|自動で再試行|will try again|Retrying automatically|will retry/i;
const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;
/** English a Japanese card may carry: product and Google names, file types, the sheets' own names. */
const JA_ALLOWED = new Set(['tasuki', 'Google', 'Gmail', 'Chat', 'PDF', 'Drive', 'Docs', 'Sheets', 'Ledger', 'Schedule', 'Intake', 'Summary', ...DATA_WORDS]);

/** Every string a person reads in a card or message (not URLs, function names, ids or icons). */
function visibleStrings(value: unknown, key = ''): string[] {
  if (typeof value === 'string') {
    return ['url', 'function', 'cardId', 'name', 'imageUrl', 'key', 'value', 'materialIcon', 'knownIcon', 'iconUrl', 'type', 'interaction'].includes(key) ? [] : [value];
  }
  if (Array.isArray(value)) return value.flatMap((v) => visibleStrings(v, key));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => (k === 'parameters' || k === 'openLink' || k === 'materialIcon' ? [] : visibleStrings(v, k)));
  }
  return [];
}

function buttonTexts(value: unknown): string[] {
  const json = JSON.stringify(value);
  return [...json.matchAll(/"text":"([^"]*)","(?:icon|onClick)"/g)].map((m) => m[1]!);
}

function retryButtons(value: unknown): number {
  return (JSON.stringify(value).match(/"function":"onRetryJob"/g) ?? []).length;
}

function checkText(text: string, where: string, locale: Locale, state: SampleState): void {
  assert.doesNotMatch(text, RAW_KEYS, `${where}: raw key in "${text}"`);
  assert.doesNotMatch(text, INTERNALS, `${where}: internals in "${text}"`);
  const numbers = text
    .replace(/[PEI]-\d{4}-\d{3,}/g, '')
    // A qualified-invoice registration number is an identifier, printed as it is.
    .replace(/\bT\d{13}\b/g, '')
    .replace(/\d{4}年/g, '')
    .replace(/, \d{4}\b/g, '')
    .replace(/\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b/g, '')
    .replace(/\b[0-9a-f]{8}\b/g, '');
  assert.doesNotMatch(numbers, /\d{4,}/, `${where}: an unformatted number in "${text}"`);
  if (locale === 'en') assert.doesNotMatch(text, JAPANESE, `${where}: Japanese in an English text "${text}"`);
  else {
    const words = text.replace(/<[^>]+>/g, '').replace(/[PEI]-\d{4}-\d{3,}/g, '').replace(/\/[a-z]+/g, '');
    const english = (words.match(/[A-Za-z][A-Za-z'-]+/g) ?? []).filter((w) => !JA_ALLOWED.has(w));
    assert.deepEqual(english, [], `${where}: English in a Japanese text "${text}"`);
  }
  if (state === 'succeeded' || state.startsWith('failed') || state === 'canceled') assert.doesNotMatch(text, WILL_RETRY, `${where}: "will retry" in a finished job: "${text}"`);
}

describe('every job text, both languages, every state', () => {
  for (const kind of KINDS) {
    for (const locale of LOCALES) {
      test(`${kind} in ${locale}`, () => {
        for (const state of SAMPLE_STATES) {
          const job = sampleJob(kind, state, locale);
          const where = `${kind}/${state}/${locale}`;
          const card = buildJobCard(job, CONTEXT);
          assert.deepEqual(validateCardV2(card), { ok: true }, `${where}: Card v2`);
          const message = jobChatMessage(job, CONTEXT);
          // What the add-on draws: the display the service renders for this user (routes/jobDisplayOf.ts).
          const display = { card: card as Record<string, unknown>, text: statusText(job, locale, CONTEXT), retry: retryOffered(job) };
          const addonCard = toPlain(buildJobServiceCard({ job: toJobView(job), display }, locale));
          const surfaces: Array<[string, unknown]> = [
            ['chat card', card],
            ['chat text', message.text],
            ['sheet cell', jobStatusText(job, CONTEXT)],
            ['add-on card', addonCard],
          ];
          for (const [surface, rendered] of surfaces) {
            for (const text of visibleStrings(rendered)) checkText(text, `${where} ${surface}`, locale, state);
          }
          // Retry exactly where it can help: canceled, or failed after the last try of a passing problem.
          const helps = state === 'canceled' || state === 'failed-retryable-final';
          assert.equal(retryOffered(job), helps, `${where}: retryOffered`);
          assert.equal(retryButtons(card), helps ? 1 : 0, `${where}: Retry on the Chat card`);
          assert.equal(retryButtons(addonCard), helps ? 1 : 0, `${where}: Retry on the add-on card`);
          // Cancel only while it can stop something.
          const cancels = (JSON.stringify(card).match(/"function":"onCancelJob"/g) ?? []).length;
          assert.equal(cancels, ['queued', 'running', 'retrying'].includes(state) ? 1 : 0, `${where}: Cancel`);
          assert.ok(buttonTexts(card).every((t) => t.length > 0), `${where}: empty button`);
        }
      });
    }
  }

  test('values are labelled and formatted: ¥450,000, 2026年12月20日 / Dec 20, 2026, no raw keys', () => {
    const ja = JSON.stringify(buildJobCard(sampleJob('project.create', 'succeeded', 'ja')));
    assert.match(ja, /"topLabel":"金額","text":"¥450,000"/);
    assert.match(ja, /"topLabel":"納期","text":"2026年12月20日"/);
    assert.match(ja, /"topLabel":"案件番号","text":"P-2026-013"/);
    assert.match(ja, /"text":"フォルダを開く"/);
    assert.doesNotMatch(ja, /フォルダ Folder/);
    const en = JSON.stringify(buildJobCard(sampleJob('project.create', 'succeeded', 'en')));
    assert.match(en, /"topLabel":"Due date","text":"Dec 20, 2026"/);
    assert.match(en, /"text":"Open folder"/);
    const invoice = JSON.stringify(buildJobCard(sampleJob('billing.document', 'succeeded', 'ja')));
    assert.match(invoice, /"topLabel":"請求番号","text":"I-2026-007"/);
    assert.match(invoice, /"topLabel":"合計","text":"¥494,400"/);
    assert.match(invoice, /"topLabel":"消費税","text":"¥44,400"/);
    // What a qualified invoice states is on the card too: recipient, transaction date, per rate, registration number.
    assert.match(invoice, /"topLabel":"宛名","text":"株式会社アトリエ"/);
    assert.match(invoice, /"topLabel":"取引年月日","text":"2026年12月15日"/);
    assert.match(invoice, /"topLabel":"税率ごとの内訳","text":"10%対象 ¥420,000（消費税 ¥42,000）<br>8%対象※ ¥30,000（消費税 ¥2,400）※軽減税率"/);
    assert.match(invoice, /"topLabel":"登録番号","text":"T9010401234567"/);
    assert.match(invoice, /"function":"onReissueDocument","interaction":"OPEN_DIALOG","parameters":\[\{"key":"type","value":"invoice"\},\{"key":"projectNumber","value":"P-2026-013"\},\{"key":"documentNumber","value":"I-2026-007"\}\]/);
    const invoiceEn = JSON.stringify(buildJobCard(sampleJob('billing.document', 'succeeded', 'en')));
    assert.match(invoiceEn, /"topLabel":"By tax rate","text":"10%: ¥420,000 \(tax ¥42,000\)<br>8% reduced rate\*: ¥30,000 \(tax ¥2,400\)"/);
    assert.match(invoiceEn, /"text":"Reissue…"/);
  });

  test('honest status: retrying says which attempt; a final failure says what to do, never "will retry"', () => {
    const retrying = jobStatusText(sampleJob('project.create', 'retrying', 'ja'), CONTEXT);
    assert.match(retrying, /3回目が失敗、最大8回/);
    const final = jobStatusText(sampleJob('project.create', 'failed-retryable-final', 'en'), CONTEXT);
    assert.match(final, /Tried 8 times without success\. Press Retry in a while\./);
    const config = jobStatusText(sampleJob('project.create', 'failed-permanent', 'ja'), CONTEXT);
    assert.match(config, /管理者に連絡してください（ジョブ 90a8f5c1）/);
    assert.doesNotMatch(config, /TASUKI_|設定してください/);
    const portal = jobStatusText(sampleJob('portal.scrape', 'failed-permanent', 'en'), CONTEXT);
    assert.equal(portal, '⚠️ Failed · The portal "acme" is not set up. Check the name after /scrape, or ask your administrator to add it.');
  });

  test('the /jobs lists show kind, project or client, state, short ref and age in one language', () => {
    for (const locale of LOCALES) {
      const jobs = KINDS.flatMap((kind) => SAMPLE_STATES.map((state) => toJobView(sampleJob(kind, state, locale))));
      const now = new Date('2026-12-03T05:42:00.000Z');
      const chat = jobListCard(jobs, locale, now);
      assert.deepEqual(validateCardV2(chat), { ok: true });
      const section = toPlain(jobListSection(jobs, locale, now));
      for (const rendered of [chat, section]) {
        for (const text of visibleStrings(rendered)) checkText(text, `jobs list ${locale}`, locale, 'queued');
      }
      const first = JSON.stringify(chat);
      assert.match(first, locale === 'ja' ? /案件作成 · P-2026-013 · 株式会社アトリエ/ : /Create project · Acme Corp\./);
      assert.match(first, locale === 'ja' ? /90a8f5c1 · 42分前/ : /90a8f5c1 · 42 min ago/);
    }
  });
});
