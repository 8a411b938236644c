/**
 * The one configuration of the service, read from the environment (optionally merged over a JSON
 * file named by TASUKI_CONFIG_FILE) and validated by zod at start. Local mode (the default) needs
 * nothing; production mode refuses to start until every production variable is present and
 * consistent, naming each missing or malformed variable and the form it expects.
 *
 * Every variable, its default and an example are declared once, in VARIABLES, so the README's
 * configuration reference is generated from this file (scripts/config-reference.ts).
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { retryWindowSeconds } from './queue/queueSettings.js';
import { parseSchedules, withTimeZones, type Schedule } from './schedules/schedule.js';
import { checkRegistrationNumber } from './billing/registrationNumber.js';

export type VariableDoc = {
  /** What it is, for the README reference. */
  doc: string;
  example: string;
  /** Default in local mode ('' = none). */
  localDefault?: string;
  /** Default in production mode; undefined = required in production. */
  productionDefault?: string;
  /** Only meaningful in one mode. */
  only?: 'local' | 'production';
  secret?: boolean;
};

/**
 * Billing (issue 13): the issuer printed on qualified invoices, the tax rule, and which
 * accounting provider issues documents (the built-in Google Docs one, or freee). Kept as one
 * block, spread into VARIABLES / Shape / FIELD_OF below, checked by billingProblems().
 */
const BILLING_VARIABLES = {
  TASUKI_BILLING_PROVIDER: { doc: 'Who issues estimates and invoices: google-docs (a Doc from the templates, exported to PDF) or freee (freee請求書 through its public API; see the operator guide).', example: 'freee', localDefault: 'google-docs', productionDefault: 'google-docs' },
  TASUKI_ISSUER_NAME: { doc: 'Issuer name printed on estimates and qualified invoices (適格請求書発行事業者の氏名又は名称).', example: '株式会社アトリエ襷', localDefault: 'アトリエ襷 Atelier Tasuki', productionDefault: '' },
  TASUKI_ISSUER_ADDRESS: { doc: 'Issuer address and contact line printed under the name.', example: '〒150-0002 東京都渋谷区渋谷2-1-1', localDefault: '〒150-0002 東京都渋谷区渋谷2-1-1  office@example.co.jp', productionDefault: '' },
  TASUKI_ISSUER_REGISTRATION_NUMBER: { doc: 'Qualified-invoice issuer registration number (登録番号): T + 13 digits, checked with the corporate-number check digit. Invoices refuse to issue without it; estimates do not need it.', example: 'T7000012050002', localDefault: 'T9010401234567', productionDefault: '' },
  TASUKI_FREEE_CLIENT_ID: { doc: 'freee app Client ID (freee アプリストア ▸ アプリ管理); required when TASUKI_BILLING_PROVIDER=freee.', example: '1234567890abcdef…', localDefault: '', productionDefault: '' },
  TASUKI_FREEE_CLIENT_SECRET: { doc: 'freee app Client Secret; required with provider freee. Secret: mount it from Secret Manager.', example: '(from Secret Manager)', localDefault: '', productionDefault: '', secret: true },
  TASUKI_FREEE_TOKEN_SECRET_ID: { doc: 'Secret Manager secret (in GOOGLE_CLOUD_PROJECT) that holds the freee OAuth tokens; `npm run freee:connect` writes it and the service adds a version on every refresh. Required in production with provider freee; locally the tokens live in TASUKI_DATA_DIR/freee-token.json.', example: 'tasuki-freee-token', localDefault: '', productionDefault: '' },
  TASUKI_FREEE_API_URL: { doc: 'Base URL of the freee APIs (freee請求書 under /iv, freee会計 under /api/1). Local stacks point it at the freee stand-in.', example: 'https://api.freee.co.jp', localDefault: 'https://api.freee.co.jp', productionDefault: 'https://api.freee.co.jp' },
  TASUKI_FREEE_ACCOUNTS_URL: { doc: 'Base URL of freee\'s OAuth server (/public_api/authorize, /public_api/token).', example: 'https://accounts.secure.freee.co.jp', localDefault: 'https://accounts.secure.freee.co.jp', productionDefault: 'https://accounts.secure.freee.co.jp' },
  TASUKI_FREEE_DOCUMENT_URL: { doc: 'Link to a document in freee請求書\'s web screens, with {kind} (invoices|quotations) and {id} (freee\'s id of the document): the card links it next to the PDF copy, and the Documents sheet links it. freee\'s API reference does not name this address: the default is the one public freee integrations link to; set it empty to link only the PDF copy.', example: 'https://invoice.secure.freee.co.jp/reports/{kind}/{id}', localDefault: '', productionDefault: 'https://invoice.secure.freee.co.jp/reports/{kind}/{id}' },
} satisfies Record<string, VariableDoc>;

