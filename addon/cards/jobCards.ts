/**
 * CardService cards about jobs, for the Gmail and Sheets side panels: one job (status, progress,
 * error, result links, Refresh / Retry / Cancel), the user's recent jobs, and an error card.
 * Chat shows the same job through shared/cards/jobCard.ts as JSON; both take their words from
 * shared/messages.ts so a job reads the same everywhere.
 */
import { ADDON_FUNCTIONS } from '../../shared/addonFunctions.js';
import { kindLabel, progressBar } from '../../shared/cards/jobCard.js';
import type { JobView } from '../../shared/job.js';
import type { Locale } from '../../shared/locale.js';
import { JOB_TEXTS, STATUS_LABELS, STATUS_SYMBOLS } from '../../shared/messages.js';
import { t } from '../i18n.js';

const MAX_LINKS = 6;
const MAX_LIST = 10;

export function jobTitle(job: Pick<JobView, 'kind' | 'input'>, locale: Locale): string {
  const type = (job.input as { type?: string } | null)?.type;
  if (job.kind === 'billing.document' && (type === 'estimate' || type === 'invoice')) {
    return t(locale, type === 'estimate' ? 'jobEstimate' : 'jobInvoice');
  }
  return kindLabel(job.kind, locale);
}

export function statusLine(job: Pick<JobView, 'status'>, locale: Locale): string {
  return `${STATUS_SYMBOLS[job.status]} ${STATUS_LABELS[job.status][locale]}`;
}

function action(fn: string, params: Record<string, string>): GoogleAppsScript.Card_Service.Action {
  return CardService.newAction().setFunctionName(fn).setParameters(params);
}

function resultLinks(result: unknown): Array<{ title: string; url: string }> {
  const links = (result as { links?: unknown } | null)?.links;
  if (!Array.isArray(links)) return [];
  return links
    .filter((l): l is { title: string; url: string } => typeof l?.title === 'string' && typeof l?.url === 'string' && /^https?:\/\//.test(l.url))
    .slice(0, MAX_LINKS);
}

export function buildJobServiceCard(job: JobView, locale: Locale): GoogleAppsScript.Card_Service.Card {
  const status = CardService.newCardSection()
    .addWidget(
      CardService.newDecoratedText()
        .setTopLabel(JOB_TEXTS.status[locale])
        .setText(statusLine(job, locale))
        .setBottomLabel(`${JOB_TEXTS.jobId[locale]} ${job.id}`),
    );
  if (job.progress && (job.status === 'running' || job.status === 'queued')) {
    status.addWidget(
      CardService.newDecoratedText()
        .setTopLabel(JOB_TEXTS.progress[locale])
        .setText(progressBar(job.progress))
        .setBottomLabel(job.progress.label || ' ')
        .setWrapText(true),
    );
  }
  if (job.error && job.status !== 'succeeded') {
    status.addWidget(
      CardService.newDecoratedText().setTopLabel(JOB_TEXTS.error[locale]).setText(job.error.message).setBottomLabel(job.error.code).setWrapText(true),
    );
  }
  const card = CardService.newCardBuilder()
    .setName(`job-${job.id}`)
    .setHeader(CardService.newCardHeader().setTitle(jobTitle(job, locale)).setSubtitle(statusLine(job, locale)))
    .addSection(status);

  const links = job.status === 'succeeded' ? resultLinks(job.result) : [];
  if (links.length) {
    const buttons = CardService.newButtonSet();
    for (const link of links) {
      buttons.addButton(CardService.newTextButton().setText(link.title).setOpenLink(CardService.newOpenLink().setUrl(link.url)));
    }
    card.addSection(CardService.newCardSection().setHeader(JOB_TEXTS.result[locale]).addWidget(buttons));
  }

  const controls = CardService.newButtonSet();
  if (job.status === 'failed' || job.status === 'canceled') {
    controls.addButton(CardService.newTextButton().setText(JOB_TEXTS.retry[locale]).setOnClickAction(action(ADDON_FUNCTIONS.retryJob, { jobId: job.id })));
  }
  if ((job.status === 'queued' || job.status === 'running') && !job.cancelRequested) {
    controls.addButton(CardService.newTextButton().setText(JOB_TEXTS.cancel[locale]).setOnClickAction(action(ADDON_FUNCTIONS.cancelJob, { jobId: job.id })));
  }
  controls.addButton(
    CardService.newTextButton()
      .setText(JOB_TEXTS.refresh[locale])
      .setTextButtonStyle(CardService.TextButtonStyle.FILLED)
      .setOnClickAction(action(ADDON_FUNCTIONS.refreshJob, { jobId: job.id })),
  );
  card.addSection(CardService.newCardSection().addWidget(controls));
  return card.build();
}

/** A section listing jobs, each opening its own card. */
export function jobListSection(jobs: JobView[], locale: Locale): GoogleAppsScript.Card_Service.CardSection {
  const section = CardService.newCardSection().setHeader(t(locale, 'recentJobs'));
  if (jobs.length === 0) return section.addWidget(CardService.newTextParagraph().setText(t(locale, 'noJobs')));
  for (const job of jobs.slice(0, MAX_LIST)) {
    section.addWidget(
      CardService.newDecoratedText()
        .setTopLabel(jobTitle(job, locale))
        .setText(statusLine(job, locale))
        .setBottomLabel(job.id)
        .setButton(
          CardService.newTextButton().setText(t(locale, 'open')).setOnClickAction(action(ADDON_FUNCTIONS.refreshJob, { jobId: job.id, navigation: 'push' })),
        ),
    );
  }
  return section;
}

export function buildJobListCard(jobs: JobView[], locale: Locale, extra?: GoogleAppsScript.Card_Service.CardSection): GoogleAppsScript.Card_Service.Card {
  const card = CardService.newCardBuilder().setName('recent-jobs').setHeader(CardService.newCardHeader().setTitle(t(locale, 'appName')).setSubtitle(t(locale, 'recentJobs')));
  if (extra) card.addSection(extra);
  return card.addSection(jobListSection(jobs, locale)).build();
}

export function buildErrorCard(message: string, locale: Locale): GoogleAppsScript.Card_Service.Card {
  return CardService.newCardBuilder()
    .setName('error')
    .setHeader(CardService.newCardHeader().setTitle(t(locale, 'appName')).setSubtitle(JOB_TEXTS.error[locale]))
    .addSection(CardService.newCardSection().addWidget(CardService.newTextParagraph().setText(`⚠️ ${message}`)))
    .build();
}

export function notify(text: string): GoogleAppsScript.Card_Service.ActionResponse {
  return CardService.newActionResponseBuilder().setNotification(CardService.newNotification().setText(text)).build();
}
