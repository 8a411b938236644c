/**
 * The catalogue: every word tasuki shows people, in Japanese and English. The add-on's cards and
 * dialogs, the job card the worker writes into Chat, the status cell in Sheets, the service's own
 * answers and the console's job views all take their text from here, through `phrase`.
 *
 * - Each table is `satisfies Record<string, Localized>`: an entry without `ja` or `en` does not
 *   compile, and code names entries directly (`ADDON_TEXTS.errNetwork`), so a missing key does
 *   not compile either. test/messages.test.ts checks that both languages use the same
 *   parameters and that Japanese entries carry no English words beyond product names.
 * - Patterns are the ICU subset of shared/text/format.ts (`{name}`, `{n, plural, …}`,
 *   `{x, select, …}`); values are formatted by the caller with formatYen / formatDate /
 *   formatDateTime so every surface prints ¥450,000 and 2026年12月20日 / Dec 20, 2026.
 * - The tables are separate constants so that a bundle takes only what it uses (the add-on has a
 *   150 KiB budget).
 *
 * Pure data and pure functions; no imports at run time beyond shared/text/format.ts.
 */
import type { JobKind } from './jobKinds.js';
import type { Locale, Localized } from './locale.js';
import { formatMessage, type MessageParams } from './text/format.js';

/** One entry of the catalogue, filled for `locale`. */
export function phrase(locale: Locale, entry: Localized, params: MessageParams = {}): string {
  return formatMessage(entry[locale], params, locale);
}

/**
 * What a person sees a job as. `retrying` is a queued job whose last try failed and will be
 * tried again; `canceling` a running job asked to stop.
 */
export type DisplayState = 'queued' | 'running' | 'retrying' | 'canceling' | 'succeeded' | 'failed' | 'canceled';

export const STATE_LABELS: Record<DisplayState, Localized> = {
  queued: { ja: '待機中', en: 'Queued' },
  running: { ja: '実行中', en: 'Running' },
  retrying: { ja: '再試行待ち', en: 'Retrying' },
  canceling: { ja: '中止しています…', en: 'Canceling…' },
  succeeded: { ja: '完了', en: 'Done' },
  failed: { ja: '失敗', en: 'Failed' },
  canceled: { ja: '中止', en: 'Canceled' },
};

/** A symbol per state for plain-text places (sheet cells, Chat message text). */
export const STATE_SYMBOLS: Record<DisplayState, string> = {
  queued: '⏳',
  running: '🔄',
  retrying: '🔁',
  canceling: '⏹️',
  succeeded: '✅',
  failed: '⚠️',
  canceled: '⏹️',
};

export const KIND_LABELS: Record<JobKind, Localized> = {
  'system.echo': { ja: '動作確認', en: 'Echo test' },
  'project.create': { ja: '案件作成', en: 'Create project' },
  'schedule.sync': { ja: 'スケジュール同期', en: 'Sync schedule' },
  'billing.document': { ja: '見積書・請求書作成', en: 'Estimate / invoice' },
  'portal.scrape': { ja: 'ポータル取り込み', en: 'Portal import' },
  'ledger.summarize': { ja: '台帳の集計', en: 'Ledger summary' },
  'ledger.search': { ja: '台帳検索', en: 'Ledger search' },
};

/** billing.document by its type. */
export const BILLING_KIND_LABELS = {
  estimate: { ja: '見積書作成', en: 'Estimate' },
  invoice: { ja: '請求書作成', en: 'Invoice' },
} satisfies Record<string, Localized>;

/** The job card's own words (shared/cards/jobDisplay.ts decides which apply). */
export const JOB_TEXTS = {
  state: { ja: '状態', en: 'Status' },
  progress: { ja: '進捗', en: 'Progress' },
  result: { ja: '結果', en: 'Result' },
  problem: { ja: '問題', en: 'Problem' },
  whatToDo: { ja: '対処', en: 'What to do' },
  jobRef: { ja: 'ジョブ {ref}', en: 'Job {ref}' },
  requestedAt: { ja: '依頼 {time}', en: 'Requested {time}' },
  retryingAttempt: {
    ja: '自動で再試行します（{attempt}回目が失敗、最大{max}回）。操作は不要です。',
    en: 'Retrying automatically (attempt {attempt} of {max} failed). Nothing to do.',
  },
  retryingNoMax: { ja: '自動で再試行します（{attempt}回目が失敗）。操作は不要です。', en: 'Retrying automatically (attempt {attempt} failed). Nothing to do.' },
  finalTransient: {
    ja: '{attempts}回試しましたが完了できませんでした。しばらくしてから「再実行」を押してください。',
    en: 'Tried {attempts, plural, one {once} other {# times}} without success. Press Retry in a while.',
  },
  pressRetry: { ja: '問題を直してから「再実行」を押してください。', en: 'Fix the problem, then press Retry.' },
  sendAgain: { ja: '内容を確かめて、もう一度依頼してください。', en: 'Check what you asked for and ask again.' },
  askAdmin: { ja: '設定の問題です。管理者に連絡してください（ジョブ {ref}）。', en: 'This is a setup problem. Ask your administrator (job {ref}).' },
  canceledNote: { ja: 'このジョブは中止されました。「再実行」で最初からやり直せます。', en: 'This job was canceled. Retry starts it again.' },
  cancelRequested: { ja: '中止を受け付けました。区切りのよいところで止まります。', en: 'Cancel requested; it stops at the next step.' },
  failedGeneric: { ja: 'ジョブを完了できませんでした。', en: 'The job could not be completed.' },
  retry: { ja: '再実行', en: 'Retry' },
  cancel: { ja: '中止', en: 'Cancel' },
  refresh: { ja: '更新', en: 'Refresh' },
  reissue: { ja: '再発行…', en: 'Reissue…' },
} satisfies Record<string, Localized>;