export const VARIABLES = {
  TASUKI_MODE: { doc: 'local (emulator, SQLite, Workspace sandbox) or production (Cloud Tasks, Firestore, Google APIs).', example: 'production', localDefault: 'local', productionDefault: 'production' },
  PORT: { doc: 'Port the service listens on (Cloud Run sets it).', example: '8080', localDefault: '8080', productionDefault: '8080' },
  TASUKI_DATA_DIR: { doc: 'Folder for local state: SQLite files, local issuer keys.', example: '.tasuki', localDefault: '.tasuki', only: 'local' },
  TASUKI_SERVICE_URL: { doc: 'Public base URL of the service: Cloud Tasks targets <url>/tasks/run and the OIDC audience is this URL.', example: 'https://tasuki-abc123-an.a.run.app', localDefault: 'http://127.0.0.1:8080' },
  TASUKI_SCRIPT_CLIENT_ID: { doc: "OAuth client ID of the Apps Script project: the audience of the add-on's ID tokens.", example: '1234567890-abc.apps.googleusercontent.com', localDefault: 'tasuki-local-addon.apps.googleusercontent.com' },
  TASUKI_ALLOWED_DOMAINS: { doc: 'Comma-separated Workspace domains whose users may enqueue jobs.', example: 'example.co.jp', localDefault: 'example.co.jp', productionDefault: '' },
  TASUKI_ALLOWED_EMAILS: { doc: 'Comma-separated extra e-mail addresses allowed to enqueue jobs.', example: 'partner@example.com', localDefault: '', productionDefault: '' },
  TASUKI_INVOKER_SA: { doc: 'Service account e-mail Cloud Tasks signs OIDC tokens as; /tasks/run accepts only it.', example: 'tasuki-invoker@my-project.iam.gserviceaccount.com', localDefault: 'tasuki-invoker@tasuki-local.iam.gserviceaccount.com' },
  GOOGLE_CLOUD_PROJECT: { doc: 'Google Cloud project id.', example: 'my-project', localDefault: 'tasuki-local' },
  TASUKI_TASKS_LOCATION: { doc: 'Cloud Tasks location.', example: 'asia-northeast1', localDefault: 'asia-northeast1' },
  TASUKI_TASKS_QUEUE: { doc: 'Cloud Tasks queue id.', example: 'tasuki-jobs', localDefault: 'tasuki-jobs', productionDefault: 'tasuki-jobs' },
  TASUKI_TASKS_EMULATOR: { doc: 'host:port of the local Cloud Tasks emulator (its REST mapping; gRPC on the same port).', example: '127.0.0.1:8123', localDefault: '127.0.0.1:8123', only: 'local' },
  TASUKI_QUEUE_MAX_ATTEMPTS: { doc: "The queue's retryConfig.maxAttempts, so the worker knows the final attempt.", example: '8', localDefault: '5', productionDefault: '8' },
  TASUKI_LEASE_SECONDS: { doc: 'How long a running job is held by one delivery without a sign of life; renewed every third of it while the handler runs, so a crashed holder is replaced within this time. Production refuses a value whose double exceeds the queue retry schedule.', example: '30', localDefault: '30', productionDefault: '30' },
  TASUKI_JOB_MAX_RECOVERIES: { doc: "How many new task generations the reconciler may create for one job whose task ended without the job ending (the job's own attempt budget, beside the queue's per-task attempts); then the job fails as abandoned and is reported.", example: '3', localDefault: '3', productionDefault: '3' },
  TASUKI_DISPATCH_DEADLINE_SECONDS: { doc: 'Task dispatch deadline (15–1800 s); Cloud Run request timeout must be at least this.', example: '600', localDefault: '600', productionDefault: '600' },
  TASUKI_STORE: { doc: 'Job store: sqlite (local) or firestore (production).', example: 'firestore', localDefault: 'sqlite', productionDefault: 'firestore' },
  TASUKI_FIRESTORE_DATABASE: { doc: 'Firestore database id.', example: '(default)', localDefault: '(default)', productionDefault: '(default)' },
  TASUKI_GOOGLE_ROOT_URL: { doc: 'Base URL of the local Workspace sandbox that stands in for Google APIs.', example: 'http://127.0.0.1:8090', localDefault: 'http://127.0.0.1:8090', only: 'local' },
  TASUKI_TIMEZONE: { doc: 'Office time zone for dates and due dates.', example: 'Asia/Tokyo', localDefault: 'Asia/Tokyo', productionDefault: 'Asia/Tokyo' },
  TASUKI_CHAT_SPACE: { doc: 'Team Chat space for announcements (spaces/…); the app must be a member.', example: 'spaces/AAAAxxxx', localDefault: 'spaces/AAAAtasukiTeam' },
  TASUKI_TEAM_SPACES: { doc: 'Comma-separated extra team Chat spaces (spaces/…) any allowed user may send replies to; other spaces only their members (the announcements space is always a team space).', example: 'spaces/AAAAyyyy,spaces/AAAAzzzz', localDefault: '', productionDefault: '' },
  TASUKI_PROJECTS_FOLDER_ID: { doc: 'Drive folder that receives new project folders. In production it must be in a shared drive where the runtime service account is Content manager: a service account owns no files in a My Drive (Google answers 403 storageQuotaExceeded).', example: '1AbC…', localDefault: 'folder-projects' },
  TASUKI_TEMPLATE_FOLDER_ID: { doc: 'Drive folder copied for each new project.', example: '1DeF…', localDefault: 'folder-template' },
  TASUKI_LEDGER_SPREADSHEET_ID: { doc: 'Spreadsheet holding the Ledger, Intake and Summary sheets.', example: '1GhI…', localDefault: 'sheet-ledger' },
  TASUKI_SCHEDULE_SPREADSHEET_ID: { doc: 'Spreadsheet holding the Schedule sheet.', example: '1JkL…', localDefault: 'sheet-schedule' },
  TASUKI_CALENDAR_ID: { doc: 'Calendar that schedule.sync writes.', example: 'c_abc@group.calendar.google.com', localDefault: 'office@example.co.jp' },
  TASUKI_SHEET_LOCALE: { doc: "The language of the values tasuki writes into the office's shared sheets (ja or en): the Ledger and Intake status values it sets, the Schedule's milestone titles and sync column, and its own status column, one language whoever ran the job (cards and Chat answers follow each user's language).", example: 'ja', localDefault: 'ja', productionDefault: 'ja' },
  TASUKI_PROJECT_WORK_PERIOD: { doc: 'true: a new project also puts its work period (request day → due date) on the Schedule and Calendar, beside the due-date milestone it always gets.', example: 'false', localDefault: 'false', productionDefault: 'false' },
  TASUKI_ESTIMATE_TEMPLATE_DOC_ID: { doc: 'Docs template for estimates.', example: '1MnO…', localDefault: 'doc-estimate-template' },
  TASUKI_INVOICE_TEMPLATE_DOC_ID: { doc: 'Docs template for invoices.', example: '1PqR…', localDefault: 'doc-invoice-template' },
  TASUKI_TAX_RATE_PERCENT: { doc: 'Consumption tax rate in percent.', example: '10', localDefault: '10', productionDefault: '10' },
  TASUKI_TAX_ROUNDING: { doc: 'Rounding of consumption tax: floor, round or ceil.', example: 'floor', localDefault: 'floor', productionDefault: 'floor' },
  TASUKI_GMAIL_DELEGATION: { doc: "true to act in requesters' Gmail through domain-wide delegation: estimate drafts, and e-mail attachments the add-on could not upload itself (over 30 MiB, or past its time).", example: 'false', localDefault: 'true', productionDefault: 'false' },
  TASUKI_PORTALS: { doc: 'JSON array of client portals for portal.scrape (id, url, hosts, login, selectors); credentials come from TASUKI_PORTAL_<ID>_USER/_PASSWORD.', example: '[{"id":"acme","url":"https://portal.acme.example/orders", …}]', localDefault: '[]', productionDefault: '[]' },
  TASUKI_PORTAL_ALLOW_LOOPBACK: { doc: 'true lets portal.scrape reach portals on this machine (127.0.0.1, ::1), for the local demo portal that `npm start` runs; private, link-local and metadata addresses stay refused.', example: 'true', localDefault: 'false', only: 'local' },
  TASUKI_SCHEDULES: { doc: 'JSON array of recurring jobs: {id, cron (unix-cron, 5 fields), timeZone? (default TASUKI_TIMEZONE), kind, input?, reply? (default the team space), locale?}. In production each is a Cloud Scheduler job (npm run deploy) calling POST /schedules/<id>/run with the invoker\'s OIDC token; locally the stack runs them.', example: '[{"id":"scrape-acme","cron":"0 8 * * MON-FRI","kind":"portal.scrape","input":{"portal":"acme"}}]', localDefault: '[]', productionDefault: '[]' },
  TASUKI_SCHEDULE_USER: { doc: 'E-mail address scheduled jobs are enqueued as (their requester: whose /jobs list shows them); an allowed user. Required in production when TASUKI_SCHEDULES is not empty.', example: 'office@example.co.jp', localDefault: 'office@example.co.jp', productionDefault: '' },
  TASUKI_SHUTDOWN_GRACE_MS: { doc: 'On SIGTERM, how long in-flight jobs may run before the process exits.', example: '8000', localDefault: '8000', productionDefault: '8000' },
  LOG_LEVEL: { doc: 'pino log level.', example: 'info', localDefault: 'info', productionDefault: 'info' },
  ...BILLING_VARIABLES,
} satisfies Record<string, VariableDoc>;

