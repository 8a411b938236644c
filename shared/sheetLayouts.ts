/**
 * The office's spreadsheets as tasuki reads and writes them: sheet names and column order.
 * Row 1 is a header (Japanese / English); data starts on row 2. The sandbox seeds these layouts,
 * the jobs write them, the add-on's Sheets menu reads selections with them. Rows that tasuki
 * creates carry the job id in the last column, so a retried write finds its own row instead of
 * appending a second one.
 */

export type Column = { key: string; header: string };

function layout<const K extends string>(sheetName: string, columns: ReadonlyArray<{ key: K; header: string }>) {
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
export const LEDGER = layout('Ledger', [
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
]);

/** Intake (受付): orders pulled from client portals, waiting to become projects. Ledger spreadsheet. */
export const INTAKE = layout('Intake', [
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
]);

/** Summary (集計): per client and month, mirrored from the summary database. Ledger spreadsheet. */
export const SUMMARY = layout('Summary', [
  { key: 'client', header: 'クライアント Client' },
  { key: 'month', header: '月 Month' },
  { key: 'count', header: '件数 Count' },
  { key: 'amount', header: '金額 Amount' },
  { key: 'medianLeadDays', header: 'リードタイム中央値(日) Median lead days' },
  { key: 'updatedAt', header: '更新 Updated' },
]);

/** Schedule (スケジュール): one row per scheduled item, synced to Calendar. Schedule spreadsheet. */
export const SCHEDULE = layout('Schedule', [
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
