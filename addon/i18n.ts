/**
 * Every user-facing string of the add-on, in Japanese and English. Placeholders are `{name}`.
 * The locale comes from the event (`commonEventObject.userLocale`), never from the server.
 */
import type { Locale, Localized } from '../shared/locale.js';

export const TEXT = {
  appName: { ja: 'tasuki', en: 'tasuki' },
  // Gmail request card
  requestHeader: { ja: '依頼内容', en: 'Request' },
  requestSubtitle: { ja: 'メールから読み取りました。修正してからボタンを押してください。', en: 'Read from this e-mail. Correct anything, then choose an action.' },
  fieldClient: { ja: 'クライアント', en: 'Client' },
  fieldClientEmail: { ja: 'クライアントのメール', en: 'Client e-mail' },
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
  // Jobs
  jobEstimate: { ja: '見積書作成', en: 'Estimate' },
  jobInvoice: { ja: '請求書作成', en: 'Invoice' },
  jobQueued: { ja: 'ジョブを受け付けました: {kind}', en: 'Job queued: {kind}' },
  jobAlreadyQueued: { ja: '同じ依頼のジョブがすでにあります: {kind}', en: 'This request already has a job: {kind}' },
  close: { ja: '閉じる', en: 'Close' },
  open: { ja: '開く', en: 'Open' },
  recentJobs: { ja: '最近のジョブ', en: 'Recent jobs' },
  noJobs: { ja: 'まだジョブはありません。', en: 'No jobs yet.' },
  updated: { ja: '更新しました', en: 'Updated' },
  retryQueued: { ja: '再実行を受け付けました', en: 'Retry queued' },
  cancelRequested: { ja: '取消を受け付けました', en: 'Cancel requested' },
  // Errors (the service client and the guard)
  errInvalid: { ja: '入力に誤りがあります: {details}', en: 'Please correct the input: {details}' },
  errUnauthenticated: { ja: 'サービスにログインできませんでした (401)。アドオンを再承認してください。', en: 'The service did not accept your sign-in (401). Please re-authorize the add-on.' },
  errForbidden: { ja: 'このアカウントは tasuki を使えません (403)。管理者に許可を依頼してください。', en: 'This account may not use tasuki (403). Ask the administrator to allow it.' },
  errTargetForbidden: { ja: '{message} (403)', en: '{message} (403)' },
  errNotFound: { ja: 'ジョブ {id} が見つかりません。', en: 'Job {id} was not found.' },
  errNotFoundGeneric: { ja: '見つかりません: {message}', en: 'Not found: {message}' },
  errConflict: { ja: 'この操作は今はできません: {message}', en: 'That cannot be done now: {message}' },
  errUnavailable: { ja: 'サービスが一時的に利用できません ({status})。しばらくしてから再度お試しください。', en: 'The service is temporarily unavailable ({status}). Please try again in a moment.' },
  errNetwork: { ja: 'サービスに接続できませんでした ({url})。', en: 'Could not reach the service ({url}).' },
  errBadResponse: { ja: 'サービスの応答を読めませんでした ({status})。', en: 'The service sent a response tasuki could not read ({status}).' },
  errUnexpected: { ja: '予期しないエラーが発生しました。もう一度お試しください。({message})', en: 'Something unexpected went wrong. Please try again. ({message})' },
  errMissingField: { ja: 'イベントに {field} がありません。', en: 'The event has no {field}.' },
  errMessageUnreadable: { ja: 'このメールを読み込めませんでした: {message}', en: 'Could not read this e-mail: {message}' },
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
  chatUnknownCommand: { ja: '不明なコマンドです (id {id})。/help で一覧を表示します。', en: 'Unknown command (id {id}). Type /help for the list.' },
  chatUsage: { ja: '使い方: {usage}', en: 'Usage: {usage}' },
  chatAck: { ja: '{kind} を受け付けました (ジョブ {id})。進捗はこのスペースに投稿します。', en: 'Got it: {kind} (job {id}). Progress will be posted in this space.' },
  chatAckExisting: { ja: 'このリクエストはすでに受け付けています (ジョブ {id}, {status})。', en: 'This request was already accepted (job {id}, {status}).' },
  chatNewDialogTitle: { ja: '新しい案件', en: 'New project' },
  chatSubmit: { ja: '作成', en: 'Create' },
  chatDialogClosed: { ja: 'キャンセルしました', en: 'Canceled' },
  chatJobsHeader: { ja: 'あなたの最近のジョブ', en: 'Your recent jobs' },
  chatRetryAck: { ja: 'ジョブ {id} を再実行します。', en: 'Retrying job {id}.' },
  chatCancelAck: { ja: 'ジョブ {id} の取消を依頼しました ({status})。', en: 'Asked job {id} to cancel ({status}).' },
  // Sheets
  menuSyncSchedule: { ja: 'スケジュールを同期', en: 'Sync schedule' },
  menuGenerateInvoices: { ja: '選択行の請求書を作成', en: 'Generate invoices for selected rows' },
  menuSummarizeLedger: { ja: '台帳を集計', en: 'Summarize ledger' },
  menuJobStatus: { ja: 'ジョブの状態', en: 'Job status' },
  sheetsHomeHeader: { ja: 'tasuki (スプレッドシート)', en: 'tasuki for Sheets' },
  sheetsHomeHint: {
    ja: '拡張機能 ▸ tasuki のメニューから、選択行の請求書作成などができます。',
    en: 'Use Extensions ▸ tasuki for actions on selected rows, such as invoices.',
  },
  sheetsNotLedger: { ja: '請求書は「{sheet}」シートの行を選択して実行してください。', en: 'Select rows in the "{sheet}" sheet to generate invoices.' },
  sheetsNoProjectRows: { ja: '選択した行に案件番号がありません。', en: 'The selected rows have no project numbers.' },
  sheetsInvoicesQueued: { ja: '請求書 {count} 件を受け付けました: {ids}', en: 'Queued {count} invoice(s): {ids}' },
  sheetsRowSkipped: { ja: '{row} 行目: {reason}', en: 'Row {row}: {reason}' },
} satisfies Record<string, Localized>;

export type TextKey = keyof typeof TEXT;

export function t(locale: Locale, key: TextKey, vars: Record<string, string | number> = {}): string {
  return TEXT[key][locale].replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : whole,
  );
}
