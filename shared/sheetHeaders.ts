/**
 * Finding a column by its row-1 header, the one rule the add-on's Sheets menu and the service's
 * sheet writers share: an office may reorder its columns or insert its own between them, so a
 * column is where its header is, never where the layout first put it.
 *
 * Contract: headers are compared trimmed, without case and with runs of spaces collapsed, so
 * "案件番号  project" typed by hand still matches "案件番号 Project". Nothing else matches (no
 * partial or "contains" match): the office's "ステータス Status" is never taken for tasuki's
 * "tasuki 状態 tasuki status". The first matching cell wins. Pure; no imports.
 */

/** The comparable form of a header cell. */
export function normalizeHeader(header: unknown): string {
  return String(header ?? '').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** 0-based index of `header` in `row1`, or -1. */
export function headerIndex(row1: readonly unknown[], header: string): number {
  const wanted = normalizeHeader(header);
  return row1.findIndex((cell) => normalizeHeader(cell) === wanted);
}
