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
import type { JobView } from '../shared/job.js';
import type { Locale } from '../shared/locale.js';
import { buildJobServiceCard } from './cards/jobCards.js';
import { jobMessage, replyTarget } from './chat/handlers.js';
import { createMessage, textMessage, updateMessage } from './chat/responses.js';
import { chatPayload, hostOf, localeOf, param, requiredParam, type AddonEvent } from './event.js';
import { t, type TextKey } from './i18n.js';
import { amountFromText, dueFromText } from './jobRequests.js';
import { queuedResponse } from './gmail/handlers.js';
import { cancelJob, enqueueJob, getJob, idempotencyKey, retryJob } from './serviceClient.js';
import type { EnqueueRequest } from '../shared/api.js';

function respond(e: AddonEvent, job: JobView, note: TextKey, vars: Record<string, string> = {}): unknown {
  const locale = localeOf(e);
  const push = param(e, 'navigation') === 'push';
  if (hostOf(e) === 'CHAT') {
    const message = jobMessage(job, locale);
    return push ? createMessage(message) : updateMessage(message);
  }
  const card = buildJobServiceCard(job, locale);
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
  return respond(e, getJob(requiredParam(e, 'jobId')), 'updated');
}

export function retryJobAction(e: AddonEvent): unknown {
  return respond(e, retryJob(requiredParam(e, 'jobId')), 'retryQueued');
}

export function cancelJobAction(e: AddonEvent): unknown {
  return respond(e, cancelJob(requiredParam(e, 'jobId')), 'cancelRequested');
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
    const result = enqueueJob(request);
    const ackKey = result.created ? 'chatAck' : 'chatAckExisting';
    return textMessage(t(locale, ackKey, { kind: t(locale, 'actionCreateProject'), id: result.job.id, status: result.job.status }));
  }
  return queuedResponse(enqueueJob(request), locale);
}