export type VariableName = keyof typeof VARIABLES;

/**
 * Variables named after configured things rather than fixed names (documented in the README's
 * reference next to VARIABLES). Portal credentials are secrets: mount them from Secret Manager.
 */
export const PATTERN_VARIABLES = {
  'TASUKI_PORTAL_<ID>_USER': { doc: 'Login user for the TASUKI_PORTALS entry <ID> (upper-cased, - as _); required in production for each portal with a login.', example: 'TASUKI_PORTAL_ACME_USER=orders@example.co.jp (from Secret Manager)', localDefault: '', secret: true },
  'TASUKI_PORTAL_<ID>_PASSWORD': { doc: 'Password for that portal login; required in production for each portal with a login.', example: 'TASUKI_PORTAL_ACME_PASSWORD (from Secret Manager)', localDefault: '', secret: true },
} satisfies Record<string, VariableDoc>;

/** TASUKI_PORTAL_<ID>_USER / _PASSWORD for a portal id: upper-cased, '-' as '_'. */
export function portalCredentialVariables(portalId: string): { user: string; password: string } {
  const id = portalId.toUpperCase().replace(/-/g, '_');
  return { user: `TASUKI_PORTAL_${id}_USER`, password: `TASUKI_PORTAL_${id}_PASSWORD` };
}

