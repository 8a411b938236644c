/**
 * The Workspace add-on's Sheets side panel: what the menu offers (the menu itself needs the
 * Editor add-on deployment), buttons for the actions that need no selection, and recent jobs.
 */
import { homepageCard, queuedResponse } from '../gmail/handlers.js';
import { localeOf, type AddonEvent } from '../event.js';
import { t } from '../i18n.js';
import { enqueueJob, idempotencyKey, withTeamReply } from '../serviceClient.js';

export const SHEETS_ACTIONS = { syncSchedule: 'onSheetsSyncSchedule', summarizeLedger: 'onSheetsSummarizeLedger' } as const;

export function sheetsHomepageCard(e: AddonEvent): GoogleAppsScript.Card_Service.Card {
  const locale = localeOf(e);
  const actions = CardService.newCardSection()
    .setHeader(t(locale, 'sheetsHomeHeader'))
    .addWidget(CardService.newTextParagraph().setText(t(locale, 'sheetsHomeHint')))
    .addWidget(
      CardService.newButtonSet()
        .addButton(CardService.newTextButton().setText(t(locale, 'menuSyncSchedule')).setOnClickAction(CardService.newAction().setFunctionName(SHEETS_ACTIONS.syncSchedule)))
        .addButton(CardService.newTextButton().setText(t(locale, 'menuSummarizeLedger')).setOnClickAction(CardService.newAction().setFunctionName(SHEETS_ACTIONS.summarizeLedger))),
    );
  return homepageCard(e, actions);
}

function minuteKey(): string {
  return Utilities.formatDate(new Date(), 'UTC', 'yyyyMMddHHmm');
}

export function sheetsSyncScheduleAction(e: AddonEvent): GoogleAppsScript.Card_Service.ActionResponse {
  const locale = localeOf(e);
  return queuedResponse(enqueueJob(withTeamReply({ kind: 'schedule.sync', input: {}, idempotencyKey: idempotencyKey('sheets-panel', 'schedule', minuteKey()), locale })), locale);
}

export function sheetsSummarizeLedgerAction(e: AddonEvent): GoogleAppsScript.Card_Service.ActionResponse {
  const locale = localeOf(e);
  return queuedResponse(enqueueJob(withTeamReply({ kind: 'ledger.summarize', input: {}, idempotencyKey: idempotencyKey('sheets-panel', 'summary', minuteKey()), locale })), locale);
}
