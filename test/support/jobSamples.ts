/**
 * One realistic job of every kind in every state a person can see, in Japanese and in English:
 * the inputs and results pass the kinds' own schemas, and each kind fails permanently the way it
 * really does (a missing template, a project not in the ledger, an unknown portal…). Used by the
 * render-everything test and by the browser test that screenshots the cards.
 */
import { JOB_KINDS, type JobKind } from '../../shared/jobKinds.js';
import type { JobError, JobRecord } from '../../shared/job.js';
import type { Locale } from '../../shared/locale.js';

export const SAMPLE_STATES = ['queued', 'running', 'retrying', 'canceling', 'succeeded', 'failed-retryable-final', 'failed-permanent', 'canceled'] as const;
export type SampleState = (typeof SAMPLE_STATES)[number];

/** Data per locale, so "no text of the other language" can be checked on everything else. */
const DATA = {
  ja: { client: '株式会社アトリエ', title: '店舗看板デザイン', portal: 'acme', words: '看板', message: 'こんにちは' },
  en: { client: 'Acme Corp.', title: 'Shop sign design', portal: 'acme', words: 'sign', message: 'hello' },
} satisfies Record<Locale, Record<string, string>>;

/** Words that belong to the data above (allowed in either language's card). */
export const DATA_WORDS = ['acme', 'Acme', 'Corp', 'Shop', 'sign', 'design', 'hello'];

type Sample = { input: unknown; result: unknown; permanent: JobError; progressLabel: Record<Locale, string> };

function samples(locale: Locale): Record<JobKind, Sample> {
  const d = DATA[locale];
  const folder = 'https://drive.google.com/drive/folders/1AbCdEf';
  return {
    'system.echo': {
      input: { message: d.message, steps: 3 },
      result: { message: d.message, steps: 3 },
      permanent: { code: 'echo_failed_permanently', message: 'x', retryable: false, userMessage: { ja: 'テスト用の恒久的な失敗です。', en: 'Permanent test failure.' } },
      progressLabel: { ja: 'エコー 2/3', en: 'echo 2/3' },
    },
    'project.create': {
      input: { source: 'gmail', client: { name: d.client }, title: d.title, due: '2026-12-20', amount: 450000 },
      result: {
        projectNumber: 'P-2026-013', folderId: '1AbCdEf', folderUrl: folder, briefDocId: '1Doc', ledgerRow: 14, scheduleRow: 9,
        links: [
          { title: 'P-2026-013 フォルダ Folder', url: folder },
          { title: '依頼概要 Brief', url: 'https://docs.google.com/document/d/1Doc/edit' },
        ],
      },
      permanent: { code: 'template_missing', message: 'テンプレートフォルダ folder-template が見つかりません。TASUKI_TEMPLATE_FOLDER_ID を設定してください。', retryable: false, detail: 'template folder folder-template: 404' },
      progressLabel: { ja: 'テンプレート 12 件をコピー', en: '12 template items copied' },
    },
    'schedule.sync': {
      input: {},
      result: { created: 2, updated: 1, cancelled: 0, unchanged: 1234, errors: [{ row: 5, message: locale === 'ja' ? '日付が読めません' : 'the date does not read' }] },
      permanent: {
        code: 'google_not_found', message: 'x', retryable: false,
        userMessage: { ja: 'カレンダーが見つかりません。管理者に確認してください。', en: 'The calendar was not found. Ask your administrator.' },
        detail: 'calendar office@example.co.jp: 404',
      },
      progressLabel: { ja: '10/30 行', en: '10/30 rows' },
    },
    'billing.document': {
      input: { type: 'invoice', projectNumber: 'P-2026-013' },
      result: {
        documentNumber: 'I-2026-007', outcome: 'issued', summary: locale === 'ja' ? '請求書 I-2026-007 を発行しました' : 'Invoice I-2026-007 issued', docId: '1Doc', pdfFileId: '1Pdf', pdfUrl: 'https://drive.google.com/file/d/1Pdf/view', subtotal: 450000, tax: 44400, total: 494400,
        recipient: d.client, transactionDate: '2026-12-15', registrationNumber: 'T9010401234567',
        byRate: [{ rate: 10, reduced: false, subtotal: 420000, tax: 42000 }, { rate: 8, reduced: true, subtotal: 30000, tax: 2400 }],
        links: [
          { title: 'I-2026-007 PDF', url: 'https://drive.google.com/file/d/1Pdf/view' },
          { title: 'I-2026-007 Doc', url: 'https://docs.google.com/document/d/1Doc/edit' },
          { title: 'P-2026-013 フォルダ Folder', url: folder },
        ],
        draftMessageId: 'm-1',
      },
      permanent: {
        code: 'project_not_found', message: 'x', retryable: false,
        userMessage: { ja: '案件 P-2026-013 が台帳（Ledger シート）に見つかりません。案件番号を確認してください。', en: 'Project P-2026-013 is not in the ledger. Check the project number.' },
      },
      progressLabel: { ja: 'PDF を保存', en: 'PDF saved' },
    },
    'portal.scrape': {
      input: { portal: d.portal },
      result: { portal: d.portal, fetched: 12, added: 3, skipped: 9, intakeIds: ['acme-1', 'acme-2', 'acme-3'] },
      permanent: { code: 'unknown_portal', message: 'ポータル「acme」は設定されていません（設定済み: なし）。TASUKI_PORTALS に追加してください。', retryable: false },
      progressLabel: { ja: '新規 3 件', en: '3 new' },
    },
    'ledger.summarize': {
      input: { client: d.client },
      result: {
        rows: [
          { client: d.client, month: '2026-11', count: 2, amount: 300000, medianLeadDays: 12 },
          { client: d.client, month: '2026-12', count: 1, amount: 450000, medianLeadDays: null },
        ],
        chartUrl: 'http://127.0.0.1:8080/charts/c1.png',
        links: [
          { title: '集計シート', url: 'https://docs.google.com/spreadsheets/d/sheet-ledger/edit' },
          { title: 'Chart', url: 'http://127.0.0.1:8080/charts/c1.png' },
        ],
      },
      permanent: { code: 'google_permission_denied', message: 'Permission denied by Google (sheets.values.get).', retryable: false, detail: 'sheets.values.get: 403 The caller does not have permission' },
      progressLabel: { ja: 'グラフを作成', en: 'Chart drawn' },
    },
    'ledger.search': {
      input: { words: d.words },
      result: { matches: [{ projectNumber: 'P-2025-041', client: d.client, title: d.title, requestedAt: '2025-10-03', url: folder }] },
      permanent: { code: 'kind_not_available', message: 'this service does not run jobs of kind ledger.search', retryable: false },
      progressLabel: { ja: '1 件見つかりました', en: '1 found' },
    },
  };
}

