/**
 * Card v2 JSON for one job, in the job's language: what the worker upserts into Chat (one
 * message per job) and what the add-on can show for `/status`. Pure functions over the job's
 * public fields (a JobRecord or a JobView both fit); no run-time imports beyond shared/, so the
 * Apps Script bundle can use it.
 *
 * Layout: header (kind, status) → status section (status with icon, progress bar, error, job id)
 * → result section (primitive result fields, links as buttons) → buttons: Retry for failed or
 * canceled jobs, Cancel for queued or running ones, Refresh always. Button functions are the
 * add-on's (shared/addonFunctions.ts) and get `jobId` as their parameter.
 *
 * Progress labels, error messages and result values can carry user text (titles, file names,
 * portal data): every string put into a widget that renders Chat's HTML subset goes through
 * forCardHtml, and the message text through forChatText (shared/userText.ts). Header titles and
 * button texts are plain text in Chat and are left as they are.
 */
import type { chat_v1 } from '@googleapis/chat';
import { ADDON_FUNCTIONS } from '../addonFunctions.js';
import type { JobError, JobProgress, JobStatus } from '../job.js';
import type { Locale, Localized } from '../locale.js';
import { JOB_TEXTS, KIND_LABELS, STATUS_LABELS, STATUS_SYMBOLS } from '../messages.js';
import { forCardHtml as html, forChatText } from '../userText.js';

export type Card = chat_v1.Schema$GoogleAppsCardV1Card;
type Widget = chat_v1.Schema$GoogleAppsCardV1Widget;
type Button = chat_v1.Schema$GoogleAppsCardV1Button;

/** The fields of a job the card shows. */
export type JobCardJob = {
  id: string;
  kind: string;
  status: JobStatus;
  locale: Locale;
  progress?: JobProgress;
  result?: unknown;
  error?: JobError;
  cancelRequested: boolean;
};

const STATUS_ICONS: Record<JobStatus, string> = {
  queued: 'schedule',
  running: 'progress_activity',
  succeeded: 'check_circle',
  failed: 'error',
  canceled: 'cancel',
};

const MAX_RESULT_LINES = 12;
const MAX_LINK_BUTTONS = 6;
const BAR_WIDTH = 10;

function t(text: Localized, locale: Locale): string {
  return text[locale];
}

export function kindLabel(kind: string, locale: Locale): string {
  const label = (KIND_LABELS as Record<string, Localized | undefined>)[kind];
  return label ? t(label, locale) : kind;
}

/** `▓▓▓▓░░░░░░ 2/5` */
export function progressBar(progress: Pick<JobProgress, 'done' | 'total'>): string {
  const ratio = progress.total > 0 ? Math.min(1, progress.done / progress.total) : 0;
  const filled = Math.round(ratio * BAR_WIDTH);
  return `${'▓'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)} ${progress.done}/${progress.total}`;
}

/** One line for plain-text places: a sheet's status cell, the Chat message's text. */
export function jobStatusText(job: JobCardJob): string {
  const locale = job.locale;
  const parts = [`${STATUS_SYMBOLS[job.status]} ${t(STATUS_LABELS[job.status], locale)}`];
  if (job.status === 'running' && job.progress) parts.push(`${job.progress.done}/${job.progress.total} ${job.progress.label}`.trim());
  if (job.error && job.status !== 'succeeded') parts.push(job.error.message);
  return parts.join(' · ');
}

function actionButton(text: Localized, fn: string, jobId: string, locale: Locale, materialIcon: string): Button {
  return {
    text: t(text, locale),
    icon: { materialIcon: { name: materialIcon } },
    onClick: { action: { function: fn, parameters: [{ key: 'jobId', value: jobId }] } },
  };
}

/** Links a result offers: `links: [{title, url}]` as the kinds' result schemas declare it. */
function resultLinks(result: unknown): Array<{ title: string; url: string }> {
  const links = (result as { links?: unknown } | null)?.links;
  if (!Array.isArray(links)) return [];
  return links.filter(
    (l): l is { title: string; url: string } => typeof l?.title === 'string' && typeof l?.url === 'string' && /^https?:\/\//.test(l.url),
  );
}

