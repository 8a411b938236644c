/**
 * The console's words in Japanese and English. The language comes from the browser
 * (navigator.languages) until the person picks one with the toggle; the choice is remembered in
 * localStorage. `t(key, vars)` fills {name} placeholders.
 */

import type { Localized } from '../../../shared/locale.js';
import { KIND_LABELS } from '../../../shared/messages.js';

export type Lang = 'ja' | 'en';

const WORDS = {
  'app.tagline': { ja: 'ローカル コンソール', en: 'Local console' },
  'nav.jobs': { ja: 'ジョブ', en: 'Jobs' },
  'nav.chat': { ja: 'Chat', en: 'Chat' },
  'nav.drive': { ja: 'ドライブ', en: 'Drive' },
  'nav.sheets': { ja: 'スプレッドシート', en: 'Sheets' },
  'nav.gmail': { ja: 'Gmail', en: 'Gmail' },
  'nav.calendar': { ja: 'カレンダー', en: 'Calendar' },
  'nav.faults': { ja: '障害の注入', en: 'Faults' },
  'nav.schedules': { ja: 'スケジュール', en: 'Schedules' },
  'nav.accounting': { ja: '会計 (freee)', en: 'Accounting (freee)' },
  'nav.foot': { ja: 'ローカル環境 · データはこのPCの中だけ', en: 'Local stack · data stays on this machine' },
  'sub.jobs': { ja: 'Cloud Tasks エミュレータ経由で動くジョブ。クリックで詳細。', en: 'Work running through the Cloud Tasks emulator. Click a row for details.' },
  'sub.chat': { ja: 'チームのスペース。ジョブの返信はここに届きます。', en: "The team's space. Jobs reply here." },
  'sub.drive': { ja: 'サンドボックスのドライブ：案件フォルダとテンプレート', en: 'Sandbox Drive: project folders and templates' },
  'sub.sheets': { ja: '台帳・スケジュール。行を選んで 拡張機能 ▸ tasuki', en: 'Ledger and schedule. Select rows, then Extensions ▸ tasuki' },
  'sub.gmail': { ja: '受信トレイ。メールを開くとアドオンのカードが右に出ます。', en: 'Inbox. Open a message to see the add-on card on the right.' },
  'sub.calendar': { ja: 'schedule.sync が書くカレンダー', en: 'The calendar schedule.sync writes' },
  'sub.faults': { ja: 'API ごとの遅延とエラー率。テストとベンチマーク用。', en: 'Latency and error rates per API, for tests and benchmarks.' },
  'sub.schedules': { ja: '毎朝自動で動くジョブ（本番では Cloud Scheduler）', en: 'Jobs that run by themselves every morning (Cloud Scheduler in production)' },
  'schedules.col.id': { ja: 'スケジュール', en: 'Schedule' },
  'schedules.col.cron': { ja: 'cron（タイムゾーン）', en: 'Cron (time zone)' },
  'schedules.col.kind': { ja: 'ジョブの種類', en: 'Job kind' },
  'schedules.col.next': { ja: '次回', en: 'Next run' },
  'schedules.col.last': { ja: '前回', en: 'Last run' },
  'schedules.runNow': { ja: '今すぐ実行', en: 'Run now' },
  'schedules.manual': { ja: '（手動）', en: '(manual)' },
  'schedules.again': { ja: '（同じ時刻の再送：既存のジョブ）', en: '(same time again: the existing job)' },
  'schedules.fired': { ja: '{id} を実行しました：ジョブ {job}', en: 'Ran {id}: job {job}' },
  'schedules.none': { ja: 'スケジュールはありません', en: 'No schedules' },
  'schedules.noneBody': { ja: 'TASUKI_SCHEDULES に登録すると、ここに表示されます。', en: 'Schedules listed in TASUKI_SCHEDULES appear here.' },
  'schedules.unavailable': { ja: 'スケジュールを読み込めません', en: 'Cannot load the schedules' },
  'schedules.note': { ja: '同じ時刻の実行が二度届いてもジョブは一つです。「今すぐ実行」は同じ分の間なら一度だけジョブを作ります。', en: 'A firing delivered twice for the same time makes one job. "Run now" makes one job per minute.' },
  'sub.accounting': { ja: 'freee の代役に発行された請求書・見積書（TASUKI_BILLING_PROVIDER=freee のとき）', en: 'Invoices and quotations issued in the freee stand-in (with TASUKI_BILLING_PROVIDER=freee)' },
  'accounting.numbering': { ja: '採番', en: 'Numbering' },
  'accounting.tokens': { ja: 'アクセストークン', en: 'Access tokens' },
  'accounting.refreshUsed': { ja: '使用済みリフレッシュトークン', en: 'refresh tokens used' },
  'accounting.empty.title': { ja: 'freee の書類はまだありません', en: 'No documents in freee yet' },
  'accounting.empty.body': { ja: 'TASUKI_BILLING_PROVIDER=freee npm start で起動し、/invoice P-… を実行するとここに表示されます。', en: 'Start with TASUKI_BILLING_PROVIDER=freee npm start and run /invoice P-…; documents appear here.' },
  'accounting.invoice': { ja: '請求書', en: 'Invoice' },
  'accounting.quotation': { ja: '見積書', en: 'Quotation' },
  'accounting.partners': { ja: '取引先', en: 'Partners' },
  'accounting.col.number': { ja: '番号', en: 'Number' },
  'accounting.col.kind': { ja: '種類', en: 'Kind' },
  'accounting.col.partner': { ja: '取引先宛名', en: 'Addressee' },
  'accounting.col.subject': { ja: '件名', en: 'Subject' },
  'accounting.col.rate10': { ja: '10%対象 / 消費税', en: '10% / tax' },
  'accounting.col.rate8': { ja: '8%対象※ / 消費税', en: '8% reduced / tax' },
  'accounting.col.total': { ja: '合計', en: 'Total' },
  'accounting.col.registration': { ja: '登録番号', en: 'Registration No.' },
  'live.on': { ja: 'ライブ', en: 'Live' },
  'live.off': { ja: '再接続中…', en: 'Reconnecting…' },
  'user.label': { ja: '操作するユーザー', en: 'Acting as' },
  'lang.label': { ja: '言語', en: 'Language' },
  'common.close': { ja: '閉じる', en: 'Close' },
  'common.loading': { ja: '読み込み中…', en: 'Loading…' },
  'common.retry': { ja: '再試行', en: 'Retry' },
  'common.cancel': { ja: 'キャンセル', en: 'Cancel' },
  'common.back': { ja: '戻る', en: 'Back' },
  'common.error': { ja: 'エラー', en: 'Error' },
  'common.reload': { ja: '再読み込み', en: 'Reload' },
  'jobs.run': { ja: 'ジョブを実行', en: 'Run a job' },
  'jobs.col.kind': { ja: '種類', en: 'Kind' },
  'jobs.col.status': { ja: '状態', en: 'Status' },
  'jobs.col.attempts': { ja: '試行', en: 'Attempts' },
  'jobs.col.progress': { ja: '進捗', en: 'Progress' },
  'jobs.col.by': { ja: '依頼者', en: 'Requested by' },
  'jobs.col.age': { ja: '経過', en: 'Age' },
  'jobs.empty.title': { ja: 'まだジョブはありません', en: 'No jobs yet' },
  'jobs.empty.body': { ja: '「ジョブを実行」から system.echo を試すか、Gmail でメールを開いて案件を作成してください。', en: 'Try system.echo from “Run a job”, or open an e-mail in Gmail and create a project.' },
  'jobs.filter.all': { ja: 'すべて', en: 'All' },
  'jobs.filter.active': { ja: '実行中', en: 'Active' },
  'jobs.filter.failed': { ja: '失敗', en: 'Failed' },
  'jobs.filter.none': { ja: 'この条件のジョブはありません。', en: 'No jobs match this filter.' },
  'status.queued': { ja: '待機中', en: 'Queued' },
  'status.running': { ja: '実行中', en: 'Running' },
  'status.succeeded': { ja: '完了', en: 'Succeeded' },
  'status.failed': { ja: '失敗', en: 'Failed' },
  'status.canceled': { ja: '取消', en: 'Canceled' },
  'run.title': { ja: 'ジョブを実行', en: 'Run a job' },
  'run.kind': { ja: 'ジョブの種類', en: 'Job kind' },
  'run.input': { ja: '入力 (JSON)', en: 'Input (JSON)' },
  'run.inputHint': { ja: 'サンドボックスのデータに合わせた例が入っています。自由に編集できます。', en: 'Prefilled with an example that fits the sandbox data. Edit freely.' },
  'run.replyChat': { ja: 'Chat のスペースに返信する', en: 'Reply in the Chat space' },
  'run.idem': { ja: '冪等キー（任意）', en: 'Idempotency key (optional)' },
  'run.idemHint': { ja: '同じキーなら同じジョブが返り、タスクは二重に作られません。', en: 'The same key returns the same job and creates no second task.' },
  'run.submit': { ja: '実行', en: 'Run' },
  'run.badJson': { ja: '入力が JSON として読めません: {message}', en: 'The input is not valid JSON: {message}' },
  'run.asUser': { ja: '{user} として実行します', en: 'Runs as {user}' },
  'run.reset': { ja: '例に戻す', en: 'Reset to example' },
  'kinddesc.system.echo': { ja: 'パイプラインの動作確認。ステップ数・待ち時間・失敗の回数を指定できます。', en: 'Proves the pipeline: memoized steps, with optional delay and failures.' },
  'kinddesc.project.create': { ja: 'テンプレートから案件フォルダ・依頼概要・台帳とスケジュールの行を作り、Chat に告知します。', en: 'Creates the project folder from the template, a brief, ledger and schedule rows, and announces it in Chat.' },
  'kinddesc.schedule.sync': { ja: 'スケジュールシートの行とカレンダーの予定を同期し、各行に状態を書き戻します。', en: 'Syncs schedule rows with Calendar events and writes each row’s status back.' },
  'kinddesc.billing.document': { ja: '見積書・請求書を採番して Docs テンプレートから作成し、PDF を案件フォルダに保存します。', en: 'Numbers an estimate or invoice from the Docs template and saves its PDF in the project folder.' },
  'kinddesc.portal.scrape': { ja: '設定済みの取引先ポータルにログインし、新しい発注を受付リストに追加します。', en: 'Logs in to a configured client portal and adds new orders to the intake list.' },
  'kinddesc.ledger.summarize': { ja: '台帳をクライアント別・月別に集計します（件数・金額・リードタイム）。', en: 'Summarizes the ledger by client and month (count, amount, lead time).' },
  'kinddesc.ledger.search': { ja: '過去の案件を語句で検索します。', en: 'Searches past projects for words.' },
  'chat.empty.title': { ja: 'メッセージはまだありません', en: 'No messages yet' },
  'chat.empty.body': { ja: 'ジョブを Chat 返信付きで実行するか、下の欄に /help と入力してください。', en: 'Run a job with a Chat reply, or type /help below.' },
  'chat.composer': { ja: 'メッセージまたは /コマンド', en: 'Message or /command' },
  'chat.send': { ja: '送信', en: 'Send' },
  'chat.searchExample': { ja: '看板', en: 'poster' },
  'chat.hint': { ja: 'tasuki アプリに話しかけます。/ で始まるとスラッシュコマンドです。', en: 'Talks to the tasuki app. Text starting with / is a slash command.' },
  'chat.consoleOnly': { ja: 'このコンソールのみ', en: 'console only' },
  'chat.private': { ja: 'あなただけに表示', en: 'Only visible to you' },
  'chat.app': { ja: 'アプリ', en: 'App' },
  'chat.spaces': { ja: 'スペース', en: 'Spaces' },
  'chat.dm': { ja: 'tasuki とのダイレクト メッセージ', en: 'Direct message with tasuki' },
  'chat.noSpaces': { ja: 'スペースがありません。', en: 'No spaces.' },
  'chat.edited': { ja: '更新 {time}', en: 'updated {time}' },
  'addon.missing.title': { ja: 'アドオンが読み込まれていません', en: 'Add-on not loaded' },
  'addon.missing.body': { ja: 'アドオンのバンドルが組み込まれると、ここで {what} を試せます。', en: 'Once the add-on bundle is wired in, you can try {what} here.' },
  'addon.what.gmail': { ja: 'Gmail のサイドバーカード', en: 'the Gmail sidebar card' },
  'addon.what.chat': { ja: 'スラッシュコマンドとダイアログ', en: 'slash commands and dialogs' },
  'addon.what.sheets': { ja: '拡張機能メニュー', en: 'the Extensions menu' },
  'addon.sidebar': { ja: 'tasuki アドオン', en: 'tasuki add-on' },
  'addon.openMail': { ja: 'メールを開くと、アドオンのカードがここに表示されます。', en: 'Open an e-mail to see the add-on card here.' },
  'addon.failed': { ja: 'アドオンがエラーを返しました', en: 'The add-on returned an error' },
  'addon.dialog': { ja: 'ダイアログ', en: 'Dialog' },
  'drive.empty': { ja: 'このフォルダは空です。', en: 'This folder is empty.' },
  'drive.col.name': { ja: '名前', en: 'Name' },
  'drive.col.modified': { ja: '更新', en: 'Modified' },
  'drive.col.props': { ja: 'appProperties', en: 'appProperties' },
  'drive.openText': { ja: '本文を開く', en: 'Open text' },
  'drive.pdf': { ja: 'PDF をダウンロード', en: 'Download PDF' },
  'drive.download': { ja: 'ダウンロード', en: 'Download' },
  'drive.root': { ja: 'マイドライブ', en: 'My Drive' },
  'drive.noFiles': { ja: 'ドライブにファイルがありません。サンドボックスの初期データを確認してください（npm run reset）。', en: 'No files in Drive. Check the sandbox seed (npm run reset).' },
  'sheets.extensions': { ja: '拡張機能', en: 'Extensions' },
  'sheets.selected': { ja: '{n} 行を選択中', en: '{n} rows selected' },
  'sheets.selectedOne': { ja: '1 行を選択中', en: '1 row selected' },
  'sheets.selectHint': { ja: '行番号をクリックして選択（Shift/Ctrl で複数）', en: 'Click row numbers to select (Shift/Ctrl for several)' },
  'sheets.empty': { ja: 'このシートは空です。', en: 'This sheet is empty.' },
  'sheets.none': { ja: 'スプレッドシートがありません。', en: 'No spreadsheets.' },
  'sheets.menuEmpty': { ja: 'メニュー項目がありません', en: 'No menu items' },
  'gmail.inbox': { ja: '受信トレイ', en: 'Inbox' },
  'gmail.empty': { ja: '受信トレイは空です。', en: 'The inbox is empty.' },
  'gmail.pick': { ja: 'メールを選んでください', en: 'Pick a message' },
  'gmail.pickBody': { ja: '左の一覧からメールを開くと、本文と添付ファイル、アドオンのカードが表示されます。', en: 'Open a message from the list to see its body, attachments and the add-on card.' },
  'gmail.to': { ja: '宛先', en: 'To' },
  'gmail.mailbox': { ja: 'メールボックス', en: 'Mailbox' },
  'calendar.empty.title': { ja: '予定はありません', en: 'No events' },
  'calendar.empty.body': { ja: 'スケジュールシートから schedule.sync を実行すると、ここに予定が入ります。', en: 'Run schedule.sync from the schedule sheet and events appear here.' },
  'calendar.allDay': { ja: '終日', en: 'All day' },
  'faults.latency': { ja: '遅延', en: 'Latency' },
  'faults.clearAll': { ja: 'すべて解除', en: 'Clear all' },
  'faults.saved': { ja: '{api} の設定を反映しました', en: 'Applied to {api}' },
  'faults.unavailable': { ja: 'サンドボックスが障害設定の API を提供していません。', en: 'The sandbox does not offer the fault API.' },
  'faults.calls': { ja: '最近の API 呼び出し', en: 'Recent API calls' },
  'faults.noCalls': { ja: 'まだ呼び出しはありません。', en: 'No calls yet.' },
  'faults.chatLimit': { ja: 'Chat 書き込み制限（スペースごと）', en: 'Chat write limit (per space)' },
  'faults.interval': { ja: '補充間隔', en: 'Refill every' },
  'faults.burst': { ja: 'バースト', en: 'Burst' },
  'error.network': { ja: 'サーバーに接続できません。npm start が動いているか確認してください。', en: 'Cannot reach the server. Is npm start still running?' },
} satisfies Record<string, { ja: string; en: string }>;