const csv = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));
const url = z.string().url().transform((s) => s.replace(/\/+$/, ''));
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const bool = z.enum(['true', 'false']).transform((s) => s === 'true');

const PortalConfig = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
    name: z.string().optional(),
    url: z.string().url(),
    /** Hosts the scraper may contact (SSRF guard); defaults to the url's host. */
    allowedHosts: z.array(z.string()).optional(),
    login: z
      .object({
        url: z.string().url(),
        userField: z.string(),
        passwordField: z.string(),
        /** Extra fields (e.g. CSRF defaults) posted with the form. */
        extraFields: z.record(z.string(), z.string()).optional(),
      })
      .optional(),
    selectors: z.object({
      order: z.string(),
      fields: z.record(z.string(), z.string()),
      nextPage: z.string().optional(),
    }),
    /** Field whose value identifies an order (dedupe key). */
    dedupeField: z.string(),
    maxPages: z.number().int().min(1).max(100).default(10),
  })
  .strict();
export type PortalConfig = z.infer<typeof PortalConfig>;

const registrationNumber = z.string().transform((s, ctx) => {
  if (s.trim() === '') return '';
  const checked = checkRegistrationNumber(s);
  if (!checked.ok) {
    ctx.addIssue({ code: 'custom', message: checked.problem });
    return z.NEVER;
  }
  return checked.value;
});

