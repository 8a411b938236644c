/**
 * Writes the sample office (seedData.ts) into a fresh sandbox: the team Chat space with the app
 * as a member, the office's shared drive (the app's service account a Content manager: a service
 * account has no My Drive storage) holding the Drive tree (projects folder, project template,
 * office folder), the ledger and
 * schedule spreadsheets laid out as shared/sheetLayouts.ts says, the estimate and invoice Docs
 * templates, the office calendar (shared with the app: "Make changes to events") and both users'
 * Gmail inboxes. Runs once, in one transaction; `meta.seededAt` records it so a restart keeps
 * whatever the user changed. A sandbox seeded before the shared drive existed gets it (and the
 * calendar's sharing) on its next start, its office files moved in.
 */
import { DOCUMENTS } from '../../shared/kinds/billingDocumentSheet.js';
import { CLIENTS, INTAKE, LEDGER, SCHEDULE, SUMMARY } from '../../shared/sheetLayouts.js';
import type { SharedDrive } from './access.js';
import type { StoredCalendar } from './calendarApi.js';
import type { StoredSpace, ChatMessage } from './chatApi.js';
import type { StoredDocument, DocBlock } from './docsModel.js';
import { normalizeBlocks } from './docsModel.js';
import { FOLDER, GOOGLE_DOC, GOOGLE_SHEET, makeDriveFile, type DriveFile } from './driveApi.js';
import { chatUserName } from './ids.js';
import { seedCalendar } from './seedCalendar.js';
import { seedGmail } from './seedGmail.js';
import type { SandboxState } from './sandboxState.js';
import {
  APP_SERVICE_ACCOUNT, BILLING_ITEM_HEADER, BILLING_ITEM_TEMPLATE_ROW, PROJECT_FOLDER_NAME_PATTERN,
  SEED_CLIENT_ROWS, SEED_IDS, SEED_INTAKE_ROWS, SEED_LEDGER_ROWS, SEED_SCHEDULE_ROWS, SEED_USERS,
} from './seedData.js';
import { type Cell, type StoredSpreadsheet, newSheet, userEntered } from './sheetsModel.js';

const SEED_TIME = '2026-11-02T00:30:00.000Z';

export function seedSandbox(state: SandboxState): void {
  if (!state.meta('seededAt')) {
    state.transaction(() => {
      seedChat(state);
      seedDrive(state);
      seedGmail(state);
      seedCalendar(state);
      state.setMeta('seededAt', new Date().toISOString());
    });
  }
  seedSharing(state);
}

/**
 * The office's shared drive with the seeded Drive items in it, and the calendar shared with the
 * app. Idempotent (`meta.sharingSeededAt`), so sandboxes seeded before it existed get it too.
 */
function seedSharing(state: SandboxState): void {
  if (state.meta('sharingSeededAt')) return;
  state.transaction(() => {
    const drive: SharedDrive = {
      kind: 'drive#drive', id: SEED_IDS.sharedDrive, name: 'アトリエ襷 事務所 Office',
      members: [
        { email: APP_SERVICE_ACCOUNT, role: 'fileOrganizer' },
        { email: SEED_USERS.sato.email, role: 'organizer' },
        { email: SEED_USERS.emma.email, role: 'writer' },
      ],
      restrictions: { domainUsersOnly: false },
    };
    if (!state.get('drive', 'drive', drive.id)) state.put('drive', 'drive', drive.id, drive);
    const seeded = new Set<string>(Object.entries(SEED_IDS).filter(([k]) => /Folder|Doc|Spreadsheet|Checklist/.test(k)).map(([, v]) => v));
    for (const file of state.list<DriveFile>('drive', 'file')) {
      if (seeded.has(file.id) && !file.driveId) state.put('drive', 'file', file.id, { ...file, driveId: drive.id }, file.parents[0] ?? '');
    }
    const cal = state.get<StoredCalendar>('calendar', 'calendar', SEED_IDS.calendar);
    if (cal && !cal.acl) {
      state.put('calendar', 'calendar', cal.id, { ...cal, acl: [{ email: SEED_IDS.calendar, role: 'owner' }, { email: SEED_USERS.sato.email, role: 'owner' }, { email: APP_SERVICE_ACCOUNT, role: 'writer' }] });
    }
    state.setMeta('sharingSeededAt', new Date().toISOString());
  });
}

