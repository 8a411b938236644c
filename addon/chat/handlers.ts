/**
 * Google Chat (Workspace add-on for Chat): slash commands, plain messages and @mentions,
 * added-to-space, the /new dialog. Every command that starts work enqueues with
 * `reply.chat = {space, thread}` and answers at once with a short acknowledgement; the worker
 * then upserts its own message (`client-<job>`) with progress and the result card.
 *
 * - Idempotency: a command's key is the Chat message name that carried it, so Chat redelivering
 *   the same event does not start a second job.
 * - Private answers: in a space with other people, what concerns only the person who asked
 *   (/jobs, /status, /search and its result, usage help, errors about their input) carries
 *   `privateMessageViewer` = that user, in a `createMessageAction` (the response shape Chat
 *   accepts it in; it cannot be added by an update). Job announcements stay public.
 * - Jobs are named by a short reference: the first 6–8 characters of the id (unique within the
 *   user's recent jobs) or a project number (the newest job about it); see `findJob`.
 * - `/invoice … reissue <reason>` names the document it replaces (chat/typedReissue.ts) and
 *   enqueues the same job as the card's Reissue… (reissueRequest.ts).
 * - Dialogs follow the event (`isDialogEvent` / `dialogEventType`), never the command number:
 *   /new configured without "opens a dialog" answers with a button that opens it.
 */
import type { EnqueueRequest, EnqueueResponse, JobResponse } from '../../shared/api.js';
import { jobProjectNumber, jobTitle, shortRef, stateLabel, stateLine } from '../../shared/cards/jobDisplay.js';
import { forChatText } from '../../shared/userText.js';
import type { ReplyTarget } from '../../shared/job.js';
import { ProjectNumber } from '../../shared/kinds/common.js';
import type { Locale } from '../../shared/locale.js';
import { UserFacingError, userMessage } from '../errors.js';
import { chatPayload, formValue, localeOf, type AddonEvent, type ChatPayload } from '../event.js';
import { t } from '../i18n.js';
import { FORM, projectInputFromForm } from '../jobRequests.js';
import { cancelJob, enqueueJob, getJob, idempotencyKey, listMyJobs, retryJob } from '../serviceClient.js';
import { helpCard, jobListCard, newProjectDialog, openDialogButton } from './cards.js';
import { commandById, usage, type ChatCommand } from './commands.js';
import { parseTypedReissue } from './typedReissue.js';
import { reissueRequest } from '../reissueRequest.js';
import { closeDialog, createMessage, openDialog, textMessage, updateDialog, type ChatMessageBody, type ChatResponse } from './responses.js';

const SPACE = /^spaces\/[A-Za-z0-9_-]+$/;
const THREAD = /^spaces\/[A-Za-z0-9_-]+\/threads\/[A-Za-z0-9_-]+$/;
const USER = /^users\/[A-Za-z0-9_-]+$/;
const RECENT_JOBS = 100;

/** The asking user, when the event's space has other people in it (a private answer makes sense). */
export function privateViewer(e: AddonEvent): string | undefined {
  const space = chatPayload(e)?.space;
  const user = e.chat?.user?.name;
  if (!space || !user || !USER.test(user)) return undefined;
  const oneToOne = space.type === 'DM' || space.spaceType === 'DIRECT_MESSAGE' || space.singleUserBotDm === true;
  return oneToOne ? undefined : user;
}

/** A message only the asking user sees (in a DM, simply a message). */
export function privateMessage(e: AddonEvent, message: ChatMessageBody): ChatResponse {
  const viewer = privateViewer(e);
  return createMessage(viewer ? { ...message, privateMessageViewer: { name: viewer } } : message);
}

/** Where the worker should answer: this space (and thread, when there is one), privately if asked. */
export function replyTarget(payload: ChatPayload | undefined, viewer?: string): ReplyTarget | undefined {
  const space = payload?.space?.name;
  if (!space || !SPACE.test(space)) return undefined;
  const thread = payload?.message?.thread?.name;
  return { chat: { space, ...(thread && THREAD.test(thread) ? { thread } : {}), ...(viewer ? { viewer } : {}) } };
}

/**
 * One job as a Chat message: the card and status line the service rendered for this user
 * (JobResponse.display); from a service that sends none, its kind and state only.
 */
export function jobMessage(answer: JobResponse, locale: Locale): ChatMessageBody {
  const { job, display } = answer;
  if (!display) return { text: `${jobTitle(job, locale)}: ${stateLine(job, locale)}` };
  return { text: `${jobTitle(job, locale)}: ${forChatText(display.text)}`, cardsV2: [{ cardId: `job-${job.id}`, card: display.card }] };
}