const BILLING_SHAPE = {
  billingProvider: z.enum(['google-docs', 'freee'], 'must be google-docs or freee'),
  issuerName: z.string().trim(),
  issuerAddress: z.string().trim(),
  /** '' = not configured (invoices then refuse to issue and say so). */
  issuerRegistrationNumber: registrationNumber,
  freeeClientId: z.string().trim(),
  freeeClientSecret: z.string().trim(),
  freeeTokenSecret: z.string().regex(/^([A-Za-z0-9_-]{1,255})?$/, 'must be a Secret Manager secret id (letters, digits, - and _)'),
  freeeApiUrl: url,
  freeeAccountsUrl: url,
  freeeDocumentUrl: z.string().refine((s) => s === '' || (/^https?:\/\//.test(s) && s.includes('{id}')), 'must be empty or an http(s) URL containing {id}'),
};

const Shape = z.object({
  mode: z.enum(['local', 'production']),
  port: int(1, 65535),
  dataDir: z.string().min(1),
  serviceUrl: url,
  scriptClientId: z.string().min(1),
  allowedDomains: csv,
  allowedEmails: csv,
  invokerServiceAccount: z.string().email(),
  project: z.string().regex(/^[a-z][a-z0-9-]{4,29}$/, 'must be a Google Cloud project id like my-project'),
  tasksLocation: z.string().regex(/^[a-z]+-[a-z]+\d$/, 'must be a region like asia-northeast1'),
  tasksQueue: z.string().regex(/^[A-Za-z0-9-]{1,100}$/),
  tasksEmulator: z.string().regex(/^[^:]+:\d+$/, 'must be host:port').optional(),
  queueMaxAttempts: int(-1, 1000),
  dispatchDeadlineSeconds: int(15, 1800),
  leaseSeconds: int(2, 600),
  jobMaxRecoveries: int(0, 100),
  store: z.enum(['sqlite', 'firestore']),
  firestoreDatabase: z.string().min(1),
  googleRootUrl: url.optional(),
  timezone: z.string().min(1),
  chatSpace: z.string().regex(/^spaces\/[A-Za-z0-9_-]+$/, 'must look like spaces/AAAA…'),
  teamSpaces: csv.pipe(z.array(z.string().regex(/^spaces\/[A-Za-z0-9_-]+$/, 'each must look like spaces/AAAA…'))),
  projectsFolderId: z.string().min(1),
  templateFolderId: z.string().min(1),
  ledgerSpreadsheetId: z.string().min(1),
  scheduleSpreadsheetId: z.string().min(1),
  calendarId: z.string().min(1),
  projectWorkPeriod: bool,
  sheetLocale: z.enum(['ja', 'en']),
  estimateTemplateDocId: z.string().min(1),
  invoiceTemplateDocId: z.string().min(1),
  /** The rate of a line that names none: 10 (standard) or 8 (reduced). */
  taxRatePercent: z.coerce.number().refine((n) => n === 10 || n === 8, 'must be 10 or 8 (the standard and the reduced rate)').transform((n) => n as 10 | 8),
  taxRounding: z.enum(['floor', 'round', 'ceil']),
  gmailDelegation: bool,
  portals: z.string().transform((s, ctx) => {
    try {
      return z.array(PortalConfig).parse(JSON.parse(s));
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `must be a JSON array of portals: ${err instanceof Error ? err.message : String(err)}` });
      return z.NEVER;
    }
  }),
  schedules: z.string().transform((s, ctx) => {
    const { schedules, problems } = parseSchedules(s);
    for (const message of problems) ctx.addIssue({ code: 'custom', message });
    return problems.length ? z.NEVER : schedules;
  }),
  scheduleUser: z.union([z.literal(''), z.string().email()]),
  /** Local mode only (false in production): the SSRF guard lets portals on loopback through. */
  portalAllowLoopback: bool,
  shutdownGraceMs: int(0, 3_600_000),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  ...BILLING_SHAPE,
});
/** The valid configuration; each schedule's time zone is resolved (the office's by default). */
export type Config = Omit<z.infer<typeof Shape>, 'schedules'> & { schedules: Schedule[] };