function seedChat(state: SandboxState): void {
  const app = { email: APP_SERVICE_ACCOUNT, displayName: 'tasuki', type: 'BOT' as const };
  const sato = { email: SEED_USERS.sato.email, displayName: SEED_USERS.sato.displayName, type: 'HUMAN' as const };
  const emma = { email: SEED_USERS.emma.email, displayName: SEED_USERS.emma.displayName, type: 'HUMAN' as const };
  const spaces: StoredSpace[] = [
    { space: { name: SEED_IDS.chatSpace, type: 'ROOM', spaceType: 'SPACE', displayName: 'デザイン室 / Design team', spaceThreadingState: 'THREADED_MESSAGES', spaceHistoryState: 'HISTORY_ON', createTime: SEED_TIME }, members: [app, sato, emma] },
    { space: { name: SEED_IDS.chatDmSpace, type: 'DM', spaceType: 'DIRECT_MESSAGE', singleUserBotDm: true, spaceThreadingState: 'UNTHREADED_MESSAGES', spaceHistoryState: 'HISTORY_ON', createTime: SEED_TIME }, members: [app, sato] },
    { space: { name: SEED_IDS.chatOtherSpace, type: 'ROOM', spaceType: 'SPACE', displayName: 'Client lounge', spaceThreadingState: 'THREADED_MESSAGES', spaceHistoryState: 'HISTORY_ON', createTime: SEED_TIME }, members: [sato, emma] },
  ];
  for (const s of spaces) state.put('chat', 'space', s.space.name, s);
  const human = (who: typeof sato, id: string, text: string, at: string): ChatMessage => ({
    name: `${SEED_IDS.chatSpace}/messages/${id}`,
    sender: { name: chatUserName(who.email), type: 'HUMAN', displayName: who.displayName },
    createTime: at, text, formattedText: text, argumentText: text,
    thread: { name: `${SEED_IDS.chatSpace}/threads/${id.split('.')[0]}` },
    space: { name: SEED_IDS.chatSpace },
  });
  const messages = [
    human(sato, 'seedWelcome1.seedWelcome1', 'おはようございます。今週の案件はタスキに流していきましょう 🙌', '2026-11-24T00:05:00.000Z'),
    human(emma, 'seedWelcome2.seedWelcome2', 'Morning! I\'ll take the Blue Harbor sleeve. Try /help to see what tasuki can do.', '2026-11-24T00:07:30.000Z'),
  ];
  for (const m of messages) state.put('chat', 'message', m.name, m, SEED_IDS.chatSpace);
}

function doc(id: string, title: string, blocks: DocBlock[]): StoredDocument {
  return { documentId: id, title, revision: 1, blocks: normalizeBlocks(blocks) };
}

/**
 * The estimate and invoice templates. The invoice is a qualified invoice (適格請求書): issuer and
 * registration number, transaction date, items with their rate (※ = reduced rate), amounts and
 * tax per rate, recipient. The estimate carries the same layout without the invoice-only lines.
 */
function billingTemplate(id: string, kind: 'estimate' | 'invoice'): StoredDocument {
  const estimate = kind === 'estimate';
  const invoiceOnly = (block: DocBlock): DocBlock[] => (estimate ? [] : [block]);
  return doc(id, estimate ? '見積書テンプレート Estimate template' : '請求書テンプレート Invoice template', [
    { type: 'paragraph', text: estimate ? '御見積書 Estimate' : '御請求書 Invoice', style: 'TITLE' },
    { type: 'paragraph', text: 'No. {{documentNumber}}' },
    { type: 'paragraph', text: '発行日 Issue date: {{issueDate}}' },
    ...invoiceOnly({ type: 'paragraph', text: '取引年月日 Transaction date: {{transactionDate}}' }),
    { type: 'paragraph', text: '' },
    { type: 'paragraph', text: '{{client}} 御中', style: 'HEADING_2' },
    { type: 'paragraph', text: '件名 Subject: {{title}}' },
    { type: 'paragraph', text: estimate ? '下記の通りお見積り申し上げます。 We are pleased to submit the following estimate.' : '下記の通りご請求申し上げます。 Please find our invoice below.' },
    { type: 'table', rows: [BILLING_ITEM_HEADER, BILLING_ITEM_TEMPLATE_ROW] },
    { type: 'paragraph', text: '{{reducedRateNote}}' },
    { type: 'paragraph', text: '小計（税抜） Subtotal excl. tax: {{subtotal}}' },
    { type: 'paragraph', text: '{{taxBreakdown}}' },
    { type: 'paragraph', text: '消費税 Consumption tax: {{tax}}' },
    { type: 'paragraph', text: '合計（税込） Total incl. tax: {{total}}', style: 'HEADING_2' },
    { type: 'paragraph', text: estimate ? '有効期限 Valid until: {{dueDate}}' : 'お支払期限 Payment due: {{dueDate}}' },
    ...invoiceOnly({ type: 'paragraph', text: '振込先 Bank: 東京みらい銀行 渋谷支店 普通 1234567 アトリエタスキ' }),
    { type: 'paragraph', text: '' },
    { type: 'paragraph', text: '{{issuerName}}  {{issuerAddress}}' },
    ...invoiceOnly({ type: 'paragraph', text: '登録番号 Registration No.: {{registrationNumber}}' }),
  ]);
}

