/**
 * Chat's own cards as Card v2 JSON: help, the /new dialog and the button that opens it, the job
 * list. A single job uses shared/cards/jobCard.ts (the worker posts the same card into its own
 * message). Text in cards is escaped for the card HTML subset: a usage like `/status <job id>`
 * would otherwise lose `<job id>` as markup.
 */
import { ADDON_FUNCTIONS } from '../../shared/addonFunctions.js';
import type { CardV2 } from '../../shared/cardV2.js';
import { cardText } from '../../shared/cards/jobCard.js';
import { ageText, jobSubject, jobTitle, shortRef, stateLine } from '../../shared/cards/jobDisplay.js';
import type { JobView } from '../../shared/job.js';
import type { Locale } from '../../shared/locale.js';
import { t } from '../i18n.js';
import { FORM } from '../jobRequests.js';
import { CHAT_COMMANDS, usage } from './commands.js';

export const CHAT_ACTIONS = {
  submitNewProject: 'onChatNewProjectSubmit',
  cancelDialog: 'onChatDialogCancel',
  openNewProjectDialog: 'onChatOpenNewProjectDialog',
} as const;

/** Every command with its argument and an example; `lead` is a line above the list. */
export function helpCard(locale: Locale, lead?: string): CardV2 {
  const widgets: NonNullable<CardV2['sections']>[number]['widgets'] = [];
  if (lead) widgets.push({ textParagraph: { text: cardText(lead) } });
  for (const c of CHAT_COMMANDS) {
    widgets.push({
      decoratedText: {
        topLabel: cardText(usage(c, locale)),
        text: cardText(c.description[locale]),
        bottomLabel: cardText(t(locale, 'chatHelpExample', { example: c.example })),
        wrapText: true,
      },
    });
  }
  return { header: { title: t(locale, 'chatHelpHeader') }, sections: [{ widgets }] };
}

/** For Chat configurations where /new is not a dialog command: a button that opens the dialog. */
export function openDialogButton(locale: Locale): CardV2 {
  return {
    sections: [
      {
        widgets: [
          {
            buttonList: {
              buttons: [{ text: t(locale, 'chatNewDialogTitle'), onClick: { action: { function: CHAT_ACTIONS.openNewProjectDialog, interaction: 'OPEN_DIALOG' } } }],
            },
          },
        ],
      },
    ],
  };
}

export type DialogValues = { client?: string; title?: string; due?: string; amount?: string; newClient?: string };

export function newProjectDialog(locale: Locale, values: DialogValues = {}, error?: string): CardV2 {
  const field = (name: string, label: string, value: string | undefined, hintText?: string) => ({
    textInput: { name, label, type: 'SINGLE_LINE' as const, ...(value ? { value } : {}), ...(hintText ? { hintText } : {}) },
  });
  const widgets: NonNullable<CardV2['sections']>[number]['widgets'] = [];
  if (error) widgets.push({ textParagraph: { text: `⚠️ ${cardText(error)}` } });
  widgets.push(
    field(FORM.client, t(locale, 'fieldClient'), values.client),
    field(FORM.title, t(locale, 'fieldTitle'), values.title),
    field(FORM.due, t(locale, 'fieldDue'), values.due, '2026-12-20'),
    field(FORM.amount, t(locale, 'fieldAmount'), values.amount, '300000'),
    {
      selectionInput: {
        name: FORM.newClient,
        type: 'CHECK_BOX' as const,
        items: [{ text: t(locale, 'clientNewCheckbox'), value: 'true', selected: values.newClient === 'true' }],
      },
    },
  );
  return {
    header: { title: t(locale, 'chatNewDialogTitle') },
    sections: [{ widgets }],
    fixedFooter: {
      primaryButton: {
        text: t(locale, 'chatSubmit'),
        type: 'FILLED',
        onClick: { action: { function: CHAT_ACTIONS.submitNewProject, requiredWidgets: [FORM.client, FORM.title] } },
      },
      secondaryButton: { text: t(locale, 'close'), onClick: { action: { function: CHAT_ACTIONS.cancelDialog } } },
    },
  };
}

/** /jobs: kind · project · client, state, short reference and age, and a button to open each. */
export function jobListCard(jobs: JobView[], locale: Locale, now: Date = new Date()): CardV2 {
  const widgets: NonNullable<CardV2['sections']>[number]['widgets'] = jobs.slice(0, 20).map((job) => {
    const subject = jobSubject(job);
    return {
      decoratedText: {
        topLabel: cardText(subject ? `${jobTitle(job, locale)} · ${subject}` : jobTitle(job, locale)),
        text: stateLine(job, locale),
        bottomLabel: `${shortRef(job.id)} · ${ageText(job.createdAt, locale, now)}`,
        wrapText: true,
        button: {
          text: t(locale, 'open'),
          onClick: {
            action: {
              function: ADDON_FUNCTIONS.refreshJob,
              parameters: [
                { key: 'jobId', value: job.id },
                { key: 'navigation', value: 'push' },
              ],
            },
          },
        },
      },
    };
  });
  if (widgets.length === 0) widgets.push({ textParagraph: { text: t(locale, 'noJobs') } });
  return { header: { title: t(locale, 'chatJobsHeader') }, sections: [{ widgets }] };
}
