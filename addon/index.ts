/**
 * The Apps Script entry: only the functions Google calls by name (manifest triggers, Chat
 * events, card actions, Sheets menu items). `npm run build` turns each export into a real
 * top-level function. Names used in cards come from shared/addonFunctions.ts and the modules'
 * *_ACTIONS constants; a test loads the built bundle and checks every one exists.
 */
import { chatAddedToSpace, chatAppCommand, chatDialogCancel, chatMessage, chatNewProjectSubmit, chatOpenNewProjectDialog } from './chat/handlers.js';
import type { AddonEvent } from './event.js';
import { gmailAddToSchedule, gmailCreateProject, gmailDraftEstimate, gmailMessageCard, homepageCard } from './gmail/handlers.js';
import { cardTrigger, hostAction, menuItem } from './guard.js';
import { cancelJobAction, createProjectFromIntakeAction, refreshJobAction, retryJobAction } from './jobActions.js';
import { confirmReissueAction, reissueFormAction } from './reissue.js';
import { sheetsHomepageCard, sheetsSummarizeLedgerAction, sheetsSyncScheduleAction } from './sheets/homepage.js';
import { buildMenu, generateInvoices, jobStatus, reissueDocument, summarizeLedger, syncSchedule } from './sheets/menu.js';

// Workspace add-on triggers (appsscript.json).
export const onHomepage = cardTrigger('onHomepage', (e) => homepageCard(e));
export const onGmailMessage = cardTrigger('onGmailMessage', gmailMessageCard);
export const onSheetsHomepage = cardTrigger('onSheetsHomepage', sheetsHomepageCard);
export const onRecentJobsAction = hostAction('onRecentJobsAction', (e) =>
  CardService.newUniversalActionResponseBuilder().displayAddOnCards([homepageCard(e)]).build(),
);

// Gmail card actions.
export const onGmailCreateProject = hostAction('onGmailCreateProject', gmailCreateProject);
export const onGmailDraftEstimate = hostAction('onGmailDraftEstimate', gmailDraftEstimate);
export const onGmailAddToSchedule = hostAction('onGmailAddToSchedule', gmailAddToSchedule);

// Sheets side-panel actions.
export const onSheetsSyncSchedule = hostAction('onSheetsSyncSchedule', sheetsSyncScheduleAction);
export const onSheetsSummarizeLedger = hostAction('onSheetsSummarizeLedger', sheetsSummarizeLedgerAction);

// Job buttons (shared/addonFunctions.ts), from Gmail, Sheets and Chat cards alike.
export const onRetryJob = hostAction('onRetryJob', retryJobAction);
export const onCancelJob = hostAction('onCancelJob', cancelJobAction);
export const onRefreshJob = hostAction('onRefreshJob', refreshJobAction);
export const onCreateProjectFromIntake = hostAction('onCreateProjectFromIntake', createProjectFromIntakeAction);
export const onReissueDocument = hostAction('onReissueDocument', reissueFormAction);
export const onConfirmReissue = hostAction('onConfirmReissue', confirmReissueAction);

// Google Chat events.
export const onMessage = hostAction('onMessage', chatMessage);
export const onAppCommand = hostAction('onAppCommand', chatAppCommand);
export const onAddedToSpace = hostAction('onAddedToSpace', chatAddedToSpace);
export function onRemovedFromSpace(_e: AddonEvent): void {
  // Nothing to clean up: jobs keep their reply target; the worker's post will fail and report.
}
export const onChatNewProjectSubmit = hostAction('onChatNewProjectSubmit', chatNewProjectSubmit);
export const onChatOpenNewProjectDialog = hostAction('onChatOpenNewProjectDialog', chatOpenNewProjectDialog);
export const onChatDialogCancel = hostAction('onChatDialogCancel', chatDialogCancel);

// Sheets Editor add-on / container-bound deployment: simple triggers and menu items.
export function onOpen(e: AddonEvent): void {
  try {
    buildMenu(e);
  } catch (err) {
    console.error(`tasuki onOpen: ${err instanceof Error ? err.message : String(err)}`);
  }
}
export function onInstall(e: AddonEvent): void {
  onOpen(e);
}
export const menuSyncSchedule = menuItem('menuSyncSchedule', syncSchedule);
export const menuGenerateInvoices = menuItem('menuGenerateInvoices', generateInvoices);
export const menuReissueDocument = menuItem('menuReissueDocument', reissueDocument);
export const menuSummarizeLedger = menuItem('menuSummarizeLedger', summarizeLedger);
export const menuJobStatus = menuItem('menuJobStatus', jobStatus);
