/**
 * The semantics of the Cloud Tasks v2 RPCs over the emulator's state: what each call reads and
 * writes, and which status it answers (NOT_FOUND for missing queues/tasks, ALREADY_EXISTS for an
 * existing queue or a task name that exists or was executed/deleted within the dedupe window,
 * FAILED_PRECONDITION for a queue name still held after deletion, INVALID_ARGUMENT for malformed
 * names, fields, filters and page tokens). Requests arrive as decoded proto objects; responses
 * are plain objects for the gRPC layer to encode. Transport concerns live in grpcServer.ts, which
 * serves each RPC with the public method of the same name in lowerCamelCase (CreateTask →
 * createTask): a public method named like an RPC is that RPC.
 */
import type { Logger } from '../../service/logger.js';
import { alreadyExists, failedPrecondition, invalidArgument, notFound } from './apiError.js';
import type { Dispatcher } from './dispatcher.js';
import { checkLocationName, checkQueueName, checkTaskName, generateTaskId } from './names.js';
import { applyUpdate, queueToMessage, settingsFromMessage, validateSettings, type QueueMessage, type QueueRecord, type QueueState } from './queueSettings.js';
import type { StateStore } from './stateStore.js';
import { newTaskFromMessage, NOT_YET_DISPATCHED, taskToMessage, viewOf, type TaskMessage } from './taskRecord.js';

export type ApiOptions = {
  store: StateStore;
  dispatcher: Dispatcher;
  logger: Logger;
  dedupeWindowMs: number;
  /** How long a deleted queue's name cannot be reused (Google: 7 days). */
  deletedQueueHoldMs: number;
};

type Named = { name?: string };
type PageRequest = { pageSize?: number; pageToken?: string };

const MAX_QUEUE_PAGE = 9800;
const MAX_TASK_PAGE = 1000;
const STATES: QueueState[] = ['RUNNING', 'PAUSED', 'DISABLED'];

function encodeToken(after: string | number): string {
  return Buffer.from(JSON.stringify({ after })).toString('base64url');
}

function decodeToken<T extends string | number>(token: string | undefined, kind: 'string' | 'number'): T | undefined {
  if (!token) return undefined;
  try {
    const v = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after: unknown }).after;
    if (typeof v === kind) return v as T;
  } catch {
    // fall through
  }
  throw invalidArgument(`page_token "${token}" is not a token returned by this emulator`);
}

function pageSize(req: PageRequest, max: number): number {
  const n = req.pageSize ?? 0;
  if (n < 0) throw invalidArgument(`page_size must not be negative (got ${n})`);
  return n === 0 ? max : Math.min(n, max);
}

/** ListQueues filter: only the state comparison is supported ("state: PAUSED", "state = RUNNING"). */
function parseFilter(filter: string | undefined): QueueState | undefined {
  if (!filter?.trim()) return undefined;
  const m = /^\s*state\s*[:=]\s*"?([A-Z_]+)"?\s*$/.exec(filter);
  if (!m || !STATES.includes(m[1] as QueueState)) {
    throw invalidArgument(`filter "${filter}" is not supported by the emulator; use "state: RUNNING", "state: PAUSED" or "state: DISABLED"`);
  }
  return m[1] as QueueState;
}

export class CloudTasksApi {
  constructor(private readonly o: ApiOptions) {}

  private queueOrThrow(field: string, name: unknown): QueueRecord {
    const q = checkQueueName(field, name);
    const queue = this.o.store.getQueue(q.name);
    if (!queue) throw notFound(`Queue ${q.name} does not exist`);
    return queue;
  }

  // ---- queues

  listQueues(req: PageRequest & { parent?: string; filter?: string }) {
    const parent = checkLocationName('parent', req.parent);
    const state = parseFilter(req.filter);
    const size = pageSize(req, MAX_QUEUE_PAGE);
    const after = decodeToken<string>(req.pageToken, 'string') ?? '';
    const all = this.o.store.listQueues(parent, after, MAX_QUEUE_PAGE + 1).filter((q) => !state || q.state === state);
    const page = all.slice(0, size);
    return {
      queues: page.map(queueToMessage),
      nextPageToken: all.length > size ? encodeToken(page[page.length - 1]!.name) : '',
    };
  }

  getQueue(req: Named) {
    return queueToMessage(this.queueOrThrow('name', req.name));
  }

  createQueue(req: { parent?: string; queue?: QueueMessage }) {
    const parent = checkLocationName('parent', req.parent);
    if (!req.queue) throw invalidArgument('queue is required');
    const q = checkQueueName('queue.name', req.queue.name);
    if (q.parent !== parent) throw invalidArgument(`queue.name ${q.name} is not under parent ${parent}`);
    if (this.o.store.getQueue(q.name)) throw alreadyExists(`Queue ${q.name} already exists`);
    this.checkNotHeld(q.name);
    const settings = settingsFromMessage(req.queue);
    validateSettings(settings);
    const record: QueueRecord = { name: q.name, state: 'RUNNING', settings, purgeTimeMs: null };
    this.o.store.putQueue(record);
    return queueToMessage(record);
  }

  private checkNotHeld(name: string): void {
    const heldUntil = this.o.store.queueNameHeldUntil(name, Date.now());
    if (heldUntil !== undefined) {
      throw failedPrecondition(`Queue ${name} was deleted recently; its name can be reused after ${new Date(heldUntil).toISOString()}`);
    }
  }