function help(e: AddonEvent, lead?: string): ChatResponse {
  const locale = localeOf(e);
  return privateMessage(e, { text: lead ?? t(locale, 'chatHelpHeader'), cardsV2: [{ cardId: 'tasuki-help', card: helpCard(locale) }] });
}

function usageAnswer(e: AddonEvent, command: ChatCommand): ChatResponse {
  const locale = localeOf(e);
  return privateMessage(e, { text: t(locale, 'chatUsage', { usage: `\`${usage(command, locale)}\``, example: `\`${command.example}\`` }) });
}

/**
 * The job a person means by `ref`: a full id; a project number (their newest job about it); or
 * the first characters of an id (with or without `j-`), unique among their recent jobs.
 */
export function findJob(ref: string): JobResponse {
  const typed = ref.trim();
  if (/^j-[0-9a-f]{32}$/.test(typed)) return getJob(typed, shortRef(typed));
  const project = ProjectNumber.safeParse(typed.toUpperCase()).success ? typed.toUpperCase() : undefined;
  const prefix = typed.toLowerCase().replace(/^j-/, '');
  if (!project && !/^[0-9a-f]{4,32}$/.test(prefix)) throw new UserFacingError('errNotFound', { ref: typed });
  const recent = listMyJobs(RECENT_JOBS);
  const matches = project
    ? recent.filter((j) => jobProjectNumber(j)?.toUpperCase() === project)
    : recent.filter((j) => j.id.replace(/^j-/, '').startsWith(prefix));
  if (matches.length === 0) throw new UserFacingError('errNotFound', { ref: typed });
  if (!project && matches.length > 1) {
    throw new UserFacingError('errAmbiguous', { ref: typed, candidates: matches.slice(0, 5).map((j) => shortRef(j.id)).join(', ') });
  }
  return getJob(matches[0]!.id, shortRef(matches[0]!.id));
}

/** Retry only where it can help (the service's display says); the refusal says why, in the user's language. */
export function checkRetry({ job, display }: JobResponse, locale: Locale): void {
  if (display ? display.retry : job.status === 'failed' || job.status === 'canceled') return;
  const ref = shortRef(job.id);
  if (job.status !== 'failed') throw new UserFacingError('errRetryNotFinished', { ref, state: stateLabel(job, locale) });
  throw new UserFacingError('errRetryUseless', { ref, reason: display?.text ?? stateLabel(job, locale) });
}

/** Cancel only what has not finished. */
export function checkCancel({ job }: JobResponse, locale: Locale): void {
  if (job.status === 'queued' || job.status === 'running') return;
  throw new UserFacingError('errCancelFinished', { ref: shortRef(job.id), state: stateLabel(job, locale) });
}

/** Enqueue on behalf of a Chat event and acknowledge in one short line. */
function startJob(e: AddonEvent, command: ChatCommand, request: Omit<EnqueueRequest, 'reply' | 'locale'>, keyParts: string[]): ChatResponse {
  const locale = localeOf(e);
  const payload = chatPayload(e);
  const messageName = payload?.message?.name;
  const viewer = command.answersPrivately ? privateViewer(e) : undefined;
  const full: EnqueueRequest = { ...request, locale };
  const reply = replyTarget(payload, viewer);
  if (reply) full.reply = reply;
  if (messageName) full.idempotencyKey = idempotencyKey('chat', messageName, ...keyParts);
  const result: EnqueueResponse = enqueueJob(full);
  const text = ack(result, locale, Boolean(viewer));
  return command.answersPrivately ? privateMessage(e, { text }) : textMessage(text);
}

export function ack(result: EnqueueResponse, locale: Locale, isPrivate = false): string {
  const ref = shortRef(result.job.id);
  if (!result.created) return t(locale, 'chatAckExisting', { ref, state: stateLabel(result.job, locale) });
  return t(locale, isPrivate ? 'chatAckPrivate' : 'chatAck', { kind: jobTitle(result.job, locale), ref });
}

function firstWord(args: string): string {
  return args.split(/\s+/)[0] ?? '';
}