/** Cells typed into a row as a person would (dates and amounts become Sheets values). */
const typed = (values: Array<string | number | undefined>): Cell[] => values.map((v) => userEntered(v === undefined ? null : v));

function spreadsheet(id: string, title: string, sheets: StoredSpreadsheet['sheets']): StoredSpreadsheet {
  return { spreadsheetId: id, properties: { title, locale: 'ja_JP', timeZone: 'Asia/Tokyo', autoRecalc: 'ON_CHANGE' }, sheets };
}

function seedDrive(state: SandboxState): void {
  const owner = SEED_USERS.sato.email;
  const files = [
    makeDriveFile({ id: SEED_IDS.projectsFolder, name: '案件 Projects', mimeType: FOLDER, owner, at: SEED_TIME }),
    makeDriveFile({ id: SEED_IDS.officeFolder, name: '事務 Office', mimeType: FOLDER, owner, at: SEED_TIME }),
    makeDriveFile({ id: SEED_IDS.templateFolder, name: '案件テンプレート Project template', mimeType: FOLDER, owner, at: SEED_TIME, description: `Copied for each new project as "${PROJECT_FOLDER_NAME_PATTERN}"; {{…}} in names and Docs are filled in.` }),
    makeDriveFile({ id: SEED_IDS.templateBriefFolder, name: '01_資料 Brief', mimeType: FOLDER, parents: [SEED_IDS.templateFolder], owner, at: SEED_TIME }),
    makeDriveFile({ id: SEED_IDS.templateDesignFolder, name: '02_デザイン Design', mimeType: FOLDER, parents: [SEED_IDS.templateFolder], owner, at: SEED_TIME }),
    makeDriveFile({ id: SEED_IDS.templateDraftsFolder, name: 'ラフ Drafts', mimeType: FOLDER, parents: [SEED_IDS.templateDesignFolder], owner, at: SEED_TIME }),
    makeDriveFile({ id: SEED_IDS.templateDeliveryFolder, name: '03_納品 Delivery', mimeType: FOLDER, parents: [SEED_IDS.templateFolder], owner, at: SEED_TIME }),
    makeDriveFile({ id: SEED_IDS.templateMemoDoc, name: '{{title}} 制作メモ', mimeType: GOOGLE_DOC, parents: [SEED_IDS.templateFolder], owner, at: SEED_TIME }),
    makeDriveFile({ id: SEED_IDS.templateChecklist, name: '入稿チェックリスト Checklist.txt', mimeType: 'text/plain', parents: [SEED_IDS.templateBriefFolder], owner, at: SEED_TIME }),
    makeDriveFile({ id: SEED_IDS.ledgerSpreadsheet, name: '案件台帳 Ledger', mimeType: GOOGLE_SHEET, parents: [SEED_IDS.officeFolder], owner, at: SEED_TIME }),
    makeDriveFile({ id: SEED_IDS.scheduleSpreadsheet, name: 'スケジュール Schedule', mimeType: GOOGLE_SHEET, parents: [SEED_IDS.officeFolder], owner, at: SEED_TIME }),
    makeDriveFile({ id: SEED_IDS.estimateTemplateDoc, name: '見積書テンプレート Estimate template', mimeType: GOOGLE_DOC, parents: [SEED_IDS.officeFolder], owner, at: SEED_TIME }),
    makeDriveFile({ id: SEED_IDS.invoiceTemplateDoc, name: '請求書テンプレート Invoice template', mimeType: GOOGLE_DOC, parents: [SEED_IDS.officeFolder], owner, at: SEED_TIME }),
  ];
  const checklist = Buffer.from(['入稿前チェックリスト / Pre-press checklist', '- 塗り足し 3mm / 3 mm bleed', '- CMYK / 350dpi', '- フォントのアウトライン化 / Outline fonts', '- 校正の最終承認 / Final proof approved', ''].join('\n'));
  files.find((f) => f.id === SEED_IDS.templateChecklist)!.size = String(checklist.length);
  for (const f of files) state.put('drive', 'file', f.id, f, f.parents[0] ?? '');
  state.putBlob(SEED_IDS.templateChecklist, checklist);

  state.put('docs', 'document', SEED_IDS.templateMemoDoc, doc(SEED_IDS.templateMemoDoc, '{{title}} 制作メモ', [
    { type: 'paragraph', text: '{{title}} 制作メモ', style: 'TITLE' },
    { type: 'paragraph', text: '案件番号 Project: {{number}}' },
    { type: 'paragraph', text: 'クライアント Client: {{client}}' },
    { type: 'paragraph', text: '納期 Due: {{due}}' },
    { type: 'paragraph', text: '依頼内容 Request', style: 'HEADING_1' },
    { type: 'paragraph', text: '{{request}}' },
    { type: 'paragraph', text: 'メモ Notes', style: 'HEADING_1' },
    { type: 'paragraph', text: '' },
  ]));
  state.put('docs', 'document', SEED_IDS.estimateTemplateDoc, billingTemplate(SEED_IDS.estimateTemplateDoc, 'estimate'));
  state.put('docs', 'document', SEED_IDS.invoiceTemplateDoc, billingTemplate(SEED_IDS.invoiceTemplateDoc, 'invoice'));

  const ledgerRows: Cell[][] = [
    typed(LEDGER.headers),
    ...SEED_LEDGER_ROWS.map((r) => typed([r.projectNumber, r.requestedAt, r.client, r.title, r.due, r.amount, r.status, '', r.estimate, r.invoice, r.deliveredAt, r.clientEmail, '', '', ''])),
  ];
  // The numbers the office issued before tasuki, known by number only (no link, no amounts per rate).
  const documentRows: Cell[][] = [
    typed(DOCUMENTS.headers),
    ...SEED_LEDGER_ROWS.flatMap((r) => [
      ...(r.estimate ? [{ number: r.estimate, type: '見積書' }] : []),
      ...(r.invoice ? [{ number: r.invoice, type: '請求書' }] : []),
    ].map((d) => {
      const row: Record<string, string | number> = { documentNumber: d.number, type: d.type, projectNumber: r.projectNumber, recipient: r.client, status: '発行', provider: 'tasuki 以前 Before tasuki' };
      return typed(DOCUMENTS.columns.map((c) => row[c.key]));
    })),
  ];
  const intakeRows: Cell[][] = [
    typed(INTAKE.headers),
    ...SEED_INTAKE_ROWS.map((r) => typed([r.intakeId, r.receivedAt, r.portal, r.client, r.title, r.due, r.amount, r.status, '', '', '', ''])),
  ];
  state.put('sheets', 'spreadsheet', SEED_IDS.ledgerSpreadsheet, spreadsheet(SEED_IDS.ledgerSpreadsheet, '案件台帳 Ledger', [
    newSheet(LEDGER.sheetName, 0, 0, ledgerRows),
    newSheet(INTAKE.sheetName, 1, 1, intakeRows),
    newSheet(SUMMARY.sheetName, 2, 2, [typed(SUMMARY.headers)]),
    newSheet(CLIENTS.sheetName, 3, 3, [typed(CLIENTS.headers), ...SEED_CLIENT_ROWS.map((r) => typed([r.name, r.aliases, r.domains, r.notes]))]),
    newSheet(DOCUMENTS.sheetName, 4, 4, documentRows),
  ]));
  const scheduleRows: Cell[][] = [
    typed(SCHEDULE.headers),
    ...SEED_SCHEDULE_ROWS.map((r) => typed([r.projectNumber, r.title, r.start, r.end, r.assignee, r.notes, '', '', '', ''])),
  ];
  state.put('sheets', 'spreadsheet', SEED_IDS.scheduleSpreadsheet, spreadsheet(SEED_IDS.scheduleSpreadsheet, 'スケジュール Schedule', [
    newSheet(SCHEDULE.sheetName, 0, 0, scheduleRows),
  ]));
}
