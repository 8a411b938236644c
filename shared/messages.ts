/**
 * The spine's user-facing words in Japanese and English: job statuses, kind names, the job card's
 * labels and buttons. Pure data (no imports at run time), so the Apps Script bundle can use it too.
 */
import type { JobStatus } from './job.js';
import type { JobKind } from './jobKinds.js';
import type { Localized } from './locale.js';

export const STATUS_LABELS: Record<JobStatus, Localized> = {
  queued: { ja: '待機中', en: 'Queued' },
  running: { ja: '実行中', en: 'Running' },
  succeeded: { ja: '完了', en: 'Done' },
  failed: { ja: '失敗', en: 'Failed' },
  canceled: { ja: '取り消し済み', en: 'Canceled' },
};

/** A symbol per status for plain-text places (sheet cells, Chat message text). */
export const STATUS_SYMBOLS: Record<JobStatus, string> = {
  queued: '⏳',
  running: '🔄',
  succeeded: '✅',
  failed: '⚠️',
  canceled: '⏹️',
};

export const KIND_LABELS: Record<JobKind, Localized> = {
  'system.echo': { ja: '動作確認（echo）', en: 'Echo test' },
  'project.create': { ja: '案件作成', en: 'Create project' },
  'schedule.sync': { ja: 'スケジュール同期', en: 'Sync schedule' },
  'billing.document': { ja: '見積書・請求書作成', en: 'Estimate / invoice' },
  'portal.scrape': { ja: 'ポータル取り込み', en: 'Portal import' },
  'ledger.summarize': { ja: '集計', en: 'Summary' },
  'ledger.search': { ja: '台帳検索', en: 'Ledger search' },
};

export const JOB_TEXTS = {
  status: { ja: '状態', en: 'Status' },
  progress: { ja: '進捗', en: 'Progress' },
  result: { ja: '結果', en: 'Result' },
  error: { ja: 'エラー', en: 'Error' },
  jobId: { ja: 'ジョブ', en: 'Job' },
  links: { ja: 'リンク', en: 'Links' },
  retryingAutomatically: { ja: '自動で再試行します。', en: 'Retrying automatically.' },
  cancelRequested: { ja: '取り消しを依頼しました。次の区切りで止まります。', en: 'Cancel requested; it stops at the next step.' },
  retry: { ja: '再実行', en: 'Retry' },
  cancel: { ja: '取り消し', en: 'Cancel' },
  refresh: { ja: '更新', en: 'Refresh' },
  abandoned: {
    ja: '処理していたサーバーが応答しなくなり、自動でのやり直しも尽きたため、ジョブを完了できませんでした。再実行してください。',
    en: 'The job could not finish: the server running it stopped answering and the automatic retries ran out. Retry it.',
  },
  queueUnavailable: {
    ja: 'ジョブを登録できませんでした（キューに接続できません）。しばらくしてから再実行してください。',
    en: 'The job could not be queued (the queue is unreachable). Retry it in a moment.',
  },
} satisfies Record<string, Localized>;

/** The summary chart's words (service/summary/summaryChart.ts) and the /summary answer's title. */
export const SUMMARY_TEXTS = {
  chartTitleAll: { ja: '月別の依頼（全クライアント）', en: 'Requests by month (all clients)' },
  chartTitleClient: { ja: '月別の依頼 — {client}', en: 'Requests by month — {client}' },
  chartLegend: { ja: '棒: 金額 · 数字: 件数', en: 'Bars: amount · numbers: requests' },
  chartNoData: { ja: 'データがありません', en: 'No data' },
  chartCount: { ja: '{count}件', en: '{count}' },
  chartYear: { ja: '{year}年', en: '{year}' },
} satisfies Record<string, Localized>;
