/**
 * The catalogue (shared/messages.ts) and its formatter (shared/text/format.ts): every entry has
 * both languages with the same parameters, Japanese entries carry no English words beyond
 * product names and examples, English entries no Japanese; the ICU subset fills plurals and
 * selects; values print as ¥450,000, 2026年12月20日 / Dec 20, 2026 and in the office's time zone,
 * with Intl and without it.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as catalogue from '../shared/messages.js';
import type { Localized } from '../shared/locale.js';
import { formatDate, formatDateTime, formatMessage, formatMonth, formatSheetTime, formatYen } from '../shared/text/format.js';

/** Every Localized entry of every table, by a dotted name. */
function entries(): Array<[string, Localized]> {
  const out: Array<[string, Localized]> = [];
  const visit = (name: string, value: unknown) => {
    if (!value || typeof value !== 'object') return;
    const v = value as Record<string, unknown>;
    if (typeof v.ja === 'string' && typeof v.en === 'string') return void out.push([name, v as Localized]);
    for (const [k, child] of Object.entries(v)) visit(`${name}.${k}`, child);
  };
  for (const [name, table] of Object.entries(catalogue)) if (typeof table === 'object') visit(name, table);
  return out;
}

/** Parameter names a pattern uses, at any depth (`{n, plural, one {…} other {…}}` → n, and inside). */
function params(pattern: string): string[] {
  const names = new Set<string>();
  const walk = (text: string) => {
    for (let i = 0; i < text.length; i++) {
      if (text[i] !== '{') continue;
      let depth = 0;
      let end = i;
      for (; end < text.length; end++) {
        if (text[end] === '{') depth++;
        else if (text[end] === '}' && --depth === 0) break;
      }
      const inner = text.slice(i + 1, end);
      const [name, type] = inner.split(',').map((p) => p.trim());
      names.add(name!);
      if (type === 'plural' || type === 'select') {
        const rest = inner.slice(inner.indexOf(',', inner.indexOf(',') + 1) + 1);
        for (const m of rest.matchAll(/[^{}\s]+\s*\{/g)) {
          let d = 0;
          let j = m.index! + m[0].length - 1;
          const start = j + 1;
          for (; j < rest.length; j++) {
            if (rest[j] === '{') d++;
            else if (rest[j] === '}' && --d === 0) break;
          }
          walk(rest.slice(start, j));
        }
      }
      i = end;
    }
  };
  walk(pattern);
  return [...names].sort();
}

/** English a Japanese entry may carry: product names, Google's names, file types, formats, examples. */
const JA_ALLOWED = /^(tasuki|Google|Gmail|Chat|PDF|freee|Drive|Docs|Sheets|HTTP|YYYY|MM|DD|P|E|I|Ledger|acme|scrape|jobs|help|status|new|retry|cancel|invoice|estimate|summary|search|POP)$/;

test('every entry has both languages, non-empty, with the same parameters', () => {
  const all = entries();
  assert.ok(all.length > 150, `${all.length} entries`);
  for (const [name, { ja, en }] of all) {
    assert.ok(ja.trim() && en.trim(), `${name} is empty in a language`);
    assert.deepEqual(params(ja), params(en), `${name}: the languages use different parameters`);
  }
});

test('Japanese entries are Japanese; English entries have no Japanese', () => {
  for (const [name, { ja, en }] of entries()) {
    const words = ja.replace(/\{[^{}]*\}/g, ' ').replace(/\{[^}]*$/g, ' ').match(/[A-Za-z]+/g) ?? [];
    // ICU keywords inside branches (plural/select/other) are syntax, not words people read.
    const english = words.filter((w) => !JA_ALLOWED.test(w) && !/^(plural|select|other|one)$/.test(w));
    assert.deepEqual(english, [], `${name}: English in Japanese "${ja}"`);
    if (!/^(KIND_LABELS|ADDON_TEXTS\.appName)/.test(name)) assert.doesNotMatch(en, /[\u3040-\u30ff\u4e00-\u9fff]/, `${name}: Japanese in English "${en}"`);
  }
});

test('no entry tells staff an operator setting, and none promises a retry on its own', () => {
  for (const [name, { ja, en }] of entries()) {
    assert.doesNotMatch(`${ja} ${en}`, /TASUKI_|service account|サービスアカウント/, name);
  }
});

test('the ICU subset: arguments, numbers, plurals with #, =0, select, nesting; unknown names stay visible', () => {
  assert.equal(formatMessage('{n} 件', { n: 450000 }, 'ja'), '450,000 件');
  assert.equal(formatMessage('{n, plural, =0 {none} one {# item} other {# items}}', { n: 0 }, 'en'), 'none');
  assert.equal(formatMessage('{n, plural, =0 {none} one {# item} other {# items}}', { n: 1 }, 'en'), '1 item');
  assert.equal(formatMessage('{n, plural, =0 {none} one {# item} other {# items}}', { n: 1200 }, 'en'), '1,200 items');
  assert.equal(formatMessage('{t, select, invoice {請求書} other {見積書}}の{n, plural, other {#件}}', { t: 'invoice', n: 3 }, 'ja'), '請求書の3件');
  assert.equal(formatMessage('Hello {who}', {}, 'en'), 'Hello {who}');
  assert.equal(catalogue.phrase('en', catalogue.JOB_TEXTS.finalTransient, { attempts: 1 }), 'Tried once without success. Press Retry in a while.');
});

test('values: yen, dates, months and times in the office time zone, with and without Intl', () => {
  const check = () => {
    assert.equal(formatYen(450000), '¥450,000');
    assert.equal(formatYen(-1200), '-¥1,200');
    assert.equal(formatDate('2026-12-20', 'ja'), '2026年12月20日');
    assert.equal(formatDate('2026-12-20', 'en'), 'Dec 20, 2026');
    assert.equal(formatMonth('2026-08', 'ja'), '2026年8月');
    assert.equal(formatMonth('2026-08', 'en'), 'Aug 2026');
    assert.equal(formatDateTime('2026-12-20T05:05:00Z', 'ja', 'Asia/Tokyo'), '2026年12月20日 14:05');
    assert.equal(formatDateTime('2026-12-20T05:05:00Z', 'en', 'Asia/Tokyo'), 'Dec 20, 2026, 2:05 PM');
    assert.equal(formatSheetTime('2026-12-19T16:30:00Z', 'Asia/Tokyo'), '2026-12-20 01:30');
  };
  check();
  const intl = globalThis.Intl;
  try {
    // A runtime without Intl (or a reduced ICU) prints the same shapes.
    (globalThis as { Intl?: unknown }).Intl = undefined;
    check();
    assert.equal(formatMessage('{n, plural, one {# row} other {# rows}}', { n: 1 }, 'en'), '1 row');
  } finally {
    globalThis.Intl = intl;
  }
});

test('every durable step the handlers and billing providers name has a label in both languages', () => {
  // Step names as written in the source: ctx.step('ledger', …), ctx.step(`order:${id}`, …), step('pdf', …).
  const read = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join(dir, f), 'utf8'));
  const stepsIn = (sources: string[]) => sources.flatMap((source) => [...source.matchAll(/\bstep\(\s*(?:'([^']+)'|`([^`]+)`)/g)].map((m) => m[1] ?? `\0${m[2]}`));
  const providerSteps = stepsIn([...read('service/billing'), ...read('service/billing/freee')]).filter((n) => !n.startsWith('\0'));
  const names = new Set<string>();
  for (const found of stepsIn([...read('service/jobs'), ...read('service/billing'), ...read('service/billing/freee')])) {
    if (!found.startsWith('\0')) names.add(found);
    else {
      const template = found.slice(1);
      // A step runner handed to a billing provider (`${provider.id}:${name}`, `copy-${name}`) runs the provider's named steps.
      const expanded = template.endsWith('${name}') ? providerSteps.map((n) => template.replace('${name}', n)) : [template];
      for (const name of expanded) names.add(name.replace(/\$\{[^}]+\}/g, '1'));
    }
  }
  assert.ok(names.size >= 25, `found only ${[...names].join(', ')}`);
  for (const name of names) {
    for (const locale of ['ja', 'en'] as const) assert.notEqual(catalogue.stepLabel(name, locale), '', `no ${locale} label for step "${name}"`);
  }
  assert.equal(catalogue.stepLabel('freee:partner', 'en'), 'Partner found');
  assert.equal(catalogue.stepLabel('docs:pdf', 'ja'), 'PDF を保存');
  assert.equal(catalogue.stepLabel('attachment:2', 'en'), 'Attachment saved');
  assert.equal(catalogue.stepLabel('freee:copy-pdf', 'ja'), '控え: PDF を保存');
  assert.equal(catalogue.stepLabel('no-such-step', 'en'), '');
});