/** What the service itself writes into a job record for people. */
export const SERVICE_TEXTS = {
  abandoned: {
    ja: '処理していたサーバーが応答しなくなり、自動でのやり直しも尽きたため、ジョブを完了できませんでした。再実行してください。',
    en: 'The job could not finish: the server running it stopped answering and the automatic retries ran out. Retry it.',
  },
  queueUnavailable: {
    ja: 'ジョブを登録できませんでした（キューに接続できません）。しばらくしてから再実行してください。',
    en: 'The job could not be queued (the queue is unreachable). Retry it in a moment.',
  },
} satisfies Record<string, Localized>;

/**
 * How a failure reads, by error code. `text` replaces whatever the handler wrote (codes whose
 * handler text names settings or internals); `fallback` is used only when the failure carries no
 * text of its own in the user's language. `remedy` decides the advice line and whether Retry is
 * offered: retry (a passing problem: Retry helps), fixThenRetry (the user fixes something in
 * Workspace, then Retry helps), resend (ask again with different input; Retry cannot help),
 * admin (configuration: ask the administrator; Retry cannot help).
 */
export type Remedy = 'retry' | 'fixThenRetry' | 'resend' | 'admin';
export type FailureText = { text?: Localized; fallback?: Localized; remedy: Remedy };

const GOOGLE_BUSY: FailureText = {
  text: { ja: 'Google のサービスがしばらく応答しませんでした。', en: "Google's services did not answer for a while." },
  remedy: 'retry',
};
const GOOGLE_DENIED: FailureText = {
  text: { ja: 'tasuki に必要な Google のファイルやフォルダへのアクセスが許可されていません。', en: 'tasuki is not allowed to open a Google file or folder it needs.' },
  remedy: 'admin',
};
const GOOGLE_NOT_FOUND: FailureText = {
  fallback: { ja: '必要な Google のファイル、シートまたはカレンダーが見つかりませんでした。', en: 'A Google file, sheet or calendar tasuki needs was not found.' },
  remedy: 'admin',
};
const GOOGLE_REFUSED: FailureText = {
  fallback: { ja: 'Google がリクエストを受け付けませんでした。', en: 'Google refused a request from tasuki.' },
  remedy: 'admin',
};
const PORTAL_DOWN: FailureText = {
  text: { ja: 'ポータル「{portal}」に接続できませんでした。', en: 'Could not reach the portal "{portal}".' },
  remedy: 'retry',
};

export const FAILURE_TEXTS: Record<string, FailureText> = {
  internal: { text: { ja: 'tasuki の内部で問題が起きました。', en: 'Something went wrong inside tasuki.' }, remedy: 'retry' },
  deadline_exceeded: { text: { ja: '処理が制限時間内に終わりませんでした。', en: 'The job ran out of time.' }, remedy: 'retry' },
  instance_shutting_down: { text: { ja: 'サービスの再起動で処理が中断されました。', en: 'The service restarted during the job.' }, remedy: 'retry' },
  abandoned: { text: { ja: '処理が応答しなくなったため、ジョブを終了しました。', en: 'The job stopped responding and was ended.' }, remedy: 'retry' },
  queue_unavailable: { text: { ja: 'ジョブを順番待ちに登録できませんでした。', en: 'The job could not be queued.' }, remedy: 'retry' },
  kind_not_available: { text: { ja: 'この種類のジョブはこのサービスでは使えません。', en: 'This service cannot run this kind of job.' }, remedy: 'admin' },
  invalid_input: { fallback: { ja: '依頼の内容を読み取れませんでした。', en: 'The request could not be read.' }, remedy: 'resend' },
  invalid_result: { text: { ja: 'ジョブの結果を確認できませんでした。', en: 'The job finished with a result tasuki could not check.' }, remedy: 'admin' },
  google_rate_limited: GOOGLE_BUSY,
  google_unavailable: GOOGLE_BUSY,
  google_429: GOOGLE_BUSY,
  google_500: GOOGLE_BUSY,
  google_502: GOOGLE_BUSY,
  google_503: GOOGLE_BUSY,
  google_504: GOOGLE_BUSY,
  google_permission_denied: GOOGLE_DENIED,
  google_401: GOOGLE_DENIED,
  google_403: GOOGLE_DENIED,
  google_not_found: GOOGLE_NOT_FOUND,
  google_404: GOOGLE_NOT_FOUND,
  google_bad_request: GOOGLE_REFUSED,
  google_400: GOOGLE_REFUSED,
  template_missing: {
    text: { ja: 'tasuki が使うテンプレート（フォルダまたは文書）が見つかりません。', en: 'A template tasuki uses (a folder or a document) is missing.' },
    remedy: 'admin',
  },
  projects_folder_missing: { text: { ja: '案件フォルダの保存先が見つかりません。', en: 'The folder that holds the projects is missing.' }, remedy: 'admin' },
  billing_template_invalid: {
    text: { ja: '見積書・請求書のテンプレートに必要な差し込み欄がありません。', en: 'The estimate / invoice template lacks a field tasuki fills in.' },
    remedy: 'admin',
  },
  gmail_not_configured: {
    text: { ja: 'この環境では Gmail の下書きを作れません。PDF は案件フォルダに保存済みです。', en: 'Gmail drafts are not set up here. The PDF is saved in the project folder.' },
    remedy: 'admin',
  },
  unknown_portal: {
    text: {
      ja: 'ポータル「{portal}」は登録されていません。/scrape の後の名前を確かめるか、管理者に登録を依頼してください。',
      en: 'The portal "{portal}" is not set up. Check the name after /scrape, or ask your administrator to add it.',
    },
    remedy: 'resend',
  },
  portal_config: { text: { ja: 'ポータル「{portal}」の設定に誤りがあります。', en: 'The settings of the portal "{portal}" are wrong.' }, remedy: 'admin' },
  portal_address_refused: { text: { ja: 'ポータル「{portal}」のアドレスには接続しない設定です。', en: 'tasuki is set not to connect to the address of the portal "{portal}".' }, remedy: 'admin' },
  portal_unreachable: PORTAL_DOWN,
  portal_unavailable: PORTAL_DOWN,
  portal_http_error: { text: { ja: 'ポータル「{portal}」がエラーを返しました。', en: 'The portal "{portal}" answered with an error.' }, remedy: 'admin' },
  portal_login_failed: { text: { ja: 'ポータル「{portal}」にログインできませんでした。', en: 'Could not log in to the portal "{portal}".' }, remedy: 'admin' },
  project_not_found: { fallback: { ja: '案件 {projectNumber} が台帳に見つかりません。', en: 'Project {projectNumber} is not in the ledger.' }, remedy: 'resend' },
  sheet_header_missing: { fallback: { ja: 'シートに必要な列が見つかりませんでした。', en: 'A sheet lacks a column tasuki needs.' }, remedy: 'fixThenRetry' },
  no_recipient: { fallback: { ja: '送り先のメールアドレスがわかりません。', en: 'There is no e-mail address to send to.' }, remedy: 'fixThenRetry' },
};

