/**
 * What a person sees of a job, decided once for every surface (the Chat card, the add-on's
 * CardService cards, the Sheets status cell, /jobs, the console): its display state, a short
 * reference, what failed and what to do about it, whether Retry can help, its result as labelled
 * and formatted values, and its link buttons. Words come from shared/messages.ts.
 *
 * Honest status: "retrying" only while the queue will try again (a queued job that carries the
 * last try's error); a failed job never says it will retry; Retry is offered for canceled jobs,
 * for failures whose remedy is a retry (a passing problem, or one the user fixes in Workspace
 * first), never for configuration problems or input that must change.
 *
 * Pure functions over a job's public fields (JobRecord and JobView both fit); no run-time imports
 * beyond shared/, so the Apps Script bundle and the console page can use it.
 */
import type { JobError, JobProgress } from '../job.js';
import type { Locale, Localized } from '../locale.js';
import {
  AGE_TEXTS,
  BILLING_KIND_LABELS,
  FAILURE_TEXTS,
  JOB_TEXTS,
  KIND_LABELS,
  LINK_TEXTS,
  RESULT_TEXTS,
  STATE_LABELS,
  STATE_SYMBOLS,
  phrase,
  type DisplayState,
  type Remedy,
} from '../messages.js';
import { formatDate, formatMonth, formatNumber, formatYen } from '../text/format.js';

/** The fields of a job the display reads. */
export type DisplayJob = {
  id: string;
  kind: string;
  /** A JobStatus, or a state a newer service reports (e.g. `canceling`). */
  status: string;
  locale: Locale;
  input?: unknown;
  progress?: JobProgress;
  result?: unknown;
  error?: JobError;
  cancelRequested: boolean;
  attempts?: number;
  generation?: number;
  createdAt?: string;
};

/** What the renderer knows beyond the job: the queue's attempt limit, the office's time zone. */
export type DisplayContext = { maxAttempts?: number; timeZone?: string; now?: Date };

type Obj = Record<string, unknown>;