const BILLING_FIELD_OF = {
  TASUKI_BILLING_PROVIDER: 'billingProvider', TASUKI_ISSUER_NAME: 'issuerName', TASUKI_ISSUER_ADDRESS: 'issuerAddress',
  TASUKI_ISSUER_REGISTRATION_NUMBER: 'issuerRegistrationNumber', TASUKI_FREEE_CLIENT_ID: 'freeeClientId',
  TASUKI_FREEE_CLIENT_SECRET: 'freeeClientSecret', TASUKI_FREEE_TOKEN_SECRET_ID: 'freeeTokenSecret',
  TASUKI_FREEE_API_URL: 'freeeApiUrl', TASUKI_FREEE_ACCOUNTS_URL: 'freeeAccountsUrl', TASUKI_FREEE_DOCUMENT_URL: 'freeeDocumentUrl',
} satisfies Record<keyof typeof BILLING_VARIABLES, keyof Config>;

const FIELD_OF: Record<VariableName, keyof Config> = {
  TASUKI_MODE: 'mode', PORT: 'port', TASUKI_DATA_DIR: 'dataDir', TASUKI_SERVICE_URL: 'serviceUrl',
  TASUKI_SCRIPT_CLIENT_ID: 'scriptClientId', TASUKI_ALLOWED_DOMAINS: 'allowedDomains',
  TASUKI_ALLOWED_EMAILS: 'allowedEmails', TASUKI_INVOKER_SA: 'invokerServiceAccount',
  GOOGLE_CLOUD_PROJECT: 'project', TASUKI_TASKS_LOCATION: 'tasksLocation', TASUKI_TASKS_QUEUE: 'tasksQueue',
  TASUKI_TASKS_EMULATOR: 'tasksEmulator', TASUKI_QUEUE_MAX_ATTEMPTS: 'queueMaxAttempts',
  TASUKI_DISPATCH_DEADLINE_SECONDS: 'dispatchDeadlineSeconds', TASUKI_LEASE_SECONDS: 'leaseSeconds',
  TASUKI_JOB_MAX_RECOVERIES: 'jobMaxRecoveries', TASUKI_STORE: 'store',
  TASUKI_FIRESTORE_DATABASE: 'firestoreDatabase', TASUKI_GOOGLE_ROOT_URL: 'googleRootUrl',
  TASUKI_TIMEZONE: 'timezone', TASUKI_CHAT_SPACE: 'chatSpace', TASUKI_TEAM_SPACES: 'teamSpaces', TASUKI_PROJECTS_FOLDER_ID: 'projectsFolderId',
  TASUKI_TEMPLATE_FOLDER_ID: 'templateFolderId', TASUKI_LEDGER_SPREADSHEET_ID: 'ledgerSpreadsheetId',
  TASUKI_SCHEDULE_SPREADSHEET_ID: 'scheduleSpreadsheetId', TASUKI_CALENDAR_ID: 'calendarId', TASUKI_PROJECT_WORK_PERIOD: 'projectWorkPeriod', TASUKI_SHEET_LOCALE: 'sheetLocale',
  TASUKI_ESTIMATE_TEMPLATE_DOC_ID: 'estimateTemplateDocId', TASUKI_INVOICE_TEMPLATE_DOC_ID: 'invoiceTemplateDocId',
  TASUKI_TAX_RATE_PERCENT: 'taxRatePercent', TASUKI_TAX_ROUNDING: 'taxRounding',
  TASUKI_GMAIL_DELEGATION: 'gmailDelegation', TASUKI_PORTALS: 'portals', TASUKI_PORTAL_ALLOW_LOOPBACK: 'portalAllowLoopback',
  TASUKI_SCHEDULES: 'schedules', TASUKI_SCHEDULE_USER: 'scheduleUser',
  TASUKI_SHUTDOWN_GRACE_MS: 'shutdownGraceMs', LOG_LEVEL: 'logLevel',
  ...BILLING_FIELD_OF,
};

