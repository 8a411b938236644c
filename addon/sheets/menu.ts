/**
 * Sheets: the Extensions ▸ tasuki menu and its items. Menus exist only for Editor add-ons and
 * container-bound scripts (a Workspace add-on's manifest has no menu key and gets no simple
 * triggers, PLATFORM.md §1), so the same bundle is also deployed that way; there `onOpen(e)`
 * builds the menu. In AuthMode.NONE (the add-on not yet used in this file) nothing that needs
 * authorization may run, so the labels are bilingual constants instead of the user's locale.
 *
 * Items (each enqueues and says so with a toast or an alert; jobs write their statuses back):
 * - Sync schedule → schedule.sync for this spreadsheet's Schedule sheet (or the configured one).
 * - Generate invoices for selected rows → billing.document {invoice} per selected Ledger row,
 *   replying into that row's status cell; key = spreadsheet + row + project number.
 * - Summarize ledger → ledger.summarize.
 * - Job status → a dialog with the user's recent jobs.
 * With the Script Property TASUKI_CHAT_SPACE set, the jobs also report in that Chat space.
 */
import type { EnqueueRequest } from '../../shared/api.js';
import { ageText, jobTitle, progressLabel, shortRef, stateLine } from '../../shared/cards/jobDisplay.js';
import { ProjectNumber } from '../../shared/kinds/common.js';
import type { Locale } from '../../shared/locale.js';
import { ADDON_TEXTS } from '../../shared/messages.js';
import { LEDGER, SCHEDULE } from '../../shared/sheetLayouts.js';
import { localeOf, type AddonEvent } from '../event.js';
import { t, type TextKey } from '../i18n.js';
import { enqueueJob, idempotencyKey, listMyJobs, withTeamReply } from '../serviceClient.js';

export const MENU_ITEMS: ReadonlyArray<{ label: TextKey; functionName: string }> = [
  { label: 'menuSyncSchedule', functionName: 'menuSyncSchedule' },
  { label: 'menuGenerateInvoices', functionName: 'menuGenerateInvoices' },
  { label: 'menuSummarizeLedger', functionName: 'menuSummarizeLedger' },
  { label: 'menuJobStatus', functionName: 'menuJobStatus' },
];

function isAuthModeNone(e: AddonEvent | undefined): boolean {
  const mode = e?.authMode;
  if (mode === undefined) return false;
  try {
    if (mode === ScriptApp.AuthMode.NONE) return true;
  } catch {
    // ScriptApp unavailable: compare by name below.
  }
  return String(mode) === 'NONE';
}

export function buildMenu(e: AddonEvent | undefined): void {
  const none = isAuthModeNone(e);
  const locale: Locale | undefined = none ? undefined : localeOf(e);
  const menu = SpreadsheetApp.getUi().createAddonMenu();
  for (const item of MENU_ITEMS) {
    const label = locale ? t(locale, item.label) : `${ADDON_TEXTS[item.label].ja} / ${ADDON_TEXTS[item.label].en}`;
    menu.addItem(label, item.functionName);
  }
  menu.addToUi();
}

function toast(text: string): void {
  SpreadsheetApp.getActiveSpreadsheet().toast(text, 'tasuki', 8);
}

export function syncSchedule(): void {
  const locale = localeOf(undefined);
  const ss = SpreadsheetApp.getActiveSpreadsheet();
  const input = ss.getSheetByName(SCHEDULE.sheetName) ? { spreadsheetId: ss.getId(), sheetName: SCHEDULE.sheetName } : {};
  const hour = Utilities.formatDate(new Date(), 'UTC', 'yyyyMMddHHmm');
  const result = enqueueJob(withTeamReply({ kind: 'schedule.sync', input, idempotencyKey: idempotencyKey('sheets', ss.getId(), 'schedule', hour), locale }));
  toast(t(locale, result.created ? 'sheetsQueuedToast' : 'jobAlreadyQueued', { kind: jobTitle(result.job, locale), ref: shortRef(result.job.id) }));
}

