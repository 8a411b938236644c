/**
 * The job buttons (shared/addonFunctions.ts): Retry, Cancel, Refresh, Create project from an
 * intake entry. The same function is called from a Gmail/Sheets card (answer: CardService
 * navigation + notification) and from a Chat card (answer: JSON that updates the clicked message,
 * or posts a new one when the button asked to `navigation=push`).
 *
 * onCreateProjectFromIntake takes `intakeId` and, when the card carries them, `client`, `title`,
 * `due`, `amount`, `portal` (the intake row's fields); the key `intake:<id>` makes one project per
 * intake entry however often the button is pressed.
 */
import type { ProjectCreateInput } from '../shared/kinds/projectCreate.js';
import type { Locale } from '../shared/locale.js';
import { shortRef } from '../shared/cards/jobDisplay.js';
import { buildJobServiceCard } from './cards/jobCards.js';
import { ack, checkCancel, checkRetry, jobMessage, privateMessage, replyTarget } from './chat/handlers.js';
import { textMessage, updateMessage } from './chat/responses.js';
import { chatPayload, hostOf, localeOf, param, requiredParam, type AddonEvent } from './event.js';
import { t, type TextKey } from './i18n.js';
import { amountFromText, dueFromText } from './jobRequests.js';
import { queuedResponse } from './gmail/handlers.js';
import { cancelJob, enqueueJob, getJob, idempotencyKey, retryJob } from './serviceClient.js';
import type { EnqueueRequest, JobResponse } from '../shared/api.js';

function respond(e: AddonEvent, answer: JobResponse, note: TextKey, vars: Record<string, string> = {}): unknown {
  const locale = localeOf(e);
  const push = param(e, 'navigation') === 'push';
  if (hostOf(e) === 'CHAT') {
    const message = jobMessage(answer, locale);
    // A card opened from /jobs is the user's own: a private message in a shared space.
    return push ? privateMessage(e, message) : updateMessage(message);
  }
  const card = buildJobServiceCard(answer, locale);
  const navigation = push ? CardService.newNavigation().pushCard(card) : CardService.newNavigation().updateCard(card);
  return CardService.newActionResponseBuilder()
    .setNavigation(navigation)
    .setNotification(CardService.newNotification().setText(t(locale, note, vars)))
    .build();
}

function lenient<T>(read: () => T | undefined): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

export function refreshJobAction(e: AddonEvent): unknown {
  const id = requiredParam(e, 'jobId');
  return respond(e, getJob(id, shortRef(id)), 'updated');
}

/** Retry from a card: the service's state, not the card's (it may be stale), decides. */
export function retryJobAction(e: AddonEvent): unknown {
  const id = requiredParam(e, 'jobId');
  checkRetry(getJob(id, shortRef(id)), localeOf(e));
  return respond(e, retryJob(id, shortRef(id)), 'retryQueued');
}

export function cancelJobAction(e: AddonEvent): unknown {
  const id = requiredParam(e, 'jobId');
  checkCancel(getJob(id, shortRef(id)), localeOf(e));
  return respond(e, cancelJob(id, shortRef(id)), 'cancelRequested');
}

export function createProjectFromIntakeAction(e: AddonEvent): unknown {
  const locale: Locale = localeOf(e);
  const intakeId = requiredParam(e, 'intakeId');
  const input: ProjectCreateInput = {
    source: 'portal',
    intakeId,
    client: { name: param(e, 'client') ?? param(e, 'portal') ?? intakeId },
    title: param(e, 'title') ?? intakeId,
  };
  // The portal's own notation may not be ISO: a due date or amount that does not read is left
  // out (the intake row still has it) rather than blocking the project.
  const due = lenient(() => dueFromText(param(e, 'due') ?? ''));
  if (due) input.due = due;
  const amount = lenient(() => amountFromText(param(e, 'amount') ?? ''));
  if (amount !== undefined) input.amount = amount;
  const request: EnqueueRequest = { kind: 'project.create', input, idempotencyKey: idempotencyKey('intake', intakeId), locale };
  if (hostOf(e) === 'CHAT') {
    const reply = replyTarget(chatPayload(e));
    if (reply) request.reply = reply;
    return textMessage(ack(enqueueJob(request), locale));
  }
  return queuedResponse(enqueueJob(request), locale);
}