  /** Creates the queue if it does not exist, as Google's UpdateQueue does. */
  updateQueue(req: { queue?: QueueMessage; updateMask?: { paths?: string[] } | null }) {
    if (!req.queue) throw invalidArgument('queue is required');
    const q = checkQueueName('queue.name', req.queue.name);
    const existing = this.o.store.getQueue(q.name);
    const paths = req.updateMask?.paths ?? [];
    let record: QueueRecord;
    if (existing) {
      record = { ...existing, settings: applyUpdate(existing.settings, req.queue, paths) };
    } else {
      this.checkNotHeld(q.name);
      const settings = applyUpdate(settingsFromMessage({}), req.queue, paths);
      record = { name: q.name, state: 'RUNNING', settings, purgeTimeMs: null };
    }
    this.o.store.putQueue(record);
    this.o.dispatcher.kick(record.name);
    return queueToMessage(record);
  }

  deleteQueue(req: Named) {
    const queue = this.queueOrThrow('name', req.name);
    const now = Date.now();
    const hold = this.o.deletedQueueHoldMs;
    this.o.store.deleteQueue(queue.name, now + this.o.dedupeWindowMs, hold > 0 ? now + hold : 0);
    return {};
  }

  purgeQueue(req: Named) {
    const queue = this.queueOrThrow('name', req.name);
    const now = Date.now();
    this.o.store.purgeQueue(queue.name, now, now + this.o.dedupeWindowMs);
    return queueToMessage({ ...queue, purgeTimeMs: now });
  }

  pauseQueue(req: Named) {
    return this.setState(req, 'PAUSED');
  }

  resumeQueue(req: Named) {
    return this.setState(req, 'RUNNING');
  }

  private setState(req: Named, state: QueueState) {
    const queue = this.queueOrThrow('name', req.name);
    const record = { ...queue, state };
    this.o.store.putQueue(record);
    if (state === 'RUNNING') this.o.dispatcher.kick(record.name);
    return queueToMessage(record);
  }

  // ---- tasks

  listTasks(req: PageRequest & { parent?: string; responseView?: string }) {
    const queue = this.queueOrThrow('parent', req.parent);
    const size = pageSize(req, MAX_TASK_PAGE);
    const after = decodeToken<number>(req.pageToken, 'number') ?? 0;
    const rows = this.o.store.listTasks(queue.name, after, size + 1);
    const page = rows.slice(0, size);
    const view = viewOf(req.responseView);
    return {
      tasks: page.map((t) => taskToMessage(t, view)),
      nextPageToken: rows.length > size ? encodeToken(page[page.length - 1]!.seq) : '',
    };
  }

  getTask(req: Named & { responseView?: string }) {
    const t = checkTaskName('name', req.name);
    const task = this.o.store.getTask(t.name);
    if (!task) throw notFound(`Task ${t.name} does not exist`);
    return taskToMessage(task, viewOf(req.responseView));
  }

  createTask(req: { parent?: string; task?: TaskMessage; responseView?: string }) {
    const queue = this.queueOrThrow('parent', req.parent);
    if (!req.task) throw invalidArgument('task is required');
    const now = Date.now();
    let name: string;
    if (req.task.name) {
      const t = checkTaskName('task.name', req.task.name);
      if (t.queue !== queue.name) throw invalidArgument(`task.name ${t.name} is not in queue ${queue.name} (the request's parent)`);
      name = t.name;
      if (this.o.store.hasTask(name)) throw alreadyExists(`Task ${name} already exists`);
      if (this.o.store.isTombstoned(name, now)) {
        throw alreadyExists(`Task ${name} was executed or deleted recently; task names stay reserved for ${Math.round(this.o.dedupeWindowMs / 1000)} s`);
      }
    } else {
      name = `${queue.name}/tasks/${generateTaskId()}`;
    }
    const fields = newTaskFromMessage(req.task, now);
    const task = this.o.store.insertTask({
      name,
      queue: queue.name,
      ...fields,
      createTimeMs: now,
      ...NOT_YET_DISPATCHED,
    });
    this.o.dispatcher.kick(queue.name);
    return taskToMessage(task, viewOf(req.responseView));
  }

  deleteTask(req: Named) {
    const t = checkTaskName('name', req.name);
    const task = this.o.store.getTask(t.name);
    if (!task) throw notFound(`Task ${t.name} does not exist (it may have already run or been deleted)`);
    this.o.store.finishTask(task.name, task.seq, Date.now() + this.o.dedupeWindowMs);
    return {};
  }

  /** RunTask: dispatch now even if paused or rate limited; a task already in flight is left as is. */
  runTask(req: Named & { responseView?: string }) {
    const t = checkTaskName('name', req.name);
    const task = this.o.store.getTask(t.name);
    if (!task) throw notFound(`Task ${t.name} does not exist (it may have already run or been deleted)`);
    const queue = this.queueOrThrow('name', t.queue);
    const view = viewOf(req.responseView);
    if (task.dispatching || this.o.dispatcher.isInFlight(task.name)) return taskToMessage(task, view);
    const dispatched = this.o.dispatcher.runNow(queue, task);
    if (!dispatched) throw notFound(`Task ${t.name} does not exist (it may have already run or been deleted)`);
    return taskToMessage(dispatched, view);
  }
}