/** The variable that sets each Config field (FIELD_OF turned around). */
export const VARIABLE_OF = Object.fromEntries(Object.entries(FIELD_OF).map(([name, field]) => [field, name])) as Record<keyof Config, VariableName>;

/** The valid Config's schema, for tools that check parts of it ahead of time (the deploy script). */
export { Shape as ConfigShape };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`tasuki: invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Reads and validates the configuration; throws ConfigError naming every bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const fileVars = env.TASUKI_CONFIG_FILE ? readConfigFile(env.TASUKI_CONFIG_FILE) : {};
  const merged: Env = { ...fileVars, ...env };
  const modeRaw = merged.TASUKI_MODE ?? 'local';
  if (modeRaw !== 'local' && modeRaw !== 'production') {
    throw new ConfigError([`TASUKI_MODE is "${modeRaw}"; expected local or production`]);
  }
  const mode = modeRaw;
  const problems: string[] = [];
  const raw: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(VARIABLES) as [VariableName, VariableDoc][]) {
    const field = FIELD_OF[name];
    if (spec.only && spec.only !== mode) {
      // Production can never be pointed at local stand-ins (emulator, sandbox, local issuer).
      if (merged[name] !== undefined && mode === 'production') {
        problems.push(`${name} is set, but it is only allowed in local mode; remove it in production`);
      }
      continue;
    }
    const fallback = mode === 'local' ? spec.localDefault : spec.productionDefault;
    const value = merged[name] ?? fallback;
    if (value === undefined) {
      problems.push(`${name} is missing; it is required in production (${spec.doc} Example: ${spec.example})`);
      continue;
    }
    raw[field] = value;
  }
  const parsed = Shape.partial().safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0]);
      const name = VARIABLE_OF[field as keyof Config] ?? field;
      const spec = VARIABLES[name as VariableName];
      problems.push(`${name} is invalid: ${issue.message}${spec ? ` (example: ${spec.example})` : ''}`);
    }
  }
  if (problems.length) throw new ConfigError(problems);
  const data = parsed.data!;
  const config = { ...data, schedules: withTimeZones(data.schedules ?? [], data.timezone ?? 'Asia/Tokyo') } as Config;
  // Local-only switches are skipped above in production; they read as off there, never as unset.
  config.portalAllowLoopback = mode === 'local' && config.portalAllowLoopback === true;
  problems.push(...scheduleProblems(config));
  if (mode === 'production') {
    if (config.store !== 'firestore') problems.push('TASUKI_STORE must be firestore in production (SQLite does not survive Cloud Run instances)');
    if (!config.serviceUrl.startsWith('https://')) problems.push('TASUKI_SERVICE_URL must be an https:// URL in production');
    if (config.allowedDomains.length === 0 && config.allowedEmails.length === 0) {
      problems.push('TASUKI_ALLOWED_DOMAINS or TASUKI_ALLOWED_EMAILS must name who may use tasuki in production');
    }
    if (config.scriptClientId.startsWith('tasuki-local')) problems.push('TASUKI_SCRIPT_CLIENT_ID is the local placeholder; set the Apps Script OAuth client ID');
    const timing = leaseTimingProblem(config);
    if (timing) problems.push(timing);
    for (const portal of config.portals) {
      if (!portal.login) continue;
      for (const name of Object.values(portalCredentialVariables(portal.id))) {
        if (!merged[name]) problems.push(`${name} is missing; portal "${portal.id}" has a login, so its credentials must be set (mount them from Secret Manager)`);
      }
    }
  }
  problems.push(...billingProblems(config));
  if (problems.length) throw new ConfigError(problems);
  return config;
}

/**
 * The lease must expire well inside the queue's retry schedule: after a crash, deliveries of
 * another chain wait for the dead holder's lease (409), and each of those waits spends one of the
 * task's attempts. Two leases fit in the schedule, so at least one delivery after the expiry still
 * comes. Checked in production only: locally the emulator may run on a scaled clock, and the
 * reconciler ends whatever the schedule does not.
 */
export function leaseTimingProblem(config: Pick<Config, 'leaseSeconds' | 'queueMaxAttempts' | 'dispatchDeadlineSeconds'>): string | undefined {
  if (config.leaseSeconds > config.dispatchDeadlineSeconds) {
    return `TASUKI_LEASE_SECONDS (${config.leaseSeconds}) must not exceed TASUKI_DISPATCH_DEADLINE_SECONDS (${config.dispatchDeadlineSeconds})`;
  }
  if (config.queueMaxAttempts === -1) return undefined;
  const window = retryWindowSeconds(config.queueMaxAttempts);
  if (2 * config.leaseSeconds <= window) return undefined;
  let attempts = config.queueMaxAttempts;
  while (retryWindowSeconds(attempts) < 2 * config.leaseSeconds && attempts < 1000) attempts++;
  return `TASUKI_LEASE_SECONDS=${config.leaseSeconds} does not fit TASUKI_QUEUE_MAX_ATTEMPTS=${config.queueMaxAttempts}: the queue retries a task for ${window} s, less than two leases (${2 * config.leaseSeconds} s), so after a crash the remaining deliveries could all find the dead holder's lease. Set TASUKI_QUEUE_MAX_ATTEMPTS to at least ${attempts} or lower TASUKI_LEASE_SECONDS.`;
}

