/**
 * Google Chat (Workspace add-on for Chat): slash commands, plain messages and @mentions,
 * added-to-space, the /new dialog. Every command that starts work enqueues with
 * `reply.chat = {space, thread}` and answers at once with a short acknowledgement; the worker
 * then upserts its own message (`client-<job>`) with progress and the result card.
 *
 * Idempotency: a command's key is the Chat message name that carried it, so Chat redelivering
 * the same event does not start a second job.
 */
import type { EnqueueRequest, EnqueueResponse } from '../../shared/api.js';
import { jobChatMessage } from '../../shared/cards/jobCard.js';
import type { JobView, ReplyTarget } from '../../shared/job.js';
import { ProjectNumber } from '../../shared/kinds/common.js';
import type { Locale } from '../../shared/locale.js';
import { STATUS_LABELS } from '../../shared/messages.js';
import { jobTitle } from '../cards/jobCards.js';
import { UserFacingError, userMessage } from '../errors.js';
import { chatPayload, formValue, localeOf, type AddonEvent, type ChatPayload } from '../event.js';
import { t } from '../i18n.js';
import { FORM, projectInputFromForm } from '../jobRequests.js';
import { cancelJob, enqueueJob, getJob, idempotencyKey, listMyJobs, retryJob } from '../serviceClient.js';
import { helpCard, jobListCard, newProjectDialog } from './cards.js';
import { commandById, type ChatCommand } from './commands.js';
import { closeDialog, createMessage, openDialog, textMessage, updateDialog, type ChatResponse } from './responses.js';

const SPACE = /^spaces\/[A-Za-z0-9_-]+$/;
const THREAD = /^spaces\/[A-Za-z0-9_-]+\/threads\/[A-Za-z0-9_-]+$/;

/** Where the worker should answer: this space (and thread, when there is one). */
export function replyTarget(payload: ChatPayload | undefined): ReplyTarget | undefined {
  const space = payload?.space?.name;
  if (!space || !SPACE.test(space)) return undefined;
  const thread = payload?.message?.thread?.name;
  return { chat: thread && THREAD.test(thread) ? { space, thread } : { space } };
}

export function jobMessage(job: JobView, locale: Locale) {
  return jobChatMessage({ ...job, locale });
}

function help(locale: Locale, lead?: string): ChatResponse {
  return createMessage({ text: lead ?? t(locale, 'chatHelpHeader'), cardsV2: [{ cardId: 'tasuki-help', card: helpCard(locale) }] });
}

function usage(command: ChatCommand, locale: Locale): ChatResponse {
  return textMessage(t(locale, 'chatUsage', { usage: command.usage }));
}

/** Enqueue on behalf of a Chat event and acknowledge in one short line. */
function startJob(e: AddonEvent, request: Omit<EnqueueRequest, 'reply' | 'locale'>, keyParts: string[]): ChatResponse {
  const locale = localeOf(e);
  const payload = chatPayload(e);
  const messageName = payload?.message?.name;
  const full: EnqueueRequest = { ...request, locale };
  const reply = replyTarget(payload);
  if (reply) full.reply = reply;
  if (messageName) full.idempotencyKey = idempotencyKey('chat', messageName, ...keyParts);
  const result: EnqueueResponse = enqueueJob(full);
  return textMessage(ack(result, locale));
}

function ack(result: EnqueueResponse, locale: Locale): string {
  if (!result.created) {
    return t(locale, 'chatAckExisting', { id: result.job.id, status: STATUS_LABELS[result.job.status][locale] });
  }
  return t(locale, 'chatAck', { kind: jobTitle(result.job, locale), id: result.job.id });
}

function firstWord(args: string): string {
  return args.split(/\s+/)[0] ?? '';
}

