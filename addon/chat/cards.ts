/**
 * Chat's own cards as Card v2 JSON: help, the /new dialog, the job list. A single job uses
 * shared/cards/jobCard.ts (the worker posts the same card into its own message).
 */
import { ADDON_FUNCTIONS } from '../../shared/addonFunctions.js';
import type { CardV2 } from '../../shared/cardV2.js';
import { kindLabel } from '../../shared/cards/jobCard.js';
import type { JobView } from '../../shared/job.js';
import type { Locale } from '../../shared/locale.js';
import { STATUS_LABELS, STATUS_SYMBOLS } from '../../shared/messages.js';
import { t } from '../i18n.js';
import { FORM } from '../jobRequests.js';
import { CHAT_COMMANDS } from './commands.js';

export const CHAT_ACTIONS = {
  submitNewProject: 'onChatNewProjectSubmit',
  cancelDialog: 'onChatDialogCancel',
} as const;

export function helpCard(locale: Locale): CardV2 {
  return {
    header: { title: t(locale, 'chatHelpHeader') },
    sections: [
      {
        widgets: CHAT_COMMANDS.map((c) => ({ decoratedText: { topLabel: c.usage, text: c.description[locale], wrapText: true } })),
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
  if (error) widgets.push({ textParagraph: { text: `⚠️ ${error}` } });
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

export function jobListCard(jobs: JobView[], locale: Locale): CardV2 {
  const widgets: NonNullable<CardV2['sections']>[number]['widgets'] = jobs.slice(0, 20).map((job) => ({
    decoratedText: {
      topLabel: kindLabel(job.kind, locale),
      text: `${STATUS_SYMBOLS[job.status]} ${STATUS_LABELS[job.status][locale]}`,
      bottomLabel: job.id,
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
  }));
  if (widgets.length === 0) widgets.push({ textParagraph: { text: t(locale, 'noJobs') } });
  return { header: { title: t(locale, 'chatJobsHeader') }, sections: [{ widgets }] };
}