/** Selected data rows (row number ≥ 2) of the active sheet with their values. */
function selectedRows(sheet: GoogleAppsScript.Spreadsheet.Sheet): Array<{ row: number; values: unknown[] }> {
  const ranges = sheet.getActiveRangeList()?.getRanges() ?? [];
  const rows = new Map<number, unknown[]>();
  for (const range of ranges) {
    const first = range.getRow();
    const values = sheet.getRange(first, 1, range.getNumRows(), LEDGER.columns.length).getValues();
    values.forEach((v, i) => {
      if (first + i >= 2) rows.set(first + i, v);
    });
  }
  return [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([row, values]) => ({ row, values }));
}

export function generateInvoices(): void {
  const locale = localeOf(undefined);
  const ss = SpreadsheetApp.getActiveSpreadsheet();
  const sheet = ss.getActiveSheet();
  const ui = SpreadsheetApp.getUi();
  if (sheet.getName() !== LEDGER.sheetName) {
    ui.alert(t(locale, 'sheetsNotLedger', { sheet: LEDGER.sheetName }));
    return;
  }
  const queued: string[] = [];
  const skipped: string[] = [];
  for (const { row, values } of selectedRows(sheet)) {
    const projectNumber = String(values[LEDGER.index.projectNumber] ?? '').trim();
    if (!ProjectNumber.safeParse(projectNumber).success) {
      skipped.push(t(locale, 'sheetsRowSkipped', { row, reason: t(locale, 'sheetsNoProjectRows') }));
      continue;
    }
    const request: EnqueueRequest = {
      kind: 'billing.document',
      input: { type: 'invoice', projectNumber },
      reply: { sheet: { spreadsheetId: ss.getId(), sheetName: LEDGER.sheetName, row } },
      idempotencyKey: idempotencyKey('sheets', ss.getId(), String(row), projectNumber, 'invoice'),
      locale,
    };
    queued.push(enqueueJob(withTeamReply(request)).job.id);
  }
  if (queued.length === 0) {
    ui.alert([t(locale, 'sheetsNoProjectRows'), ...skipped].join('\n'));
    return;
  }
  ui.alert([t(locale, 'sheetsInvoicesQueued', { count: queued.length, refs: queued.map(shortRef).join(', ') }), ...skipped].join('\n'));
}

export function summarizeLedger(): void {
  const locale = localeOf(undefined);
  const ss = SpreadsheetApp.getActiveSpreadsheet();
  const day = Utilities.formatDate(new Date(), 'UTC', 'yyyyMMddHHmm');
  const result = enqueueJob(withTeamReply({ kind: 'ledger.summarize', input: {}, idempotencyKey: idempotencyKey('sheets', ss.getId(), 'summary', day), locale }));
  toast(t(locale, result.created ? 'sheetsQueuedToast' : 'jobAlreadyQueued', { kind: jobTitle(result.job, locale), ref: shortRef(result.job.id) }));
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function jobStatus(): void {
  const locale = localeOf(undefined);
  const jobs = listMyJobs();
  const cell = (text: string) => `<td>${escapeHtml(text)}</td>`;
  const head = ['sheetsColumnJob', 'sheetsColumnKind', 'sheetsColumnState', 'sheetsColumnAge'] as const;
  const rows = jobs
    .slice(0, 20)
    .map((j) => `<tr>${cell(shortRef(j.id))}${cell(jobTitle(j, locale))}${cell(`${stateLine(j, locale)} ${j.progress && j.status === 'running' ? `${j.progress.done}/${j.progress.total} ${progressLabel(j, locale)}` : ''}`.trim())}${cell(ageText(j.createdAt, locale))}</tr>`)
    .join('');
  const body = jobs.length
    ? `<table style="font:13px sans-serif;border-collapse:collapse" cellpadding="4"><tr>${head.map((k) => `<th align="left">${escapeHtml(t(locale, k))}</th>`).join('')}</tr>${rows}</table>`
    : `<p style="font:13px sans-serif">${escapeHtml(t(locale, 'noJobs'))}</p>`;
  const html = HtmlService.createHtmlOutput(body).setWidth(640).setHeight(360);
  SpreadsheetApp.getUi().showModalDialog(html, t(locale, 'menuJobStatus'));
}
