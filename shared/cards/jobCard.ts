/**
 * Card v2 JSON for one job, in the job's language: what the worker upserts into Chat (one
 * message per job) and what the add-on shows for `/status`. What it says is decided by
 * shared/cards/jobDisplay.ts; this file only lays it out. No run-time imports beyond shared/, so
 * the Apps Script bundle can use it.
 *
 * Layout: header (kind, state) → state section (state with icon, progress bar, the problem and
 * what to do, the short job reference) → result section (labelled, formatted values; links as
 * buttons) → buttons: Retry only where it can help, Cancel for queued or running jobs, Refresh
 * always. Button functions are the add-on's (shared/addonFunctions.ts) and get the full `jobId`.
 * Progress labels, failure texts and result values can carry user text (titles, file names,
 * portal data): every string put into a widget that renders Chat's HTML subset goes through
 * cardText (forCardHtml), and the message text through forChatText (shared/userText.ts). Header
 * titles and button texts are plain text in Chat and are left as they are.
 */
import type { chat_v1 } from '@googleapis/chat';
import { ADDON_FUNCTIONS } from '../addonFunctions.js';
import type { Locale, Localized } from '../locale.js';
import { JOB_TEXTS, STATE_LABELS, STATE_SYMBOLS, phrase } from '../messages.js';
import { forCardHtml, forChatText } from '../userText.js';
import {
  adviceText,
  displayState,
  failureText,
  jobTitle,
  progressBar,
  progressLabel,
  resultFields,
  resultLinks,
  retryOffered,
  shortRef,
  statusText,
  type DisplayContext,
  type DisplayJob,
} from './jobDisplay.js';

export type Card = chat_v1.Schema$GoogleAppsCardV1Card;
type Widget = chat_v1.Schema$GoogleAppsCardV1Widget;
type Button = chat_v1.Schema$GoogleAppsCardV1Button;

/** The fields of a job the card shows (a JobRecord or a JobView both fit). */
export type JobCardJob = DisplayJob & { steps?: unknown };

const STATE_ICONS: Record<ReturnType<typeof displayState>, string> = {
  queued: 'schedule',
  running: 'progress_activity',
  retrying: 'autorenew',
  canceling: 'stop_circle',
  succeeded: 'check_circle',
  failed: 'error',
  canceled: 'cancel',
};

/** Text for a card widget (Chat's HTML subset): escaped, line breaks kept as <br>. */
export function cardText(text: string): string {
  return forCardHtml(text).replace(/\n/g, '<br>');
}

function actionButton(text: Localized, fn: string, jobId: string, locale: Locale, materialIcon: string): Button {
  return {
    text: text[locale],
    icon: { materialIcon: { name: materialIcon } },
    onClick: { action: { function: fn, parameters: [{ key: 'jobId', value: jobId }] } },
  };
}

/**
 * A billing.document's Reissue… button (issue 16: a new number only by an explicit reissue with a
 * reason, confirmed): it opens the add-on's reason form for the number this card shows.
 */
function reissueButton(job: JobCardJob, state: ReturnType<typeof displayState>, locale: Locale): Button | undefined {
  if (job.kind !== 'billing.document' || state !== 'succeeded') return undefined;
  const input = (job.input ?? {}) as { type?: unknown; projectNumber?: unknown };
  const documentNumber = (job.result as { documentNumber?: unknown } | undefined)?.documentNumber;
  if (typeof input.type !== 'string' || typeof input.projectNumber !== 'string' || typeof documentNumber !== 'string') return undefined;
  return {
    text: JOB_TEXTS.reissue[locale],
    icon: { materialIcon: { name: 'restart_alt' } },
    onClick: {
      action: {
        function: ADDON_FUNCTIONS.reissueDocument,
        interaction: 'OPEN_DIALOG',
        parameters: [
          { key: 'type', value: input.type },
          { key: 'projectNumber', value: input.projectNumber },
          { key: 'documentNumber', value: documentNumber },
        ],
      },
    },
  };
}

/** One line for plain-text places: a sheet's status cell, the Chat message's text. */
export function jobStatusText(job: JobCardJob, context: DisplayContext = {}): string {
  return statusText(job, job.locale, context);
}

export function buildJobCard(job: JobCardJob, context: DisplayContext = {}, locale: Locale = job.locale): Card {
  const state = displayState(job);
  const status: Widget[] = [
    {
      decoratedText: {
        topLabel: JOB_TEXTS.state[locale],
        text: STATE_LABELS[state][locale],
        startIcon: { materialIcon: { name: STATE_ICONS[state] } },
        bottomLabel: phrase(locale, JOB_TEXTS.jobRef, { ref: shortRef(job.id) }),
      },
    },
  ];
  if (job.progress && (state === 'running' || state === 'canceling' || state === 'queued' || state === 'retrying')) {
    const label = progressLabel(job, locale);
    status.push({ decoratedText: { topLabel: JOB_TEXTS.progress[locale], text: progressBar(job.progress), ...(label ? { bottomLabel: cardText(label) } : {}), wrapText: true } });
  }
  if (job.error && (state === 'failed' || state === 'retrying')) {
    status.push({ decoratedText: { topLabel: JOB_TEXTS.problem[locale], text: cardText(failureText(job, locale)), wrapText: true } });
  }
  const advice = adviceText(job, locale, context);
  if (advice) status.push({ decoratedText: { topLabel: JOB_TEXTS.whatToDo[locale], text: cardText(advice), wrapText: true } });
  const sections: NonNullable<Card['sections']> = [{ widgets: status }];

  if (state === 'succeeded') {
    const widgets: Widget[] = resultFields(job, locale).map((f) => ({ decoratedText: { topLabel: f.label, text: cardText(f.value), wrapText: true } }));
    const links = resultLinks(job.result, locale);
    if (links.length) {
      widgets.push({ buttonList: { buttons: links.map((l) => ({ text: l.label, icon: { materialIcon: { name: 'open_in_new' } }, onClick: { openLink: { url: l.url } } })) } });
    }
    if (widgets.length) sections.push({ header: JOB_TEXTS.result[locale], widgets });
  }

  const buttons: Button[] = [];
  if (retryOffered(job)) buttons.push(actionButton(JOB_TEXTS.retry, ADDON_FUNCTIONS.retryJob, job.id, locale, 'replay'));
  if ((state === 'queued' || state === 'running' || state === 'retrying') && !job.cancelRequested) {
    buttons.push(actionButton(JOB_TEXTS.cancel, ADDON_FUNCTIONS.cancelJob, job.id, locale, 'stop_circle'));
  }
  const reissue = reissueButton(job, state, locale);
  if (reissue) buttons.push(reissue);
  buttons.push(actionButton(JOB_TEXTS.refresh, ADDON_FUNCTIONS.refreshJob, job.id, locale, 'refresh'));
  sections.push({ widgets: [{ buttonList: { buttons } }] });

  return {
    header: { title: jobTitle(job, locale), subtitle: `${STATE_SYMBOLS[state]} ${STATE_LABELS[state][locale]}` },
    sections,
  };
}

/** The Chat message body for a job: fallback text plus the card. */
export function jobChatMessage(job: JobCardJob, context: DisplayContext = {}): { text: string; cardsV2: chat_v1.Schema$CardWithId[] } {
  return {
    text: `${jobTitle(job, job.locale)}: ${forChatText(jobStatusText(job, context))}`,
    cardsV2: [{ cardId: `job-${job.id}`, card: buildJobCard(job, context) }],
  };
}
