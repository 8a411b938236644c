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
 *   replying into that row's status cell; key = spreadsheet + row + project number + the row's
 *   content (selection.ts officeContent): after a refusal (no 納品日), filling the cell in and
 *   running the item again issues the invoice instead of naming the refused job.
 * - Reissue the selected document… → on one row of the Documents sheet (書類台帳), the reissue form of
 *   the document cards (addon/reissue.ts) as an Editor add-on can show it: a prompt with the same
 *   title, consequence and required reason; OK enqueues the same job as the card's confirm (same
 *   key, so the card and the menu reissuing one number make one job). Any other selection, a void
 *   number or an empty reason is refused in an alert in the user's language.
 * - Summarize ledger → ledger.summarize.
 * Cells are found by their row-1 header (selection.ts), so reordered columns are read right.
 * - Job status → a dialog with the user's recent jobs.
 * With the Script Property TASUKI_CHAT_SPACE set, the jobs also report in that Chat space.
 */
import type { EnqueueRequest } from '../../shared/api.js';
import { ageText, jobTitle, progressLabel, shortRef, stateLine } from '../../shared/cards/jobDisplay.js';
import { ProjectNumber } from '../../shared/kinds/common.js';
import type { Locale } from '../../shared/locale.js';
import { ADDON_TEXTS, SHEET_TEXTS } from '../../shared/messages.js';
import { documentTypeOf } from '../../shared/kinds/billingDocument.js';
import { DOCUMENTS } from '../../shared/kinds/billingDocumentSheet.js';
import { DOCUMENT_TYPE_NAMES } from '../../shared/kinds/billingDocumentTexts.js';
import { LEDGER, SCHEDULE } from '../../shared/sheetLayouts.js';
import { localeOf, type AddonEvent } from '../event.js';
import { t, type TextKey } from '../i18n.js';
import { UserFacingError } from '../errors.js';
import { reissueRequest } from '../reissueRequest.js';
import { enqueueJob, idempotencyKey, listMyJobs, withTeamReply } from '../serviceClient.js';
import { cellText, column, officeContent, readSelection } from './selection.js';

export const MENU_ITEMS: ReadonlyArray<{ label: TextKey; functionName: string }> = [
  { label: 'menuSyncSchedule', functionName: 'menuSyncSchedule' },
  { label: 'menuGenerateInvoices', functionName: 'menuGenerateInvoices' },
  { label: 'menuReissueDocument', functionName: 'menuReissueDocument' },
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

export function generateInvoices(): void {
  const locale = localeOf(undefined);
  const ss = SpreadsheetApp.getActiveSpreadsheet();
  const sheet = ss.getActiveSheet();
  const ui = SpreadsheetApp.getUi();
  if (sheet.getName() !== LEDGER.sheetName) {
    ui.alert(t(locale, 'sheetsNotLedger', { sheet: LEDGER.sheetName }));
    return;
  }
  const selection = readSelection(sheet);
  const projectColumn = column(selection, LEDGER.headers[LEDGER.index.projectNumber]!);
  const queued: string[] = [];
  const skipped: string[] = [];
  for (const { row, values } of selection.rows) {
    const projectNumber = cellText(values, projectColumn);
    if (!ProjectNumber.safeParse(projectNumber).success) {
      skipped.push(t(locale, 'sheetsRowSkipped', { row, reason: t(locale, 'sheetsNoProjectRows') }));
      continue;
    }
    const request: EnqueueRequest = {
      kind: 'billing.document',
      input: { type: 'invoice', projectNumber },
      reply: { sheet: { spreadsheetId: ss.getId(), sheetName: LEDGER.sheetName, row } },
      // The same row as it stands is the same request (a double click is one job); once someone
      // changes the row (fills in 納品日 after a refusal), running the item again is a new one.
      idempotencyKey: idempotencyKey('sheets', ss.getId(), String(row), projectNumber, 'invoice', officeContent(selection, values)),
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

/** Void in the Documents sheet, in either sheet language (shared/messages.ts SHEET_TEXTS.documentVoid). */
const VOID = new Set([SHEET_TEXTS.documentVoid.ja, SHEET_TEXTS.documentVoid.en].map((v) => v.toLowerCase()));

export function reissueDocument(): void {
  const locale = localeOf(undefined);
  const ui = SpreadsheetApp.getUi();
  const sheet = SpreadsheetApp.getActiveSpreadsheet().getActiveSheet();
  if (sheet.getName() !== DOCUMENTS.sheetName) throw new UserFacingError('sheetsReissueSelectRow', { sheet: DOCUMENTS.sheetName });
  const selection = readSelection(sheet);
  const picked = selection.rows[0];
  if (!picked || selection.rows.length > 1) throw new UserFacingError('sheetsReissueSelectRow', { sheet: DOCUMENTS.sheetName });
  const header = (key: keyof typeof DOCUMENTS.index) => column(selection, DOCUMENTS.headers[DOCUMENTS.index[key]]!);
  const { row, values } = picked;
  const documentNumber = cellText(values, header('documentNumber')).toUpperCase();
  const type = documentTypeOf(documentNumber);
  if (!type) throw new UserFacingError('sheetsReissueNoNumber', { row });
  const projectNumber = cellText(values, header('projectNumber')).toUpperCase();
  if (!ProjectNumber.safeParse(projectNumber).success) throw new UserFacingError('sheetsReissueNoProject', { row });
  if (VOID.has(cellText(values, header('status')).toLowerCase())) {
    const replacedBy = cellText(values, header('replacedBy'));
    throw replacedBy ? new UserFacingError('sheetsReissueReplaced', { number: documentNumber, replacedBy }) : new UserFacingError('sheetsReissueVoid', { number: documentNumber });
  }
  const target = { type, projectNumber, documentNumber };
  const explain = t(locale, 'reissueExplain', { number: documentNumber, document: DOCUMENT_TYPE_NAMES[type][locale] });
  const answer = ui.prompt(
    t(locale, 'reissueTitle', { number: documentNumber }),
    `${explain}\n\n${t(locale, 'reissueReason')} — ${t(locale, 'reissueReasonHint')}`,
    ui.ButtonSet.OK_CANCEL,
  );
  if (answer.getSelectedButton() !== ui.Button.OK) return;
  const reason = answer.getResponseText().trim();
  if (!reason) {
    ui.alert(t(locale, 'reissueReasonNeeded'));
    return;
  }
  const result = enqueueJob(withTeamReply(reissueRequest(target, reason, locale)));
  toast(t(locale, result.created ? 'sheetsQueuedToast' : 'jobAlreadyQueued', { kind: jobTitle(result.job, locale), ref: shortRef(result.job.id) }));
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
