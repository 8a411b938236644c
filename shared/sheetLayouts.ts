/**
 * The office's spreadsheets as tasuki reads and writes them: sheet names and column order.
 * Row 1 is a header (Japanese / English); data starts on row 2. The sandbox seeds these layouts,
 * the jobs write them, the add-on's Sheets menu reads selections with them. Rows that tasuki
 * creates carry the creating job's id in the `jobId` column, so a retried write finds its own row
 * instead of appending a second one.
 *
 * Whose column is whose. The office's columns (status, notes, amounts, …) belong to the office:
 * a job writes one only where its handler's opening comment says it owns that field. Job
 * progress (the reply port's "✅ 完了", "⚠️ 失敗 · …") goes only into tasuki's own columns at the
 * right, tasukiStatusColumns() below; a sheet that predates them gets them appended to the right
 * of its last header (service/workspace/tasukiColumns.ts), never moving the office's columns.
 */

export type Column = { key: string; header: string };

/** tasuki's job-status column: the last report of the last job that answered into this row. */
export const TASUKI_STATUS_HEADER = 'tasuki 状態 tasuki status';
/** tasuki's job column: that job's id (for /status, /retry and the menu's Job status). */
export const TASUKI_JOB_HEADER = 'tasuki ジョブ tasuki job';

/** A sheet's layout from its columns (other modules declare theirs with it, e.g. the Documents sheet). */
export function layout<const K extends string>(sheetName: string, columns: ReadonlyArray<{ key: K; header: string }>) {
  const index = Object.fromEntries(columns.map((c, i) => [c.key, i])) as Record<K, number>;
  const letter = Object.fromEntries(columns.map((c, i) => [c.key, String.fromCharCode(65 + i)])) as Record<K, string>;
  return {
    sheetName,
    columns,
    /** 0-based column index by key. */
    index,
    /** A1 column letter by key. */
    letter,
    lastLetter: String.fromCharCode(64 + columns.length),
    headers: columns.map((c) => c.header),
  };
}

/** Ledger (台帳): one row per project. In the ledger spreadsheet. */
export const LEDGER = /* @__PURE__ */ layout('Ledger', [
  { key: 'projectNumber', header: '案件番号 Project' },
  { key: 'requestedAt', header: '受付日 Requested' },
  { key: 'client', header: 'クライアント Client' },
  { key: 'title', header: '件名 Title' },
  { key: 'due', header: '納期 Due' },
  { key: 'amount', header: '金額 Amount' },
  { key: 'status', header: 'ステータス Status' },
  { key: 'folderUrl', header: 'フォルダ Folder' },
  { key: 'estimate', header: '見積 Estimate' },
  { key: 'invoice', header: '請求 Invoice' },
  { key: 'deliveredAt', header: '納品日 Delivered' },
  { key: 'clientEmail', header: 'メール Email' },
  { key: 'jobId', header: 'ジョブ Job' },
  { key: 'tasukiStatus', header: TASUKI_STATUS_HEADER },
  { key: 'tasukiJob', header: TASUKI_JOB_HEADER },
]);

/** Intake (受付): orders pulled from client portals, waiting to become projects. Ledger spreadsheet. */
export const INTAKE = /* @__PURE__ */ layout('Intake', [
  { key: 'intakeId', header: '受付ID Intake' },
  { key: 'receivedAt', header: '受付日 Received' },
  { key: 'portal', header: 'ポータル Portal' },
  { key: 'client', header: 'クライアント Client' },
  { key: 'title', header: '件名 Title' },
  { key: 'due', header: '納期 Due' },
  { key: 'amount', header: '金額 Amount' },
  { key: 'status', header: 'ステータス Status' },
  { key: 'projectNumber', header: '案件番号 Project' },
  { key: 'jobId', header: 'ジョブ Job' },
  { key: 'tasukiStatus', header: TASUKI_STATUS_HEADER },
  { key: 'tasukiJob', header: TASUKI_JOB_HEADER },
]);

/** Summary (集計): per client and month, mirrored from the summary database. Ledger spreadsheet. */
export const SUMMARY = /* @__PURE__ */ layout('Summary', [
  { key: 'client', header: 'クライアント Client' },
  { key: 'month', header: '月 Month' },
  { key: 'count', header: '件数 Count' },
  { key: 'amount', header: '金額 Amount' },
  { key: 'medianLeadDays', header: 'リードタイム中央値(日) Median lead days' },
  { key: 'updatedAt', header: '更新 Updated' },
]);

/**
 * Clients (顧客): optional, in the ledger spreadsheet. The client directory is the Ledger's client
 * column plus this sheet, where the office names a client once and lists the other spellings
 * (aliases, separated by commas or 、) and its mail domains. tasuki appends a row only when a user
 * confirms a new client (project.create with newClient); the office edits the rest.
 */
export const CLIENTS = /* @__PURE__ */ layout('Clients', [
  { key: 'name', header: 'クライアント Client' },
  { key: 'aliases', header: '別名 Aliases' },
  { key: 'domains', header: 'メールドメイン Mail domains' },
  { key: 'notes', header: 'メモ Notes' },
]);

/** Schedule (スケジュール): one row per scheduled item, synced to Calendar. Schedule spreadsheet. */
export const SCHEDULE = /* @__PURE__ */ layout('Schedule', [
  { key: 'projectNumber', header: '案件番号 Project' },
  { key: 'title', header: '件名 Title' },
  { key: 'start', header: '開始 Start' },
  { key: 'end', header: '終了 End' },
  { key: 'assignee', header: '担当 Assignee' },
  { key: 'notes', header: 'メモ Notes' },
  { key: 'eventLink', header: 'カレンダー Event' },
  { key: 'syncStatus', header: '同期 Sync' },
  { key: 'rowKey', header: '行キー Row key' },
  { key: 'jobId', header: 'ジョブ Job' },
]);

/**
 * Where the reply port writes a job's status in a sheet it answers into, by header text (the
 * column is found by its row-1 header, so an office that inserted columns is still right):
 * - Ledger, Intake: tasuki's own pair, declared above.
 * - Schedule: its sync column, which is tasuki's already (schedule.sync writes it).
 * - any other sheet: the same pair as the Ledger, appended at the right when missing.
 * Never the office's own status column. (A function, not a table, so the add-on bundle drops it.)
 */
export function tasukiStatusColumns(sheetName: string): { status: string; job?: string } {
  if (sheetName === SCHEDULE.sheetName) return { status: SCHEDULE.headers[SCHEDULE.index.syncStatus]! };
  return { status: TASUKI_STATUS_HEADER, job: TASUKI_JOB_HEADER };
}
