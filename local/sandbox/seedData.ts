/**
 * The sandbox's sample office, seeded on first start: アトリエ襷 (Atelier Tasuki), a small design
 * office in Tokyo (domain example.co.jp) that takes requests from client companies by e-mail.
 * The resource ids equal the local defaults in service/config.ts, so `npm start` works with no
 * configuration; tests import these constants instead of repeating literals.
 */
import { LOCAL_RUNTIME_SA } from '../issuer.js';

export const DOMAIN = 'example.co.jp';
export const OFFICE_NAME = { ja: 'アトリエ襷', en: 'Atelier Tasuki' };

export const SEED_USERS = {
  sato: { email: 'sato@example.co.jp', displayName: '佐藤 美咲', locale: 'ja' as const },
  emma: { email: 'emma@example.co.jp', displayName: 'Emma Clarke', locale: 'en' as const },
};
/** Every user of the sandbox's domain (domain-wide delegation can act as these). */
export const SANDBOX_USERS = [SEED_USERS.sato, SEED_USERS.emma, { email: 'office@example.co.jp', displayName: 'アトリエ襷 事務 / Office', locale: 'ja' as const }];

/** The Chat app is the local runtime service account. */
export const APP_SERVICE_ACCOUNT = LOCAL_RUNTIME_SA;

export const SEED_IDS = {
  /** The office's shared drive: every Drive folder and file tasuki works on lives in it. */
  sharedDrive: 'drive-office',
  chatSpace: 'spaces/AAAAtasukiTeam',
  chatDmSpace: 'spaces/AAAAtasukiDmSato',
  /** A space the app is NOT a member of (403 tests, console). */
  chatOtherSpace: 'spaces/AAAAclientLounge',
  projectsFolder: 'folder-projects',
  templateFolder: 'folder-template',
  officeFolder: 'folder-office',
  templateBriefFolder: 'folder-template-brief',
  templateDesignFolder: 'folder-template-design',
  templateDraftsFolder: 'folder-template-drafts',
  templateDeliveryFolder: 'folder-template-delivery',
  templateMemoDoc: 'doc-template-memo',
  templateChecklist: 'file-template-checklist',
  ledgerSpreadsheet: 'sheet-ledger',
  scheduleSpreadsheet: 'sheet-schedule',
  estimateTemplateDoc: 'doc-estimate-template',
  invoiceTemplateDoc: 'doc-invoice-template',
  calendar: 'office@example.co.jp',
} as const;

/** How a new project folder is named from the template (the job fills the placeholders). */
export const PROJECT_FOLDER_NAME_PATTERN = '{{number}} {{client}} {{title}}';