function runCommand(command: ChatCommand, args: string, e: AddonEvent): ChatResponse {
  const locale = localeOf(e);
  switch (command.name) {
    case '/new':
      return openDialog(newProjectDialog(locale));
    case '/help':
      return help(locale);
    case '/jobs':
      return createMessage({ text: t(locale, 'chatJobsHeader'), cardsV2: [{ cardId: 'tasuki-jobs', card: jobListCard(listMyJobs(), locale) }] });
    case '/status': {
      const id = firstWord(args);
      if (!id) return usage(command, locale);
      return createMessage(jobMessage(getJob(id), locale));
    }
    case '/retry': {
      const id = firstWord(args);
      if (!id) return usage(command, locale);
      retryJob(id);
      return textMessage(t(locale, 'chatRetryAck', { id }));
    }
    case '/cancel': {
      const id = firstWord(args);
      if (!id) return usage(command, locale);
      const job = cancelJob(id);
      return textMessage(t(locale, 'chatCancelAck', { id, status: STATUS_LABELS[job.status][locale] }));
    }
    case '/invoice':
    case '/estimate': {
      const projectNumber = firstWord(args).toUpperCase();
      if (!ProjectNumber.safeParse(projectNumber).success) return usage(command, locale);
      const type = command.name === '/invoice' ? 'invoice' : 'estimate';
      return startJob(e, { kind: 'billing.document', input: { type, projectNumber } }, [type]);
    }
    case '/scrape': {
      const portal = firstWord(args).toLowerCase();
      if (!portal) return usage(command, locale);
      return startJob(e, { kind: 'portal.scrape', input: { portal } }, ['scrape']);
    }
    case '/summary': {
      const client = args.trim();
      return startJob(e, { kind: 'ledger.summarize', input: client ? { client } : {} }, ['summary']);
    }
    case '/search': {
      const words = args.trim();
      if (!words) return usage(command, locale);
      return startJob(e, { kind: 'ledger.search', input: { words } }, ['search']);
    }
    default:
      return help(locale);
  }
}

/** Slash commands (and quick commands): id from appCommandMetadata, else message.slashCommand. */
export function chatAppCommand(e: AddonEvent): ChatResponse {
  const locale = localeOf(e);
  const payload = e.chat?.appCommandPayload ?? e.chat?.messagePayload;
  const id = payload?.appCommandMetadata?.appCommandId ?? payload?.message?.slashCommand?.commandId;
  if (id === undefined) throw new UserFacingError('errMissingField', { field: 'chat.appCommandPayload.appCommandMetadata.appCommandId' });
  const command = commandById(id);
  if (!command) return help(locale, t(locale, 'chatUnknownCommand', { id: String(id) }));
  const args = (payload?.message?.argumentText ?? '').trim();
  return runCommand(command, args, e);
}

/** Plain messages and @mentions get the help card (slash commands arrive as app commands). */
export function chatMessage(e: AddonEvent): ChatResponse {
  const payload = e.chat?.messagePayload;
  if (payload?.message?.slashCommand?.commandId) return chatAppCommand(e);
  return help(localeOf(e));
}

export function chatAddedToSpace(e: AddonEvent): ChatResponse {
  const locale = localeOf(e);
  return help(locale, t(locale, 'chatWelcome'));
}

/** Dialog submit: enqueue project.create, close the dialog and post the acknowledgement. */
export function chatNewProjectSubmit(e: AddonEvent): ChatResponse {
  const locale = localeOf(e);
  const payload = chatPayload(e);
  if (payload?.dialogEventType === 'CANCEL_DIALOG') return closeDialog();
  const values = {
    client: formValue(e, FORM.client),
    title: formValue(e, FORM.title),
    due: formValue(e, FORM.due),
    amount: formValue(e, FORM.amount),
    newClient: formValue(e, FORM.newClient),
  };
  try {
    const input = projectInputFromForm(e, 'chat');
    // The dialog has no message of its own; the key is the submitted content, so a double
    // submit of the same form makes one project.
    const key = ['new', values.client, values.title, values.due].join('|');
    const digest = Utilities.base64EncodeWebSafe(Utilities.computeDigest(Utilities.DigestAlgorithm.SHA_256, key)).slice(0, 22);
    const user = e.chat?.user?.name ?? 'user';
    return startJobFromDialog(e, { kind: 'project.create', input }, ['dialog', user, digest]);
  } catch (err) {
    // Keep the dialog open with the user's values and the reason.
    return updateDialog(newProjectDialog(locale, values, userMessage(err, locale)));
  }
}

function startJobFromDialog(e: AddonEvent, request: Omit<EnqueueRequest, 'reply' | 'locale'>, keyParts: string[]): ChatResponse {
  const locale = localeOf(e);
  const full: EnqueueRequest = { ...request, locale, idempotencyKey: idempotencyKey('chat', ...keyParts) };
  const reply = replyTarget(chatPayload(e));
  if (reply) full.reply = reply;
  const result = enqueueJob(full);
  // Closing the dialog by posting a message (PLATFORM.md §2, contact-form sample).
  return textMessage(ack(result, locale));
}

export function chatDialogCancel(e: AddonEvent): ChatResponse {
  return closeDialog(t(localeOf(e), 'chatDialogClosed'));
}