function runCommand(command: ChatCommand, args: string, e: AddonEvent): ChatResponse {
  const locale = localeOf(e);
  switch (command.name) {
    case '/new':
      return privateMessage(e, { text: t(locale, 'chatNewDialogTitle'), cardsV2: [{ cardId: 'tasuki-new', card: openDialogButton(locale) }] });
    case '/help':
      return help(e);
    case '/jobs':
      return privateMessage(e, { text: t(locale, 'chatJobsHeader'), cardsV2: [{ cardId: 'tasuki-jobs', card: jobListCard(listMyJobs(), locale) }] });
    case '/status': {
      const ref = firstWord(args);
      if (!ref) return usageAnswer(e, command);
      return privateMessage(e, jobMessage(findJob(ref), locale));
    }
    case '/retry': {
      const ref = firstWord(args);
      if (!ref) return usageAnswer(e, command);
      const found = findJob(ref);
      checkRetry(found, locale);
      retryJob(found.job.id, shortRef(found.job.id));
      return textMessage(t(locale, 'chatRetryAck', { ref: shortRef(found.job.id) }));
    }
    case '/cancel': {
      const ref = firstWord(args);
      if (!ref) return usageAnswer(e, command);
      const found = findJob(ref);
      checkCancel(found, locale);
      const { job } = cancelJob(found.job.id, shortRef(found.job.id));
      return textMessage(t(locale, 'chatCancelAck', { ref: shortRef(job.id), state: stateLabel(job, locale) }));
    }
    case '/invoice':
    case '/estimate': {
      // "/invoice P-2026-014": issued once (again: shows it). "… reissue 金額訂正" (or 再発行): a new
      // number and the one it replaces void, that number named as a card's Reissue… names it.
      const type = command.name === '/invoice' ? 'invoice' : 'estimate';
      const reissue = parseTypedReissue(type, command.name, args, locale);
      if (reissue === 'usage') return usageAnswer(e, command);
      if (reissue === 'reissueUsage') return privateMessage(e, { text: t(locale, 'chatReissueUsage', { command: command.name }) });
      if (reissue) {
        const request = reissueRequest(reissue.target, reissue.reason, locale);
        const reply = replyTarget(chatPayload(e));
        return textMessage(ack(enqueueJob(reply ? { ...request, reply } : request), locale));
      }
      const projectNumber = firstWord(args).toUpperCase();
      if (!ProjectNumber.safeParse(projectNumber).success) return usageAnswer(e, command);
      return startJob(e, command, { kind: 'billing.document', input: { type, projectNumber } }, [type]);
    }
    case '/scrape': {
      const portal = firstWord(args).toLowerCase();
      if (!portal) return usageAnswer(e, command);
      return startJob(e, command, { kind: 'portal.scrape', input: { portal } }, ['scrape']);
    }
    case '/summary': {
      const client = args.trim();
      return startJob(e, command, { kind: 'ledger.summarize', input: client ? { client } : {} }, ['summary']);
    }
    case '/search': {
      const words = args.trim();
      if (!words) return usageAnswer(e, command);
      return startJob(e, command, { kind: 'ledger.search', input: { words } }, ['search']);
    }
    default:
      return help(e);
  }
}

/** Slash commands (and quick commands): id from appCommandMetadata, else message.slashCommand. */
export function chatAppCommand(e: AddonEvent): ChatResponse {
  const locale = localeOf(e);
  const payload = e.chat?.appCommandPayload ?? e.chat?.messagePayload;
  const id = payload?.appCommandMetadata?.appCommandId ?? payload?.message?.slashCommand?.commandId;
  if (id === undefined) throw new UserFacingError('errMissingField', { field: 'chat.appCommandPayload.appCommandMetadata.appCommandId' });
  const command = commandById(id);
  // Chat asked for a dialog (the command is configured "opens a dialog"): answer with one.
  if (payload?.isDialogEvent && payload.dialogEventType === 'REQUEST_DIALOG') {
    if (command?.opensDialog) return openDialog(newProjectDialog(locale));
    return openDialog(helpCard(locale, command ? t(locale, 'chatUsage', { usage: usage(command, locale), example: command.example }) : undefined));
  }
  if (!command) return help(e, t(locale, 'chatUnknownCommand'));
  const args = (payload?.message?.argumentText ?? '').trim();
  return runCommand(command, args, e);
}

/** Plain messages and @mentions get the help card (slash commands arrive as app commands). */
export function chatMessage(e: AddonEvent): ChatResponse {
  const payload = e.chat?.messagePayload;
  if (payload?.message?.slashCommand?.commandId) return chatAppCommand(e);
  return help(e);
}

export function chatAddedToSpace(e: AddonEvent): ChatResponse {
  const locale = localeOf(e);
  // The welcome is for the whole space.
  return createMessage({ text: t(locale, 'chatWelcome'), cardsV2: [{ cardId: 'tasuki-help', card: helpCard(locale) }] });
}

/** The /new dialog from a button (`interaction: OPEN_DIALOG`). */
export function chatOpenNewProjectDialog(e: AddonEvent): ChatResponse {
  return openDialog(newProjectDialog(localeOf(e)));
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