/** Result fields, per kind, and the words around them. */
export const RESULT_TEXTS = {
  projectNumber: { ja: '案件番号', en: 'Project number' },
  client: { ja: 'クライアント', en: 'Client' },
  title: { ja: '件名', en: 'Title' },
  due: { ja: '納期', en: 'Due date' },
  amount: { ja: '金額', en: 'Amount' },
  estimateNumber: { ja: '見積番号', en: 'Estimate number' },
  invoiceNumber: { ja: '請求番号', en: 'Invoice number' },
  subtotal: { ja: '小計', en: 'Subtotal' },
  tax: { ja: '消費税', en: 'Tax' },
  total: { ja: '合計', en: 'Total' },
  email: { ja: 'メール', en: 'E-mail' },
  result: { ja: '結果', en: 'Result' },
  alreadyIssued: { ja: 'この案件にはすでに発行済みの文書があります（新しい番号は使っていません）', en: 'This project already had one (no new number was used)' },
  voided: { ja: '無効にした番号', en: 'Voided number' },
  recipient: { ja: '宛名', en: 'Recipient' },
  transactionDate: { ja: '取引年月日', en: 'Transaction date' },
  byRate: { ja: '税率ごとの内訳', en: 'By tax rate' },
  rateStandard: { ja: '{rate}%対象 {subtotal}（消費税 {tax}）', en: '{rate}%: {subtotal} (tax {tax})' },
  rateReduced: { ja: '{rate}%対象※ {subtotal}（消費税 {tax}）※軽減税率', en: '{rate}% reduced rate*: {subtotal} (tax {tax})' },
  registrationNumber: { ja: '登録番号', en: 'Registration No.' },
  reissueHint: {
    ja: '番号を変えて出し直すときは「再発行…」から理由を入れてください。今の番号は取消として記録に残ります。',
    en: 'To issue it again under a new number, choose Reissue… and give the reason. The current number stays on record as void.',
  },
  draftSaved: { ja: 'Gmail の下書きを保存しました', en: 'Gmail draft saved' },
  calendar: { ja: 'カレンダー', en: 'Calendar' },
  syncCounts: {
    ja: '追加 {created}件 · 更新 {updated}件 · 削除 {cancelled}件 · 変更なし {unchanged}件',
    en: '{created} added · {updated} updated · {cancelled} removed · {unchanged} unchanged',
  },
  rowProblems: { ja: '問題のある行', en: 'Rows with problems' },
  rowProblem: { ja: '{row}行目: {message}', en: 'Row {row}: {message}' },
  portal: { ja: 'ポータル', en: 'Portal' },
  imported: { ja: '取り込み', en: 'Import' },
  portalCounts: {
    ja: '取得 {fetched}件 · 新規 {added}件 · 登録済み {skipped}件',
    en: '{fetched} read · {added} new · {skipped} already known',
  },
  requests: { ja: '依頼', en: 'Requests' },
  requestCount: { ja: '{count}件', en: '{count, plural, one {# request} other {# requests}}' },
  summaryLine: { ja: '{month} {client}: {count}件 {amount}', en: '{month} {client}: {count, plural, one {# request} other {# requests}}, {amount}' },
  month: { ja: '{year}年{month}月', en: '{month} {year}' },
  byMonth: { ja: '月別', en: 'By month' },
  found: { ja: '見つかった案件', en: 'Found' },
  nothingFound: { ja: '見つかりませんでした。', en: 'Nothing found.' },
  message: { ja: 'メッセージ', en: 'Message' },
  steps: { ja: 'ステップ数', en: 'Steps' },
  more: { ja: 'ほか {count}件', en: '{count} more' },
  attachments: { ja: '添付ファイル', en: 'Attachments' },
  attachmentsFiled: { ja: '{total}件中 {filed}件をフォルダに保存', en: '{filed} of {total} filed in the folder' },
  attachmentsNotFiled: { ja: '保存できなかった添付', en: 'Not filed' },
  attachmentProblem: { ja: '{name}: {reason}', en: '{name}: {reason}' },
} satisfies Record<string, Localized>;

/**
 * The console's job drawer (local/console, the operator's view of one job): its section titles and
 * the labels of every technical value it shows (the error code, the administrator's detail, step
 * names, the input and result as recorded). The values themselves stay as the record holds them
 * (codes, ids, JSON, the detail in English); the labels say in the viewer's language what they are.
 */