/** Past projects in the ledger (Ledger sheet rows after the header), oldest first. */
export const SEED_LEDGER_ROWS: Array<{
  projectNumber: string; requestedAt: string; client: string; title: string; due: string; amount: number;
  status: string; deliveredAt?: string; clientEmail: string; estimate?: string; invoice?: string;
}> = [
  { projectNumber: 'P-2026-001', requestedAt: '2026-06-03', client: '株式会社アクメ', title: '夏季キャンペーン ポスター', due: '2026-06-20', amount: 180000, status: '納品済', deliveredAt: '2026-06-18', clientEmail: 'tanaka@acme.example', estimate: 'E-2026-001', invoice: 'I-2026-001' },
  { projectNumber: 'P-2026-002', requestedAt: '2026-06-15', client: 'Blue Harbor Coffee', title: 'Menu board redesign', due: '2026-07-10', amount: 240000, status: '納品済', deliveredAt: '2026-07-08', clientEmail: 'olivia@blueharbor.example', estimate: 'E-2026-002', invoice: 'I-2026-002' },
  { projectNumber: 'P-2026-003', requestedAt: '2026-07-01', client: '山田製菓株式会社', title: '秋の新商品 パッケージ', due: '2026-08-05', amount: 450000, status: '納品済', deliveredAt: '2026-08-04', clientEmail: 'yamada@yamada-seika.example', estimate: 'E-2026-003', invoice: 'I-2026-003' },
  { projectNumber: 'P-2026-004', requestedAt: '2026-07-22', client: '株式会社アクメ', title: '会社案内パンフレット', due: '2026-08-30', amount: 320000, status: '納品済', deliveredAt: '2026-09-02', clientEmail: 'tanaka@acme.example', estimate: 'E-2026-004', invoice: 'I-2026-004' },
  { projectNumber: 'P-2026-005', requestedAt: '2026-08-10', client: '北斗書店', title: 'ブックフェア 看板', due: '2026-09-01', amount: 150000, status: '納品済', deliveredAt: '2026-08-29', clientEmail: 'info@hokuto-books.example', estimate: 'E-2026-005', invoice: 'I-2026-005' },
  { projectNumber: 'P-2026-006', requestedAt: '2026-08-25', client: 'Blue Harbor Coffee', title: 'Loyalty card & stickers', due: '2026-09-15', amount: 90000, status: '納品済', deliveredAt: '2026-09-12', clientEmail: 'olivia@blueharbor.example', estimate: 'E-2026-006', invoice: 'I-2026-006' },
  { projectNumber: 'P-2026-007', requestedAt: '2026-09-08', client: 'みどり不動産', title: '物件チラシ 10月号', due: '2026-09-25', amount: 120000, status: '納品済', deliveredAt: '2026-09-24', clientEmail: 'kimura@midori-fudosan.example', estimate: 'E-2026-007', invoice: 'I-2026-007' },
  { projectNumber: 'P-2026-008', requestedAt: '2026-09-20', client: '株式会社アクメ', title: '展示会ブース グラフィック', due: '2026-10-20', amount: 680000, status: '納品済', deliveredAt: '2026-10-19', clientEmail: 'tanaka@acme.example', estimate: 'E-2026-008', invoice: 'I-2026-008' },
  { projectNumber: 'P-2026-009', requestedAt: '2026-10-05', client: '山田製菓株式会社', title: '歳暮ギフト 掛け紙', due: '2026-10-31', amount: 210000, status: '納品済', deliveredAt: '2026-11-02', clientEmail: 'yamada@yamada-seika.example', estimate: 'E-2026-009', invoice: 'I-2026-009' },
  { projectNumber: 'P-2026-010', requestedAt: '2026-10-21', client: 'みどり不動産', title: '物件チラシ 12月号', due: '2026-11-25', amount: 120000, status: '納品済', deliveredAt: '2026-11-24', clientEmail: 'kimura@midori-fudosan.example', estimate: 'E-2026-010' },
  { projectNumber: 'P-2026-011', requestedAt: '2026-11-04', client: 'Blue Harbor Coffee', title: 'Holiday cup sleeve', due: '2026-12-05', amount: 160000, status: '進行中', clientEmail: 'olivia@blueharbor.example', estimate: 'E-2026-011' },
  { projectNumber: 'P-2026-012', requestedAt: '2026-11-16', client: '北斗書店', title: '年末年始 営業案内ポスター', due: '2026-12-18', amount: 95000, status: '進行中', clientEmail: 'info@hokuto-books.example' },
];

/** The Clients sheet: the office names a client once, with its other spellings and mail domains. */
export const SEED_CLIENT_ROWS: Array<{ name: string; aliases: string; domains: string; notes: string }> = [
  { name: 'Blue Harbor Coffee', aliases: 'Blue Harbor, BHC', domains: 'blueharbor.example', notes: 'English-speaking client (Emma)' },
  { name: '山田製菓株式会社', aliases: '山田製菓, Yamada Seika', domains: 'yamada-seika.example', notes: '' },
];

/** Schedule rows (Schedule sheet after the header). One has a date Sheets cannot read. */
export const SEED_SCHEDULE_ROWS: Array<{ projectNumber: string; title: string; start: string; end: string; assignee: string; notes: string }> = [
  { projectNumber: 'P-2026-011', title: 'Holiday cup sleeve — final artwork', start: '2026-11-30', end: '2026-12-05', assignee: 'emma@example.co.jp', notes: 'Print proof on 12/3' },
  { projectNumber: 'P-2026-012', title: '年末年始 営業案内ポスター ラフ提出', start: '2026-12-01', end: '2026-12-04', assignee: 'sato@example.co.jp', notes: 'ラフ2案' },
  { projectNumber: 'P-2026-012', title: '年末年始 営業案内ポスター 入稿', start: '2026-12-14', end: '2026-12-18', assignee: 'sato@example.co.jp', notes: '' },
  { projectNumber: 'P-2026-010', title: '物件チラシ 12月号 請求', start: '12月末', end: '', assignee: 'sato@example.co.jp', notes: '日付が未定 (date not fixed yet)' },
];

export const SEED_INTAKE_ROWS: Array<{ intakeId: string; receivedAt: string; portal: string; client: string; title: string; due: string; amount: number; status: string }> = [
  { intakeId: 'acme-ORD-20261120-07', receivedAt: '2026-11-20', portal: 'acme', client: '株式会社アクメ', title: '新年度 採用パンフレット', due: '2027-01-31', amount: 400000, status: '未処理' },
];

/** Lines of the billing templates; the items table has a header row and one template row. */
export const BILLING_ITEM_HEADER = ['品目 Description', '数量 Qty', '単価 Unit price', '税率 Rate', '金額 Amount'];
export const BILLING_ITEM_TEMPLATE_ROW = ['{{item.description}}', '{{item.quantity}}', '{{item.unitPrice}}', '{{item.taxRate}}', '{{item.amount}}'];