const TRANSIENT: JobError = { code: 'google_unavailable', message: 'Google のサービスが一時的に応答しません（drive.files.copy）。自動で再試行します。', retryable: true, userMessage: { ja: 'Google のサービスが一時的に応答しません（drive.files.copy）。自動で再試行します。', en: 'Google did not answer for now (drive.files.copy); tasuki will try again.' } };

/** A job record of `kind` in `state`, in `locale`; its input and result parsed by the kind's schemas. */
export function sampleJob(kind: JobKind, state: SampleState, locale: Locale): JobRecord {
  const s = samples(locale)[kind];
  const input = JOB_KINDS[kind].input.parse(s.input);
  const at = '2026-12-03T05:00:00.000Z';
  const base: JobRecord = {
    id: `j-90a8f5c1${'0'.repeat(23)}${Object.keys(JOB_KINDS).indexOf(kind)}`,
    kind, input, status: 'queued', requestedBy: 'sato@example.co.jp', locale, generation: 1, attempts: 0, steps: {},
    cancelRequested: false, createdAt: at, updatedAt: at, version: 1,
  };
  const progress = { done: 2, total: 5, label: s.progressLabel[locale], updatedAt: at };
  const steps = { number: { output: null, finishedAt: at }, folder: { output: null, finishedAt: at } };
  switch (state) {
    case 'queued':
      return base;
    case 'running':
      return { ...base, status: 'running', attempts: 1, progress, steps };
    case 'retrying':
      return { ...base, status: 'queued', attempts: 3, progress, steps, error: TRANSIENT };
    case 'canceling':
      return { ...base, status: 'running', attempts: 1, progress, steps, cancelRequested: true };
    case 'succeeded':
      return { ...base, status: 'succeeded', attempts: 1, steps, result: JOB_KINDS[kind].result.parse(s.result), finishedAt: at };
    case 'failed-retryable-final':
      return { ...base, status: 'failed', attempts: 8, steps, error: TRANSIENT, finishedAt: at };
    case 'failed-permanent':
      return { ...base, status: 'failed', attempts: 1, steps, error: s.permanent, finishedAt: at };
    case 'canceled':
      return { ...base, status: 'canceled', attempts: 1, cancelRequested: true, finishedAt: at };
  }
}