export const OPERATOR_TEXTS = {
  overview: { ja: '概要', en: 'Overview' },
  progress: JOB_TEXTS.progress,
  error: { ja: 'エラー', en: 'Error' },
  errorCode: { ja: 'エラーコード', en: 'Error code' },
  errorDetail: { ja: '管理者向けの詳細（記録のまま・英語）', en: 'Details for the administrator (as recorded)' },
  retryable: { ja: '再試行で解決する可能性あり', en: 'Retry may help' },
  permanent: { ja: '再試行では解決しません', en: 'Retry will not help' },
  links: { ja: 'リンク', en: 'Links' },
  kind: { ja: 'ジョブの種類', en: 'Job kind' },
  jobId: { ja: 'ジョブ番号', en: 'Job id' },
  requestedBy: { ja: '依頼者', en: 'Requested by' },
  attempts: { ja: '試行', en: 'Attempts' },
  generation: { ja: '世代', en: 'Generation' },
  created: { ja: '作成', en: 'Created' },
  started: { ja: '開始', en: 'Started' },
  finished: { ja: '終了', en: 'Finished' },
  reply: { ja: '返信先', en: 'Replies to' },
  cancelRequested: { ja: '中止を要求済み', en: 'Cancel requested' },
  steps: { ja: '完了したステップ', en: 'Finished steps' },
  stepName: { ja: '記録上の名前', en: 'recorded as' },
  noSteps: { ja: 'まだステップはありません。', en: 'No steps finished yet.' },
  input: { ja: '入力（記録のまま）', en: 'Input (as recorded)' },
  result: { ja: '結果（記録のまま）', en: 'Result (as recorded)' },
} satisfies Record<string, Localized>;

/** Link buttons, by what the link opens. */
export const LINK_TEXTS = {
  folder: { ja: 'フォルダを開く', en: 'Open folder' },
  pdf: { ja: 'PDF を開く', en: 'Open PDF' },
  doc: { ja: '文書を開く', en: 'Open document' },
  sheet: { ja: 'シートを開く', en: 'Open sheet' },
  chart: { ja: 'グラフを開く', en: 'Open chart' },
  calendar: { ja: 'カレンダーを開く', en: 'Open calendar' },
  file: { ja: 'ファイルを開く', en: 'Open file' },
  other: { ja: '開く', en: 'Open' },
  accounting: { ja: 'freee で開く', en: 'Open in freee' },
} satisfies Record<string, Localized>;

/** How long ago: "3分前" / "3 min ago". */
export const AGE_TEXTS = {
  now: { ja: 'たった今', en: 'just now' },
  minutes: { ja: '{n}分前', en: '{n} min ago' },
  hours: { ja: '{n}時間前', en: '{n} h ago' },
  days: { ja: '{n}日前', en: '{n, plural, one {# day} other {# days}} ago' },
} satisfies Record<string, Localized>;

/**
 * A step's name for people: `order:acme-17` → 発注を登録, `docs:pdf` → PDF を保存, `echo-2` → エコー,
 * `freee:copy-pdf` (the PDF copy, 控え, of a freee document) → 控え: PDF を保存; '' if unknown.
 */
export function stepLabel(name: string, locale: Locale): string {
  const copy = /^(?:[^:]+:)?copy-(.+)$/.exec(name);
  if (copy) {
    const step = stepLabel(copy[1]!, locale);
    return step && phrase(locale, STEP_COPY, { step });
  }
  for (const key of [name, name.split(':').pop()!, name.split(':')[0]!, name.replace(/-\d+$/, '')]) {
    const text = STEP_TEXTS[key];
    if (text) return text[locale];
  }
  return '';
}

const STEP_COPY: Localized = { ja: '控え: {step}', en: 'Copy: {step}' };

/** Step names the console shows (service/jobs/* `ctx.step` names). */
export const STEP_TEXTS: Record<string, Localized> = {
  number: { ja: '番号を採番', en: 'Number assigned' },
  client: { ja: '顧客を確認', en: 'Client matched' },
  claim: { ja: '発行の重複を確認', en: 'Checked for an earlier issue' },
  register: { ja: '発行を記録', en: 'Issue recorded' },
  documents: { ja: '文書一覧を更新', en: 'Documents list updated' },
  partner: { ja: '取引先を確認', en: 'Partner found' },
  create: { ja: '会計サービスに作成', en: 'Created in the accounting service' },
  read: { ja: '記載内容を確認', en: 'Checked what it states' },
  void: { ja: '旧番号を無効化', en: 'Old number voided' },
  attachment: { ja: '添付ファイルを保存', en: 'Attachment saved' },
  folder: { ja: 'フォルダを作成', en: 'Folder created' },
  template: { ja: 'テンプレートをコピー', en: 'Template copied' },
  brief: { ja: '依頼概要を作成', en: 'Brief written' },
  attachments: { ja: '添付ファイルを保存', en: 'Attachments saved' },
  ledger: { ja: '台帳を更新', en: 'Ledger updated' },
  schedule: { ja: 'スケジュールに追加', en: 'Added to the schedule' },
  intake: { ja: '受付リストを更新', en: 'Intake list updated' },
  record: { ja: '記録を保存', en: 'Request recorded' },
  announce: { ja: 'Chat に通知', en: 'Announced in Chat' },
  milestone: { ja: 'カレンダーに登録', en: 'Added to the calendar' },
  calendar: { ja: 'カレンダーに登録', en: 'Added to the calendar' },
  project: { ja: '案件を確認', en: 'Project found' },
  doc: { ja: '文書を作成', en: 'Document created' },
  fill: { ja: '内容を記入', en: 'Document filled' },
  pdf: { ja: 'PDF を保存', en: 'PDF saved' },
  draft: { ja: 'Gmail の下書きを保存', en: 'Gmail draft saved' },
  keys: { ja: '行を確認', en: 'Rows checked' },
  rows: { ja: '予定を同期', en: 'Events synced' },
  cancel: { ja: '不要な予定を削除', en: 'Old events removed' },
  writeback: { ja: 'シートに結果を記入', en: 'Results written to the sheet' },
  fetch: { ja: 'ポータルから取得', en: 'Read from the portal' },
  classify: { ja: '新しい発注を選別', en: 'New orders picked out' },
  order: { ja: '発注を登録', en: 'Order added' },
  database: { ja: '台帳を集計', en: 'Ledger summarized' },
  sheet: { ja: '集計シートを更新', en: 'Summary sheet updated' },
  chart: { ja: 'グラフを作成', en: 'Chart drawn' },
  answer: { ja: '結果を投稿', en: 'Answer posted' },
  search: { ja: '台帳を検索', en: 'Ledger searched' },
  echo: { ja: 'エコー', en: 'Echo' },
};

