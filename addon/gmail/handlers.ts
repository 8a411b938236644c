/**
 * Gmail: the contextual trigger (parse the opened mail into the request card), the card's three
 * actions, and the homepage (the user's recent jobs).
 *
 * Actions and the jobs they enqueue (idempotency key = Gmail message id + action, so a second
 * click on the same mail shows the same job instead of making a second project):
 * - Create project → `project.create` with the edited fields and the mail's content.
 * - Draft estimate → `billing.document` {type: estimate} for the project number in the form, with
 *   `emailDraft` replying to the open mail: the service saves a Gmail draft with the PDF attached
 *   in that mail's thread (addressed to the ledger's client e-mail, else the mail's sender).
 * - Add to schedule → `schedule.sync`. project.create already appends the project's schedule row;
 *   this pushes the schedule sheet to Calendar now. Its key also carries the hour, so a later
 *   click syncs again.
 * With the Script Property TASUKI_CHAT_SPACE set, each job also reports in that Chat space.
 */
import type { EnqueueResponse } from '../../shared/api.js';
import type { ProjectCreateInput } from '../../shared/kinds/projectCreate.js';
import { ProjectNumber } from '../../shared/kinds/common.js';
import type { Locale } from '../../shared/locale.js';
import { jobTitle } from '../../shared/cards/jobDisplay.js';
import { buildErrorCard, buildJobListCard, buildJobServiceCard } from '../cards/jobCards.js';
import { UserFacingError, userMessage } from '../errors.js';
import { formValue, localeOf, param, timeZoneOf, type AddonEvent } from '../event.js';
import { t } from '../i18n.js';
import { FORM, projectInputFromForm } from '../jobRequests.js';
import { parseRequest, type MailMessage } from '../requestParser.js';
import { enqueueJob, idempotencyKey, listMyJobs, matchClient, withTeamReply } from '../serviceClient.js';
import { uploadAttachments } from './attachmentUpload.js';
import { messageDay, readOpenedMessage } from './message.js';
import { officeDomains } from './officeDomains.js';
import { buildRequestCard } from './requestCard.js';

export function gmailMessageCard(e: AddonEvent): GoogleAppsScript.Card_Service.Card {
  const locale = localeOf(e);
  const message = readOpenedMessage(e);
  const request = parseRequest(message, messageDay(message, timeZoneOf(e)), officeDomains());
  const match = matchClient({ name: request.client.value, email: request.client.email });
  return buildRequestCard(request, message.id, locale, match);
}

function messageIdOf(e: AddonEvent): string {
  const id = e.gmail?.messageId ?? param(e, 'messageId');
  if (!id) throw new UserFacingError('errMissingField', { field: 'gmail.messageId' });
  return id;
}

/** The mail's content for the job input; only the id when the action event carries no token. */
function requestFrom(e: AddonEvent, messageId: string): NonNullable<ProjectCreateInput['request']> {
  if (!e.gmail?.accessToken) return { gmailMessageId: messageId, attachments: [] };
  const message: MailMessage = readOpenedMessage(e);
  return {
    gmailMessageId: message.id,
    subject: message.subject.slice(0, 1000),
    from: message.from.slice(0, 500),
    receivedAt: message.date,
    body: message.plainBody,
    attachments: uploadAttachments(message.id),
  };
}

/** Shows the queued job: pushed on top of the request card, with a notification. */
export function queuedResponse(result: EnqueueResponse, locale: Locale): GoogleAppsScript.Card_Service.ActionResponse {
  const kind = jobTitle(result.job, locale);
  return CardService.newActionResponseBuilder()
    .setNavigation(CardService.newNavigation().pushCard(buildJobServiceCard(result, locale)))
    .setNotification(CardService.newNotification().setText(t(locale, result.created ? 'jobQueued' : 'jobAlreadyQueued', { kind })))
    .build();
}

export function gmailCreateProject(e: AddonEvent): GoogleAppsScript.Card_Service.ActionResponse {
  const locale = localeOf(e);
  const messageId = messageIdOf(e);
  const input = projectInputFromForm(e, 'gmail', requestFrom(e, messageId));
  const result = enqueueJob(withTeamReply({ kind: 'project.create', input, idempotencyKey: idempotencyKey('gmail', messageId, 'project'), locale }));
  return queuedResponse(result, locale);
}

export function gmailDraftEstimate(e: AddonEvent): GoogleAppsScript.Card_Service.ActionResponse {
  const locale = localeOf(e);
  const messageId = messageIdOf(e);
  const projectNumber = formValue(e, FORM.projectNumber).toUpperCase();
  if (!ProjectNumber.safeParse(projectNumber).success) throw new UserFacingError('errProjectNumberNeeded');
  const result = enqueueJob(
    withTeamReply({
      kind: 'billing.document',
      input: { type: 'estimate', projectNumber, emailDraft: { replyToGmailMessageId: messageId } },
      idempotencyKey: idempotencyKey('gmail', messageId, 'estimate', projectNumber),
      locale,
    }),
  );
  return queuedResponse(result, locale);
}

export function gmailAddToSchedule(e: AddonEvent): GoogleAppsScript.Card_Service.ActionResponse {
  const locale = localeOf(e);
  const messageId = messageIdOf(e);
  const hour = Utilities.formatDate(new Date(), 'UTC', 'yyyyMMddHH');
  const result = enqueueJob(withTeamReply({ kind: 'schedule.sync', input: {}, idempotencyKey: idempotencyKey('gmail', messageId, 'schedule', hour), locale }));
  return queuedResponse(result, locale);
}

/** The homepage: recent jobs, or the reason they cannot be shown. */
export function homepageCard(e: AddonEvent, extra?: GoogleAppsScript.Card_Service.CardSection): GoogleAppsScript.Card_Service.Card {
  const locale = localeOf(e);
  try {
    return buildJobListCard(listMyJobs(), locale, extra);
  } catch (err) {
    return buildErrorCard(userMessage(err, locale), locale);
  }
}