function obj(value: unknown): Obj {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : {};
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** `j-90a8f5c1…` → `90a8f5c1`: the first 8 characters people type and read. */
export function shortRef(id: string): string {
  return id.replace(/^j-/, '').slice(0, 8);
}

export function displayState(job: Pick<DisplayJob, 'status' | 'error' | 'cancelRequested'>): DisplayState {
  switch (job.status) {
    case 'queued':
      return job.error ? 'retrying' : 'queued';
    case 'running':
      return job.cancelRequested ? 'canceling' : 'running';
    case 'canceling':
    case 'succeeded':
    case 'failed':
    case 'canceled':
      return job.status;
    default:
      return 'queued';
  }
}

export function stateLabel(job: Pick<DisplayJob, 'status' | 'error' | 'cancelRequested'>, locale: Locale): string {
  return STATE_LABELS[displayState(job)][locale];
}

/** `✅ 完了` */
export function stateLine(job: Pick<DisplayJob, 'status' | 'error' | 'cancelRequested'>, locale: Locale): string {
  const state = displayState(job);
  return `${STATE_SYMBOLS[state]} ${STATE_LABELS[state][locale]}`;
}

/** The kind's name; estimates and invoices by their type. */
export function jobTitle(job: Pick<DisplayJob, 'kind' | 'input'>, locale: Locale): string {
  const type = obj(job.input).type;
  if (job.kind === 'billing.document' && (type === 'estimate' || type === 'invoice')) return BILLING_KIND_LABELS[type][locale];
  const label = (KIND_LABELS as Record<string, Localized | undefined>)[job.kind];
  return label ? label[locale] : job.kind;
}

/** What the job is about, for lists: project number, client, portal or search words. */
export function jobSubject(job: Pick<DisplayJob, 'input' | 'result'>): string {
  const input = obj(job.input);
  const result = obj(job.result);
  const project = str(input.projectNumber) ?? str(result.projectNumber);
  const client = str(obj(input.client).name) ?? str(input.client);
  const other = str(input.portal) ?? str(input.words) ?? str(input.title);
  return [project, client, project || client ? undefined : other].filter(Boolean).join(' · ');
}

/** Project number a job concerns (its input or result), for `/status P-2026-013`. */
export function jobProjectNumber(job: Pick<DisplayJob, 'input' | 'result'>): string | undefined {
  return str(obj(job.input).projectNumber) ?? str(obj(job.result).projectNumber);
}

/** "3分前" / "3 min ago" */
export function ageText(iso: string | undefined, locale: Locale, now: Date = new Date()): string {
  const at = iso ? Date.parse(iso) : NaN;
  if (Number.isNaN(at)) return '';
  const minutes = Math.floor(Math.max(0, now.getTime() - at) / 60_000);
  if (minutes < 1) return AGE_TEXTS.now[locale];
  if (minutes < 60) return phrase(locale, AGE_TEXTS.minutes, { n: minutes });
  if (minutes < 48 * 60) return phrase(locale, AGE_TEXTS.hours, { n: Math.floor(minutes / 60) });
  return phrase(locale, AGE_TEXTS.days, { n: Math.floor(minutes / 1440) });
}

/** `▓▓▓▓░░░░░░ 2/5` */
export function progressBar(progress: Pick<JobProgress, 'done' | 'total'>): string {
  const width = 10;
  const ratio = progress.total > 0 ? Math.min(1, progress.done / progress.total) : 0;
  const filled = Math.round(ratio * width);
  return `${'▓'.repeat(filled)}${'░'.repeat(width - filled)} ${progress.done}/${progress.total}`;
}

/**
 * The progress label in `locale`. The handler wrote it in the job's language; a viewer in the
 * other language gets none (the console names the last finished step instead, with
 * shared/messages.ts stepLabel, which the add-on bundle leaves out).
 */
export function progressLabel(job: Pick<DisplayJob, 'progress' | 'locale'>, locale: Locale): string {
  return job.progress && job.locale === locale ? job.progress.label : '';
}

function failureEntry(error: JobError | undefined) {
  return error ? FAILURE_TEXTS[error.code] : undefined;
}

/**
 * A code the catalogue does not know: retryable → a passing problem; otherwise the handler's own
 * text says what to do ('told'), or, with no text of its own, it is for the administrator.
 */
function remedyOf(error: JobError, job?: DisplayJob): Remedy | 'told' {
  const known = failureEntry(error)?.remedy;
  if (known) return known;
  if (error.retryable) return 'retry';
  return error.userMessage || (job && isUserWording(error.message, job.locale)) ? 'told' : 'admin';
}

/** True when Retry (button or /retry) can change the outcome. */
export function retryOffered(job: Pick<DisplayJob, 'status' | 'error'>): boolean {
  if (job.status === 'canceled') return true;
  if (job.status !== 'failed' || !job.error) return false;
  const remedy = remedyOf(job.error);
  return remedy === 'retry' || remedy === 'fixThenRetry';
}

/** Values a failure text may name, taken from the job's input. */
function failureParams(job: DisplayJob): Record<string, string> {
  const input = obj(job.input);
  return { portal: str(input.portal) ?? '', projectNumber: str(input.projectNumber) ?? '' };
}

/** The failure's text in the user's language; never a stack, an error class or a setting name. */
export function failureText(job: DisplayJob, locale: Locale): string {
  const error = job.error;
  if (!error) return '';
  const entry = failureEntry(error);
  if (entry?.text) return phrase(locale, entry.text, failureParams(job));
  const own = error.userMessage?.[locale];
  if (own) return own;
  // Records written before userMessage existed: `message` is the handler's text in the job's language.
  if (job.locale === locale && error.userMessage === undefined && isUserWording(error.message, locale)) return error.message;
  if (entry?.fallback) return phrase(locale, entry.fallback, failureParams(job));
  return JOB_TEXTS.failedGeneric[locale];
}

/** A message worth showing as is: in the expected script, and no internal tokens in it. */
function isUserWording(text: string, locale: Locale): boolean {
  if (!text || /TASUKI_|[A-Za-z]+Error\b|\bat \S+:\d+/.test(text)) return false;
  return locale === 'ja' ? /[\u3040-\u30ff\u4e00-\u9fff]/.test(text) : !/[\u3040-\u30ff\u4e00-\u9fff]/.test(text);
}

/** What the user can do now, for the job's state; '' when nothing needs saying. */
export function adviceText(job: DisplayJob, locale: Locale, context: DisplayContext = {}): string {
  const state = displayState(job);
  if (state === 'retrying') {
    const attempt = Math.max(1, job.attempts ?? 1);
    const max = context.maxAttempts;
    // `attempts` counts deliveries over all generations; "of max" is only true for the first.
    return max && (job.generation ?? 1) === 1 && attempt < max
      ? phrase(locale, JOB_TEXTS.retryingAttempt, { attempt, max })
      : phrase(locale, JOB_TEXTS.retryingNoMax, { attempt });
  }
  if (state === 'canceling') return JOB_TEXTS.cancelRequested[locale];
  if (state === 'canceled') return JOB_TEXTS.canceledNote[locale];
  if (state !== 'failed' || !job.error) return '';
  switch (remedyOf(job.error, job)) {
    case 'told':
      return '';
    case 'retry':
      return phrase(locale, JOB_TEXTS.finalTransient, { attempts: Math.max(1, job.attempts ?? 1) });
    case 'fixThenRetry':
      return JOB_TEXTS.pressRetry[locale];
    case 'resend':
      return failureEntry(job.error)?.text ? '' : JOB_TEXTS.sendAgain[locale];
    case 'admin':
      return phrase(locale, JOB_TEXTS.askAdmin, { ref: shortRef(job.id) });
  }
}

export type ResultField = { label: string; value: string };

function count(n: unknown): number {
  return num(n) ?? 0;
}


const MAX_LIST_LINES = 6;

/** Lines of a list, capped, with "ほか n件" / "n more" when cut. */
function listed(lines: string[], locale: Locale): string {
  const shown = lines.slice(0, MAX_LIST_LINES);
  if (lines.length > shown.length) shown.push(phrase(locale, RESULT_TEXTS.more, { count: lines.length - shown.length }));
  return shown.join('\n');
}

/**
 * A succeeded job's result as labelled, formatted values: the display spec of each kind (which
 * fields, in what order, with what labels). Unknown kinds show nothing rather than raw keys.
 */
export function resultFields(job: Pick<DisplayJob, 'kind' | 'input' | 'result'>, locale: Locale): ResultField[] {
  const r = obj(job.result);
  const input = obj(job.input);
  const L = (entry: Localized) => entry[locale];
  const fields: ResultField[] = [];
  const add = (label: Localized, value: string | undefined) => {
    if (value) fields.push({ label: L(label), value });
  };
  switch (job.kind) {
    case 'project.create': {
      add(RESULT_TEXTS.projectNumber, str(r.projectNumber));
      // The client as the project has it (the office's list's name), else as it was asked for.
      add(RESULT_TEXTS.client, str(obj(r.client).name) ?? str(obj(input.client).name));
      add(RESULT_TEXTS.title, str(input.title));
      add(RESULT_TEXTS.due, str(input.due) && formatDate(String(input.due), locale));
      add(RESULT_TEXTS.amount, num(input.amount) !== undefined ? formatYen(Number(input.amount), locale) : undefined);
      const files = obj(r.attachments);
      if (count(files.total) > 0) {
        add(RESULT_TEXTS.attachments, phrase(locale, RESULT_TEXTS.attachmentsFiled, { filed: count(files.filed), total: count(files.total) }));
        const problems = Array.isArray(files.problems) ? files.problems.map(obj) : [];
        if (problems.length) add(RESULT_TEXTS.attachmentsNotFiled, listed(problems.map((p) => phrase(locale, RESULT_TEXTS.attachmentProblem, { name: str(p.name) ?? '', reason: str(obj(p.reason)[locale]) ?? '' })), locale));
      }
      break;
    }
    case 'billing.document': {
      // What a qualified invoice states (recipient, transaction date, amounts and tax per rate,
      // registration number), so the card shows what the document says, not only its total.
      const yen = (n: unknown) => (num(n) !== undefined ? formatYen(Number(n), locale) : undefined);
      add(input.type === 'invoice' ? RESULT_TEXTS.invoiceNumber : RESULT_TEXTS.estimateNumber, str(r.documentNumber));
      if (r.outcome === 'existing') fields.push({ label: L(RESULT_TEXTS.result), value: `${L(RESULT_TEXTS.alreadyIssued)}\n${L(RESULT_TEXTS.reissueHint)}` });
      add(RESULT_TEXTS.voided, str(r.voidedNumber));
      add(RESULT_TEXTS.projectNumber, str(input.projectNumber));
      add(RESULT_TEXTS.recipient, str(r.recipient));
      add(RESULT_TEXTS.transactionDate, str(r.transactionDate) && formatDate(String(r.transactionDate), locale));
      const rates = Array.isArray(r.byRate) ? r.byRate.map(obj) : [];
      add(
        RESULT_TEXTS.byRate,
        rates.map((rt) => phrase(locale, rt.reduced === true ? RESULT_TEXTS.rateReduced : RESULT_TEXTS.rateStandard, { rate: count(rt.rate), subtotal: yen(rt.subtotal) ?? '', tax: yen(rt.tax) ?? '' })).join('\n') || undefined,
      );
      for (const key of ['subtotal', 'tax', 'total'] as const) add(RESULT_TEXTS[key], yen(r[key]));
      add(RESULT_TEXTS.registrationNumber, str(r.registrationNumber));
      if (str(r.draftMessageId)) fields.push({ label: L(RESULT_TEXTS.email), value: L(RESULT_TEXTS.draftSaved) });
      break;
    }
    case 'schedule.sync': {
      add(RESULT_TEXTS.calendar, phrase(locale, RESULT_TEXTS.syncCounts, { created: count(r.created), updated: count(r.updated), cancelled: count(r.cancelled), unchanged: count(r.unchanged) }));
      const errors = Array.isArray(r.errors) ? r.errors.map(obj) : [];
      if (errors.length) add(RESULT_TEXTS.rowProblems, listed(errors.map((e) => phrase(locale, RESULT_TEXTS.rowProblem, { row: count(e.row), message: str(e.message) ?? '' })), locale));
      break;
    }
    case 'portal.scrape': {
      add(RESULT_TEXTS.portal, str(r.portal) ?? str(input.portal));
      add(RESULT_TEXTS.imported, phrase(locale, RESULT_TEXTS.portalCounts, { fetched: count(r.fetched), added: count(r.added), skipped: count(r.skipped) }));
      break;
    }
    case 'ledger.summarize': {
      const rows = Array.isArray(r.rows) ? r.rows.map(obj) : [];
      const total = rows.reduce((s, row) => s + count(row.count), 0);
      const amount = rows.reduce((s, row) => s + count(row.amount), 0);
      if (str(input.client)) add(RESULT_TEXTS.client, str(input.client));
      add(RESULT_TEXTS.requests, phrase(locale, RESULT_TEXTS.requestCount, { count: total }));
      add(RESULT_TEXTS.amount, formatYen(amount, locale));
      const lines = rows
        .slice()
        .reverse()
        .map((row) => phrase(locale, RESULT_TEXTS.summaryLine, { month: formatMonth(String(row.month ?? ''), locale), client: str(row.client) ?? '', count: count(row.count), amount: formatYen(count(row.amount), locale) }));
      if (lines.length) add(RESULT_TEXTS.byMonth, listed(lines, locale));
      break;
    }
    case 'ledger.search': {
      const matches = Array.isArray(r.matches) ? r.matches.map(obj) : [];
      const lines = matches.map((m) =>
        [str(m.projectNumber), str(m.requestedAt) && formatDate(String(m.requestedAt), locale), [str(m.client), str(m.title)].filter(Boolean).join(' — ')].filter(Boolean).join(' · '),
      );
      add(RESULT_TEXTS.found, lines.length ? listed(lines, locale) : L(RESULT_TEXTS.nothingFound));
      break;
    }
    case 'system.echo': {
      add(RESULT_TEXTS.message, str(r.message));
      add(RESULT_TEXTS.steps, num(r.steps) !== undefined ? formatNumber(Number(r.steps), locale) : undefined);
      break;
    }
  }
  return fields;
}

export type ResultLink = { label: string; url: string };

/** The result's links (`links: [{title, url}]`), labelled in `locale` by what they open. */
export function resultLinks(result: unknown, locale: Locale, max = 6): ResultLink[] {
  const links = obj(result).links;
  if (!Array.isArray(links)) return [];
  const out: ResultLink[] = [];
  for (const link of links.map(obj)) {
    const url = str(link.url);
    if (!url || !/^https?:\/\//.test(url)) continue;
    out.push({ label: linkLabel(str(link.title) ?? '', url, locale), url });
    if (out.length >= max) break;
  }
  return out;
}

function linkLabel(title: string, url: string, locale: Locale): string {
  if (/\/drive\/folders\/|[?&]folder/.test(url)) return LINK_TEXTS.folder[locale];
  if (/\/document\/d\//.test(url)) return LINK_TEXTS.doc[locale];
  if (/\/spreadsheets\/d\//.test(url)) return LINK_TEXTS.sheet[locale];
  if (/\/charts\/|\.png(\?|$)/.test(url)) return LINK_TEXTS.chart[locale];
  if (/calendar/.test(url)) return LINK_TEXTS.calendar[locale];
  if (/pdf/i.test(title) || /\.pdf(\?|$)/i.test(url)) return LINK_TEXTS.pdf[locale];
  // The document of record in the accounting service (billing.document with provider freee).
  if (/ freee$/.test(title)) return LINK_TEXTS.accounting[locale];
  // A file's own name (an attachment) or a project number is data, shown as it is.
  if (title && /\/file\/d\/|open\?id=/.test(url)) return title;
  if (/^P-\d{4}-\d{3,}$/.test(title)) return title;
  return LINK_TEXTS.other[locale];
}

/**
 * One line for plain-text places (a sheet's status cell, a Chat message's text): state, then
 * progress, the failure or the advice, in `locale`.
 */
export function statusText(job: DisplayJob & { steps?: unknown }, locale: Locale = job.locale, context: DisplayContext = {}): string {
  const state = displayState(job);
  const parts = [stateLine(job, locale)];
  if (state === 'running' && job.progress) parts.push(`${job.progress.done}/${job.progress.total} ${progressLabel(job, locale)}`.trim());
  if ((state === 'failed' || state === 'retrying') && job.error) parts.push(failureText(job, locale));
  const advice = state === 'failed' || state === 'retrying' ? adviceText(job, locale, context) : '';
  if (advice) parts.push(advice);
  return parts.join(' · ');
}