/**
 * A sheet tasuki reads or writes lacks a column it needs: the add-on's Sheets menu says it in an
 * alert, a job says it as its failure (code sheet_header_missing), both naming the sheet and the
 * header exactly as row 1 must hold it.
 */
export const SHEET_HEADER_MISSING: Localized = {
  ja: '「{sheet}」シートの1行目に見出し「{header}」の列がありません。列を消したり見出しを書き換えたりした場合は、見出しを「{header}」に戻してください（列の順番は自由です）。',
  en: 'Row 1 of the "{sheet}" sheet has no "{header}" column. If the column was deleted or its heading changed, put the heading "{header}" back (the columns may be in any order).',
};

/**
 * The add-on's own words: the Gmail card, Chat commands and dialogs, the Sheets menu, and what
 * it says when something goes wrong. `{ref}` is a short job reference (shared/cards/jobDisplay.ts).
 */
export const ADDON_TEXTS = {
  appName: { ja: 'tasuki', en: 'tasuki' },
  // Gmail request card
  requestHeader: { ja: '依頼内容', en: 'Request' },
  requestSubtitle: { ja: 'メールから読み取りました。修正してからボタンを押してください。', en: 'Read from this e-mail. Correct anything, then choose an action.' },
  fieldClient: { ja: 'クライアント', en: 'Client' },
  fieldClientEmail: { ja: 'クライアントのメール', en: 'Client e-mail' },
  fieldClientChoice: { ja: '顧客一覧', en: 'Client list' },
  clientMatchedBy: { ja: '一致: {name}（{how}）', en: 'Matches {name} ({how})' },
  clientByDomain: { ja: 'ドメイン', en: 'domain' },
  clientByName: { ja: '名前・別名', en: 'name' },
  clientNotListed: { ja: '顧客一覧にありません。', en: 'Not in your client list.' },
  clientNewChoice: { ja: '新しい顧客: {name}', en: 'New client: {name}' },
  clientNewCheckbox: { ja: '新しい顧客として登録', en: 'Register as a new client' },
  fieldTitle: { ja: '件名', en: 'Title' },
  fieldDue: { ja: '納期 (YYYY-MM-DD)', en: 'Due date (YYYY-MM-DD)' },
  fieldAmount: { ja: '金額 (円)', en: 'Amount (yen)' },
  fieldProjectNumber: { ja: '案件番号 (見積用、例 P-2026-014)', en: 'Project number (for the estimate, e.g. P-2026-014)' },
  foundIn: { ja: 'メール中の表記: {text}', en: 'Found in the mail: {text}' },
  foreignAmount: { ja: '{text} ({currency}) と書かれています。円で入力してください。', en: 'The mail says {text} ({currency}); enter the amount in yen.' },
  // Where each request field was read, and how sure the parser is (addon/gmail/fieldEvidence.ts)
  evidenceSure: { ja: '✓ {where}「{text}」{note}', en: '✓ {where}: "{text}"{note}' },
  evidenceUnsure: { ja: '要確認（{reasons}）{where}「{text}」', en: 'Check ({reasons}) {where}: "{text}"' },
  evidenceNotOffered: { ja: '未入力（{reasons}）{value} {where}「{text}」', en: 'Not filled in ({reasons}) {value} {where}: "{text}"' },
  evidenceNone: { ja: 'メールに記載なし', en: 'Not in the mail' },
  evidenceRunnerUp: { ja: '次の候補: {value} {where}「{text}」', en: 'Runner-up: {value} {where}: "{text}"' },
  whereSubject: { ja: '件名', en: 'Subject' },
  whereBody: { ja: '本文', en: 'Text' },
  whereQuoted: { ja: '引用', en: 'Quoted mail' },
  whereForwarded: { ja: '転送', en: 'Forwarded mail' },
  whereSignature: { ja: '署名', en: 'Signature' },
  whereFrom: { ja: '差出人', en: 'Sender' },
  whereTo: { ja: '宛先', en: 'Recipient' },
  whereSalutation: { ja: '宛名', en: 'Salutation' },
  whereDomain: { ja: 'ドメイン', en: 'Domain' },
  flagPast: { ja: '過去の日付', en: 'past date' },
  flagWeekday: { ja: '曜日が合わない', en: 'weekday does not match' },
  flagApproximate: { ja: 'おおよその日付', en: 'approximate' },
  flagQuoted: { ja: '以前のメール', en: 'earlier mail' },
  flagConflict: { ja: '他にも候補', en: 'other candidates' },
  flagRange: { ja: '幅の上限', en: 'top of a range' },
  flagTaxIncluded: { ja: '税込', en: 'incl. tax' },
  flagTaxExcluded: { ja: '税別', en: 'excl. tax' },
  flagPerson: { ja: '会社名なし・個人名', en: 'no company, a person' },
  flagDomain: { ja: '会社名なし・ドメイン', en: 'no company, the domain' },
  flagOtherPurpose: { ja: '納期・金額以外の記載', en: 'said of something else' },
  flagMilestone: { ja: '初稿・ラフの日付', en: 'a draft or proof date' },
  flagNoLabel: { ja: '納期・金額とは書かれていない', en: 'not called a deadline or fee' },
  attachments: { ja: '添付ファイル', en: 'Attachments' },
  noAttachments: { ja: '添付ファイルなし', en: 'No attachments' },
  actionCreateProject: { ja: '案件を作成', en: 'Create project' },
  actionDraftEstimate: { ja: '見積を作成', en: 'Draft estimate' },
  actionAddToSchedule: { ja: 'スケジュールに追加', en: 'Add to schedule' },
  addToScheduleHint: {
    ja: '案件作成でスケジュール行が追加されます。「スケジュールに追加」はスケジュール表をカレンダーへ同期します。',
    en: 'Create project adds the schedule row; Add to schedule syncs the schedule sheet to Calendar.',
  },
  // Reissue form (a billing document's Reissue… button)
  reissueTitle: { ja: '{number} を再発行', en: 'Reissue {number}' },
  reissueExplain: {
    ja: '{number} を取消にして、新しい番号で{document}を発行し直します。取消にした番号と理由は書類台帳に残ります。',
    en: '{number} will be marked void and the {document} issued again under a new number. The void number and the reason stay in the Documents sheet.',
  },
  reissueReason: { ja: '理由（必須）', en: 'Reason (required)' },
  reissueReasonHint: { ja: '例: 金額訂正のため', en: 'e.g. amount corrected' },
  reissueConfirm: { ja: '再発行する', en: 'Reissue' },
  reissueReasonNeeded: { ja: '再発行の理由を入力してください。', en: 'Enter the reason for reissuing.' },
  // A typed /invoice … reissue <reason> (addon/chat/typedReissue.ts)
  reissueKeyword: { ja: '再発行', en: 'reissue' },
  reissueArgNumber: { ja: '<番号>', en: '<number>' },
  reissueArgReason: { ja: '<理由>', en: '<reason>' },
  chatReissueUsage: {
    ja: '再発行の使い方: `{command} <案件番号> 再発行 <理由>`（今の番号を取消にします）、または番号を指定して `{command} <案件番号> 再発行 <番号> <理由>`。例: `{command} P-2026-013 再発行 金額訂正`',
    en: 'To reissue: `{command} <project number> reissue <reason>` (voids the current number), or name it: `{command} <project number> reissue <number> <reason>`. Example: `{command} P-2026-013 reissue amount corrected`',
  },
  errReissueWhich: {
    ja: '{project} のどの{document}を取消にするかわかりません（あなたの最近のジョブにこの案件の{document}がありません）。番号を入れてください: {example}　番号は書類のカード、台帳、書類台帳にあります。',
    en: 'Which {document} of {project} to void is not clear (none of your recent jobs issued or showed one). Add its number: {example} The number is on the document\'s card, in the Ledger and in the Documents sheet.',
  },
  errReissueBusy: {
    ja: '{project} の{document}はジョブ {ref} でまだ作成中です。終わってから再発行してください。',
    en: 'Job {ref} is still making the {document} of {project}. Reissue once it has ended.',
  },
  errReissueOtherType: { ja: '{number} は{document}の番号です。{command} で再発行してください。', en: '{number} is an {document} number; reissue it with {command}.' },
  errReissueNoProject: {
    ja: '{number} の案件がわかりません（あなたの最近のジョブにありません）。案件番号も入れてください: {example}',
    en: 'The project of {number} is not known (none of your recent jobs has it). Add the project number: {example}',
  },
  // Jobs
  jobQueued: { ja: 'ジョブを受け付けました: {kind}', en: 'Job queued: {kind}' },
  jobAlreadyQueued: { ja: '同じ依頼のジョブがすでにあります: {kind}', en: 'This request already has a job: {kind}' },
  close: { ja: '閉じる', en: 'Close' },
  open: { ja: '開く', en: 'Open' },
  recentJobs: { ja: '最近のジョブ', en: 'Recent jobs' },
  noJobs: { ja: 'まだジョブはありません。', en: 'No jobs yet.' },
  updated: { ja: '更新しました', en: 'Updated' },
  retryQueued: { ja: '再実行を受け付けました', en: 'Retry queued' },
  cancelRequested: { ja: '中止を受け付けました', en: 'Cancel requested' },
  // Errors (the service client, the guard, refusals)
  errInvalid: { ja: '入力を確認してください: {details}', en: 'Please check the input: {details}' },
  errInvalidGeneric: { ja: '依頼の内容を確認してください。', en: 'Please check what you entered.' },
  errFieldProblem: { ja: '{field}の値が正しくありません', en: '{field} is not valid' },
  errFieldExample: { ja: '{field}は {example} の形で入力してください', en: 'Enter {field} like {example}' },
  errUnauthenticated: { ja: 'サービスにログインできませんでした。アドオンを再承認してください。', en: 'The service did not accept your sign-in. Please re-authorize the add-on.' },
  errTargetForbidden: { ja: '{message} (403)', en: '{message} (403)' },
  errForbidden: { ja: 'このアカウントは tasuki を使えません。管理者に許可を依頼してください。', en: 'This account may not use tasuki. Ask your administrator to allow it.' },
  errNotFound: { ja: 'ジョブ「{ref}」が見つかりません。/jobs で最近のジョブを確かめてください。', en: 'No job "{ref}" was found. /jobs lists your recent jobs.' },
  errNotFoundGeneric: { ja: '見つかりませんでした。', en: 'It was not found.' },
  errAmbiguous: { ja: '「{ref}」に当てはまるジョブが複数あります: {candidates}。もう少し長く指定してください。', en: '"{ref}" matches several jobs: {candidates}. Give a longer reference.' },
  errCancelFinished: { ja: 'ジョブ {ref} はすでに「{state}」です。中止するものはありません。', en: 'Job {ref} is already {state}; there is nothing to cancel.' },
  errRetryNotFinished: { ja: 'ジョブ {ref} は「{state}」です。再実行できるのは失敗または中止したジョブだけです。', en: 'Job {ref} is {state}; only failed or canceled jobs can be retried.' },
  errRetryUseless: { ja: 'ジョブ {ref} は再実行しても同じ結果になります: {reason}', en: 'Retrying job {ref} would fail the same way: {reason}' },
  errKeyReused: {
    ja: 'この依頼は別の内容ですでに受け付けています。内容を変えた場合は新しい依頼として送ってください。',
    en: 'This request was already sent with different content. Send a changed request as a new one.',
  },
  errConflict: { ja: 'この操作は今はできません。ジョブの状態を確かめてください。', en: 'That cannot be done right now. Check the job\'s status.' },
  errUnavailable: { ja: 'サービスが一時的に利用できません。しばらくしてから再度お試しください。', en: 'The service is temporarily unavailable. Please try again in a moment.' },
  errNetwork: { ja: 'サービスに接続できませんでした。しばらくしてから再度お試しください。', en: 'Could not reach the service. Please try again in a moment.' },
  errBadResponse: {
    ja: 'サービスから想定外の応答がありました (HTTP {status})。サービスとアドオンの版が合っていない可能性があります。管理者に連絡してください。',
    en: 'The service answered something unexpected (HTTP {status}); the service and the add-on may be different versions. Ask your administrator.',
  },
  errUnexpected: { ja: '予期しないエラーが発生しました。もう一度お試しください。', en: 'Something unexpected went wrong. Please try again.' },
  errMissingField: { ja: 'Google から届いた情報が足りません。画面を再読み込みしてもう一度お試しください。', en: 'Google sent less than tasuki needs. Reload and try again.' },
  errMessageUnreadable: { ja: 'このメールを読み込めませんでした。メールを開き直してください。', en: 'Could not read this e-mail. Open it again.' },
  errProjectNumberNeeded: { ja: '見積には案件番号 (例 P-2026-014) が必要です。', en: 'An estimate needs a project number (e.g. P-2026-014).' },
  errDueFormat: { ja: '納期は 2026-12-20 の形式で入力してください。', en: 'Enter the due date like 2026-12-20.' },
  errAmountFormat: { ja: '金額は円の整数で入力してください (例 300000)。', en: 'Enter the amount as whole yen (e.g. 300000).' },
  errNeedClientTitle: { ja: 'クライアントと件名は必須です。', en: 'Client and title are required.' },
  // Chat
  chatWelcome: {
    ja: 'tasuki を追加していただきありがとうございます。重い事務作業を引き受けます。/help でコマンド一覧を表示します。',
    en: 'Thanks for adding tasuki. I take over the heavy office work. Type /help for the commands.',
  },
  chatHelpHeader: { ja: 'tasuki のコマンド', en: 'tasuki commands' },
  chatHelpExample: { ja: '例: {example}', en: 'Example: {example}' },
  chatUnknownCommand: { ja: '不明なコマンドです。/help で一覧を表示します。', en: 'Unknown command. Type /help for the list.' },
  chatUsage: { ja: '使い方: {usage}　例: {example}', en: 'Usage: {usage}   Example: {example}' },
  chatAck: { ja: '{kind}を受け付けました（ジョブ {ref}）。進み具合はこのスペースに投稿します。', en: 'Got it: {kind} (job {ref}). Progress will be posted in this space.' },
  chatAckPrivate: { ja: '{kind}を受け付けました（ジョブ {ref}）。結果はあなたにだけ表示します。', en: 'Got it: {kind} (job {ref}). The result will be shown to you only.' },
  chatAckExisting: { ja: 'この依頼はすでに受け付けています（ジョブ {ref}、{state}）。', en: 'This request was already accepted (job {ref}, {state}).' },
  chatNewDialogTitle: { ja: '新しい案件', en: 'New project' },
  chatSubmit: { ja: '作成', en: 'Create' },
  chatDialogClosed: { ja: 'キャンセルしました', en: 'Canceled' },
  chatJobsHeader: { ja: 'あなたの最近のジョブ', en: 'Your recent jobs' },
  chatJobLine: { ja: '{state} · {age}', en: '{state} · {age}' },
  chatRetryAck: { ja: 'ジョブ {ref} を再実行します。', en: 'Retrying job {ref}.' },
  chatCancelAck: { ja: 'ジョブ {ref} の中止を受け付けました（{state}）。', en: 'Asked job {ref} to cancel ({state}).' },
  // Sheets
  menuSyncSchedule: { ja: 'スケジュールを同期', en: 'Sync schedule' },
  menuGenerateInvoices: { ja: '選択行の請求書を作成', en: 'Generate invoices for selected rows' },
  menuSummarizeLedger: { ja: '台帳を集計', en: 'Summarize ledger' },
  menuJobStatus: { ja: 'ジョブの状態', en: 'Job status' },
  menuReissueDocument: { ja: '選択行の書類を再発行…', en: 'Reissue the selected document…' },
  sheetsHomeHeader: { ja: 'tasuki (スプレッドシート)', en: 'tasuki for Sheets' },
  sheetsHomeHint: {
    ja: '拡張機能 ▸ tasuki のメニューから、選択行の請求書作成などができます。',
    en: 'Use Extensions ▸ tasuki for actions on selected rows, such as invoices.',
  },
  sheetsNotLedger: { ja: '請求書は「{sheet}」シートの行を選択して実行してください。', en: 'Select rows in the "{sheet}" sheet to generate invoices.' },
  sheetsNoProjectRows: { ja: '選択した行に案件番号がありません。', en: 'The selected rows have no project numbers.' },
  sheetsInvoicesQueued: { ja: '請求書 {count}件を受け付けました（ジョブ {refs}）', en: 'Queued {count, plural, one {# invoice} other {# invoices}} (jobs {refs})' },
  sheetsReissueSelectRow: {
    ja: '再発行は「{sheet}」シートで書類の行を1行だけ選択してから実行してください。',
    en: 'To reissue, select one document row in the "{sheet}" sheet first.',
  },
  sheetsReissueNoNumber: {
    ja: '{row}行目には見積書・請求書の番号（E-2026-001 や I-2026-001 の形）がありません。書類の行を選択してください。',
    en: 'Row {row} has no estimate or invoice number (like E-2026-001 or I-2026-001). Select a document row.',
  },
  sheetsReissueNoProject: { ja: '{row}行目の案件番号を読み取れません（P-2026-001 の形）。', en: 'The project number in row {row} cannot be read (it should look like P-2026-001).' },
  sheetsReissueVoid: { ja: '{number} はすでに取消済みです。', en: '{number} is already void.' },
  sheetsReissueReplaced: {
    ja: '{number} はすでに取消済みです。再発行後の番号は {replacedBy} です。その行を選択して再発行してください。',
    en: '{number} is already void. It was replaced by {replacedBy}: select that row to reissue it.',
  },
  sheetsHeaderMissing: SHEET_HEADER_MISSING,
  sheetsRowSkipped: { ja: '{row}行目: {reason}', en: 'Row {row}: {reason}' },
  sheetsQueuedToast: { ja: '{kind}を受け付けました（ジョブ {ref}）', en: '{kind} queued (job {ref})' },
  sheetsColumnJob: { ja: 'ジョブ', en: 'Job' },
  sheetsColumnKind: { ja: '種類', en: 'Kind' },
  sheetsColumnState: { ja: '状態', en: 'Status' },
  sheetsColumnAge: { ja: '依頼', en: 'Requested' },
} satisfies Record<string, Localized>;