export type WordKey = keyof typeof WORDS;

const STORAGE_KEY = 'tasuki.console.lang';
let current: Lang = initialLang();
const listeners = new Set<() => void>();

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'ja' || saved === 'en') return saved;
  } catch {
    // storage may be unavailable (private mode); fall through to the browser's language
  }
  const tags = navigator.languages?.length ? navigator.languages : [navigator.language];
  for (const tag of tags) {
    if (/^ja\b/i.test(tag)) return 'ja';
    if (/^en\b/i.test(tag)) return 'en';
  }
  return 'en';
}

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang): void {
  if (next === current) return;
  current = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // not remembered; still switches for this page
  }
  document.documentElement.lang = next;
  for (const fn of listeners) fn();
}

export function onLangChange(fn: () => void): void {
  listeners.add(fn);
}

export function t(key: WordKey, vars: Record<string, string | number> = {}): string {
  const text = WORDS[key][current];
  return text.replace(/\{(\w+)\}/g, (_, name: string) => (name in vars ? String(vars[name]) : `{${name}}`));
}

/** One sentence on what a job kind does, or '' for a kind the console does not know. */
export function kindDescription(kind: string): string {
  const key = `kinddesc.${kind}` as WordKey;
  return key in WORDS ? t(key) : '';
}

/** Localized label for a job kind, falling back to the kind id. */
/** A job kind's name, the same words Chat and the add-on use (shared/messages.ts KIND_LABELS). */
export function kindLabel(kind: string): string {
  const label = (KIND_LABELS as Record<string, Localized | undefined>)[kind];
  return label ? label[lang()] : kind;
}