/** Primitive result fields worth showing (ids, urls and row numbers are for machines). */
function resultLines(result: unknown): Widget[] {
  if (!result || typeof result !== 'object' || Array.isArray(result)) return [];
  const widgets: Widget[] = [];
  for (const [key, value] of Object.entries(result)) {
    if (widgets.length >= MAX_RESULT_LINES) break;
    if (/(Id|Url|Row|Ids)$/.test(key)) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      widgets.push({ decoratedText: { topLabel: html(key), text: html(String(value)), wrapText: true } });
    } else if (Array.isArray(value) && key !== 'links') {
      widgets.push({ decoratedText: { topLabel: html(key), text: String(value.length) } });
    }
  }
  return widgets;
}

export function buildJobCard(job: JobCardJob): Card {
  const locale = job.locale;
  const status: Widget[] = [
    {
      decoratedText: {
        topLabel: html(t(JOB_TEXTS.status, locale)),
        text: html(t(STATUS_LABELS[job.status], locale)),
        startIcon: { materialIcon: { name: STATUS_ICONS[job.status] } },
        bottomLabel: html(`${t(JOB_TEXTS.jobId, locale)} ${job.id}`),
      },
    },
  ];
  if (job.progress && (job.status === 'running' || job.status === 'queued')) {
    status.push({ decoratedText: { topLabel: html(t(JOB_TEXTS.progress, locale)), text: progressBar(job.progress), bottomLabel: html(job.progress.label), wrapText: true } });
  }
  if (job.cancelRequested && job.status === 'running') status.push({ textParagraph: { text: html(t(JOB_TEXTS.cancelRequested, locale)) } });
  if (job.error && job.status !== 'succeeded') {
    status.push({
      decoratedText: {
        topLabel: html(t(JOB_TEXTS.error, locale)),
        text: html(job.error.message),
        bottomLabel: html(job.status === 'queued' ? `${job.error.code} · ${t(JOB_TEXTS.retryingAutomatically, locale)}` : job.error.code),
        wrapText: true,
      },
    });
  }
  const sections: NonNullable<Card['sections']> = [{ widgets: status }];

  if (job.status === 'succeeded') {
    const widgets = resultLines(job.result);
    const links = resultLinks(job.result).slice(0, MAX_LINK_BUTTONS);
    if (links.length) {
      widgets.push({ buttonList: { buttons: links.map((l) => ({ text: l.title, icon: { materialIcon: { name: 'open_in_new' } }, onClick: { openLink: { url: l.url } } })) } });
    }
    if (widgets.length) sections.push({ header: html(t(JOB_TEXTS.result, locale)), widgets });
  }

  const buttons: Button[] = [];
  if (job.status === 'failed' || job.status === 'canceled') buttons.push(actionButton(JOB_TEXTS.retry, ADDON_FUNCTIONS.retryJob, job.id, locale, 'replay'));
  if ((job.status === 'queued' || job.status === 'running') && !job.cancelRequested) {
    buttons.push(actionButton(JOB_TEXTS.cancel, ADDON_FUNCTIONS.cancelJob, job.id, locale, 'stop_circle'));
  }
  buttons.push(actionButton(JOB_TEXTS.refresh, ADDON_FUNCTIONS.refreshJob, job.id, locale, 'refresh'));
  sections.push({ widgets: [{ buttonList: { buttons } }] });

  return {
    header: { title: kindLabel(job.kind, locale), subtitle: `${STATUS_SYMBOLS[job.status]} ${t(STATUS_LABELS[job.status], locale)}` },
    sections,
  };
}

/** The Chat message body for a job: fallback text plus the card. */
export function jobChatMessage(job: JobCardJob): { text: string; cardsV2: chat_v1.Schema$CardWithId[] } {
  return {
    text: `${kindLabel(job.kind, job.locale)}: ${forChatText(jobStatusText(job))}`,
    cardsV2: [{ cardId: `job-${job.id}`, card: buildJobCard(job) }],
  };
}