/** Field names for the service's 400 answers (`issues[].path`), and an example where one helps. */
export const FIELD_TEXTS: Record<string, { label: Localized; example?: string }> = {
  'input.projectNumber': { label: { ja: '案件番号', en: 'the project number' }, example: 'P-2026-014' },
  'input.client.name': { label: { ja: 'クライアント', en: 'the client' } },
  'input.client.email': { label: { ja: 'クライアントのメール', en: "the client's e-mail" }, example: 'name@example.co.jp' },
  'input.title': { label: { ja: '件名', en: 'the title' } },
  'input.due': { label: { ja: '納期', en: 'the due date' }, example: '2026-12-20' },
  'input.dueDate': { label: { ja: '支払期限', en: 'the payment due date' }, example: '2026-12-20' },
  'input.issueDate': { label: { ja: '発行日', en: 'the issue date' }, example: '2026-12-20' },
  'input.amount': { label: { ja: '金額', en: 'the amount' }, example: '300000' },
  'input.portal': { label: { ja: 'ポータル名', en: 'the portal name' }, example: 'acme' },
  'input.words': { label: { ja: '検索する言葉', en: 'the words to search for' } },
  'input.client': { label: { ja: 'クライアント', en: 'the client' } },
  'input.from': { label: { ja: '開始月', en: 'the first month' }, example: '2026-04' },
  'input.to': { label: { ja: '終了月', en: 'the last month' }, example: '2027-03' },
};