/** Schedules that name a portal TASUKI_PORTALS lacks, or that no allowed user would own. */
function scheduleProblems(config: Config): string[] {
  const problems: string[] = [];
  const portals = new Set(config.portals.map((p) => p.id));
  for (const s of config.schedules) {
    const portal = s.kind === 'portal.scrape' ? (s.input as { portal?: string }).portal : undefined;
    if (portal && !portals.has(portal)) problems.push(`TASUKI_SCHEDULES is invalid: schedule "${s.id}" scrapes portal "${portal}", which TASUKI_PORTALS does not list`);
  }
  if (config.schedules.length && config.mode === 'production') {
    const user = config.scheduleUser.toLowerCase();
    if (!user) problems.push('TASUKI_SCHEDULE_USER is missing; TASUKI_SCHEDULES has schedules, and their jobs need a requester (an allowed e-mail address, e.g. office@your-domain)');
    else if (!config.allowedEmails.map((e) => e.toLowerCase()).includes(user) && !config.allowedDomains.map((d) => d.toLowerCase()).includes(user.slice(user.lastIndexOf('@') + 1))) {
      problems.push(`TASUKI_SCHEDULE_USER ${config.scheduleUser} is not an allowed user (TASUKI_ALLOWED_DOMAINS / TASUKI_ALLOWED_EMAILS)`);
    }
  }
  return problems;
}

/** What the billing block needs beyond each variable's own form: freee's credentials when chosen. */
function billingProblems(config: Config): string[] {
  const problems: string[] = [];
  if (config.billingProvider === 'freee') {
    if (!config.freeeClientId) problems.push('TASUKI_FREEE_CLIENT_ID is missing; TASUKI_BILLING_PROVIDER=freee needs the freee app\'s Client ID');
    if (!config.freeeClientSecret) problems.push('TASUKI_FREEE_CLIENT_SECRET is missing; TASUKI_BILLING_PROVIDER=freee needs the freee app\'s Client Secret (mount it from Secret Manager)');
    if (config.mode === 'production' && !config.freeeTokenSecret) {
      problems.push('TASUKI_FREEE_TOKEN_SECRET_ID is missing; in production the freee tokens live in Secret Manager (example: tasuki-freee-token; run npm run freee:connect once)');
    }
  }
  if (config.mode === 'production') {
    for (const [name, value] of [['TASUKI_FREEE_API_URL', config.freeeApiUrl], ['TASUKI_FREEE_ACCOUNTS_URL', config.freeeAccountsUrl]] as const) {
      if (!value.startsWith('https://')) problems.push(`${name} must be an https:// URL in production (the local freee stand-in is for local mode only)`);
    }
  }
  return problems;
}

function readConfigFile(path: string): Env {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError([`TASUKI_CONFIG_FILE ${path} could not be read as JSON: ${err instanceof Error ? err.message : String(err)}`]);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError([`TASUKI_CONFIG_FILE ${path} must hold a JSON object of VARIABLE: "value"`]);
  }
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

/** Full Cloud Tasks queue name for this configuration. */
export function queuePath(config: Config): string {
  return `projects/${config.project}/locations/${config.tasksLocation}/queues/${config.tasksQueue}`;
}