/** Slash-command help: what each command does, its argument, and an example. */
export const COMMAND_TEXTS = {
  new: { ja: '新しい案件を作成（ダイアログ）', en: 'Create a new project (dialog)' },
  jobs: { ja: 'あなたの最近のジョブ', en: 'Your recent jobs' },
  status: { ja: 'ジョブの状態を表示', en: "Show a job's status" },
  retry: { ja: '失敗したジョブを再実行', en: 'Retry a failed job' },
  cancel: { ja: 'ジョブを中止', en: 'Cancel a job' },
  invoice: { ja: '請求書を作成', en: 'Make an invoice' },
  estimate: { ja: '見積書を作成', en: 'Make an estimate' },
  scrape: { ja: 'クライアントのポータルから新しい発注を取り込み', en: "Import new orders from a client's portal" },
  summary: { ja: '台帳の集計（クライアント別・月別）', en: 'Ledger summary by client and month' },
  search: { ja: '過去の案件を検索', en: 'Search past projects' },
  help: { ja: 'コマンドの一覧', en: 'List the commands' },
  argJob: { ja: 'ジョブ番号または案件番号', en: 'job ref or project number' },
  argProject: { ja: '案件番号', en: 'project number' },
  argPortal: { ja: 'ポータル名', en: 'portal' },
  argClient: { ja: 'クライアント', en: 'client' },
  argWords: { ja: '検索語', en: 'words' },
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

/**
 * The values tasuki itself puts into the office's Status columns and Schedule rows, in the office's sheet language
 * (TASUKI_SHEET_LOCALE), one language per value: a shared record reads the same whoever ran the
 * job. The office's own values (進行中, 納品済, …) are the office's and are never rewritten.
 */
export const SHEET_TEXTS = {
  /** Ledger: a project tasuki has just created. */
  received: { ja: '受付', en: 'Received' },
  /** Documents: the status of an estimate/invoice number, and its kind. */
  documentIssued: { ja: '発行', en: 'Issued' },
  documentVoid: { ja: '取消', en: 'Void' },
  documentInvoice: { ja: '請求書', en: 'Invoice' },
  documentEstimate: { ja: '見積書', en: 'Estimate' },
  /** Intake: an order that became a project. */
  projectCreated: { ja: '案件化', en: 'Project created' },
  /** Intake: an order a portal scrape brought in, not handled yet. */
  newOrder: { ja: '未処理', en: 'New' },
  /** Schedule: the title prefix of a project's due-date milestone (also its Calendar event). */
  due: { ja: '納期', en: 'Due' },
  /** Schedule: the note of a milestone without a due date. */
  dueNotSet: { ja: '納期未定', en: 'Due date not set' },
  /** Schedule: the sync column of a row whose event is on the calendar (the office's time). */
  synced: { ja: '同期済 {at}', en: 'Synced {at}' },
  /** Schedule: the sync column of a row that could not be put on the calendar, and why. */
  syncError: { ja: 'エラー: {message}', en: 'Error: {message}' },
  /** Calendar: the event description's line naming the row's assignee. */
  assignee: { ja: '担当: {who}', en: 'Assignee: {who}' },
} satisfies Record<string, Localized>;
