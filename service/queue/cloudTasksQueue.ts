/**
 * JobQueue on Cloud Tasks, through the official CloudTasksClient only: Google in production
 * (Application Default Credentials), the emulator in local/tasks-emulator when
 * config.tasksEmulator is set (same client, plain-text gRPC to host:port).
 *
 * Each (jobId, generation) becomes one HTTP task: POST <serviceUrl>/tasks/run, body
 * {"jobId","generation"} (shared/api.ts TaskPayload) with Content-Type set explicitly (Cloud Tasks
 * does not set it), an OIDC token for the invoker service account with the service URL as
 * audience, and the configured dispatch deadline. The task id is a hash of the pair (taskId.ts), so a second
 * enqueue of the same generation answers ALREADY_EXISTS → { created: false } and never runs the
 * job twice; hashed ids also spread load the way Google recommends for named tasks.
 *
 * Cold start: neither @google-cloud/tasks nor google-gax is imported until the first call.
 */
import type { CloudTasksClient, protos } from '@google-cloud/tasks';
import type { ClientOptions } from 'google-gax';
import { TaskPayload } from '../../shared/api.js';
import { queuePath, type Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { EnqueueTask, JobQueue } from './queue.js';
import { taskIdFor } from './taskId.js';
import { TASUKI_QUEUE_SETTINGS } from './queueSettings.js';

/** The Queue resource tasuki expects, in the v2 API's shape. */
export function tasukiQueueResource(config: Config): protos.google.cloud.tasks.v2.IQueue {
  const s = TASUKI_QUEUE_SETTINGS;
  return {
    name: queuePath(config),
    retryConfig: {
      maxAttempts: config.queueMaxAttempts,
      minBackoff: { seconds: s.minBackoffSeconds },
      maxBackoff: { seconds: s.maxBackoffSeconds },
      maxDoublings: s.maxDoublings,
      maxRetryDuration: { seconds: s.maxRetryDurationSeconds },
    },
    rateLimits: {
      maxConcurrentDispatches: s.maxConcurrentDispatches,
      maxDispatchesPerSecond: s.maxDispatchesPerSecond,
    },
  };
}

// gRPC status codes, as numbers so that @grpc/grpc-js need not be loaded to compare them.
const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;
const PERMISSION_DENIED = 7;

const codeOf = (err: unknown): number | undefined => (err as { code?: unknown })?.code as number | undefined;

export type CloudTasksQueueOptions = {
  config: Config;
  logger: Logger;
  /** Merged over the options this adapter picks (tests, or a custom endpoint). */
  clientOptions?: ClientOptions;
};

export class CloudTasksQueue implements JobQueue {
  private readonly config: Config;
  private readonly logger: Logger;
  private readonly override: ClientOptions | undefined;
  private clientPromise: Promise<CloudTasksClient> | undefined;

  constructor(opts: CloudTasksQueueOptions) {
    this.config = opts.config;
    this.logger = opts.logger;
    this.override = opts.clientOptions;
  }

  /** Loads the client library and builds the client now (off the first request's path). */
  async warm(): Promise<void> {
    await this.client();
  }

  private client(): Promise<CloudTasksClient> {
    this.clientPromise ??= this.createClient().catch((err: unknown) => {
      this.clientPromise = undefined;
      throw err;
    });
    return this.clientPromise;
  }

  private async createClient(): Promise<CloudTasksClient> {
    const { CloudTasksClient } = await import('@google-cloud/tasks');
    const { config } = this;
    let options: ClientOptions = { projectId: config.project };
    if (config.tasksEmulator) {
      const { grpc } = await import('google-gax');
      const at = config.tasksEmulator.lastIndexOf(':');
      options = {
        ...options,
        servicePath: config.tasksEmulator.slice(0, at).replace(/^\[|\]$/g, ''),
        port: Number(config.tasksEmulator.slice(at + 1)),
        sslCreds: grpc.credentials.createInsecure(),
        // Without a universe domain (or an auth client) the client probes the GCE metadata server.
        universeDomain: 'googleapis.com',
      };
    }
    return new CloudTasksClient({ ...options, ...this.override });
  }

  taskNameFor(jobId: string, generation: number): string {
    return `${queuePath(this.config)}/tasks/${taskIdFor(jobId, generation)}`;
  }

  async enqueue(task: EnqueueTask): Promise<{ taskName: string; created: boolean }> {
    const { config } = this;
    const payload = TaskPayload.parse({ jobId: task.jobId, generation: task.generation });
    const parent = queuePath(config);
    const name = this.taskNameFor(payload.jobId, payload.generation);
    const request: protos.google.cloud.tasks.v2.ICreateTaskRequest = {
      parent,
      task: {
        name,
        httpRequest: {
          url: `${config.serviceUrl}/tasks/run`,
          httpMethod: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: Buffer.from(JSON.stringify(payload)),
          oidcToken: { serviceAccountEmail: config.invokerServiceAccount, audience: config.serviceUrl },
        },
        dispatchDeadline: { seconds: config.dispatchDeadlineSeconds },
        ...(task.notBefore ? { scheduleTime: toTimestamp(task.notBefore) } : {}),
      },
    };
    const client = await this.client();
    try {
      const [created] = await client.createTask(request);
      return { taskName: created.name ?? name, created: true };
    } catch (err) {
      if (codeOf(err) === ALREADY_EXISTS) {
        this.logger.debug({ jobId: payload.jobId, generation: payload.generation, task: name }, 'task already exists; not enqueued again');
        return { taskName: name, created: false };
      }
      throw new Error(`Cloud Tasks: could not create the task for job ${payload.jobId} generation ${payload.generation} in ${parent}: ${messageOf(err)}`, { cause: err });
    }
  }

  async cancel(taskName: string): Promise<void> {
    const client = await this.client();
    try {
      await client.deleteTask({ name: taskName });
    } catch (err) {
      if (codeOf(err) === NOT_FOUND) return; // already ran, dropped or deleted
      throw new Error(`Cloud Tasks: could not delete task ${taskName}: ${messageOf(err)}`, { cause: err });
    }
  }

  async exists(taskName: string): Promise<boolean> {
    const client = await this.client();
    try {
      await client.getTask({ name: taskName });
      return true;
    } catch (err) {
      if (codeOf(err) === NOT_FOUND) return false;
      throw new Error(`Cloud Tasks: could not look up task ${taskName}: ${messageOf(err)}`, { cause: err });
    }
  }

  async ensureQueue(): Promise<void> {
    const { config } = this;
    const name = queuePath(config);
    const client = await this.client();
    if (config.tasksEmulator) {
      try {
        await client.createQueue({ parent: name.slice(0, name.lastIndexOf('/queues/')), queue: tasukiQueueResource(config) });
        this.logger.info({ queue: name, emulator: config.tasksEmulator }, 'created the local Cloud Tasks queue');
      } catch (err) {
        if (codeOf(err) === ALREADY_EXISTS) return;
        throw new Error(`Cloud Tasks emulator at ${config.tasksEmulator}: could not create queue ${name}: ${messageOf(err)} (is the emulator running? npm run emulator)`, { cause: err });
      }
      return;
    }
    try {
      const [queue] = await client.getQueue({ name });
      if (queue.state && queue.state !== 'RUNNING') this.logger.warn({ queue: name, state: queue.state }, 'the Cloud Tasks queue is not running; jobs will wait until it is resumed');
    } catch (err) {
      if (codeOf(err) === NOT_FOUND) {
        throw new Error(`Cloud Tasks queue ${name} does not exist. Create it (npm run deploy does) or fix GOOGLE_CLOUD_PROJECT / TASUKI_TASKS_LOCATION / TASUKI_TASKS_QUEUE.`, { cause: err });
      }
      if (codeOf(err) === PERMISSION_DENIED) {
        throw new Error(`Cloud Tasks queue ${name}: permission denied. The service's account needs roles/cloudtasks.enqueuer and roles/cloudtasks.viewer on it, and iam.serviceAccounts.actAs on ${config.invokerServiceAccount}.`, { cause: err });
      }
      throw new Error(`Cloud Tasks queue ${name} could not be checked: ${messageOf(err)}`, { cause: err });
    }
  }

  async close(): Promise<void> {
    const pending = this.clientPromise;
    this.clientPromise = undefined;
    if (!pending) return;
    const client = await pending.catch(() => undefined);
    await client?.close();
  }
}

/** Factory used by service/deps.ts (which imports this module lazily). */
export function createCloudTasksQueue(config: Config, logger: Logger, clientOptions?: ClientOptions): CloudTasksQueue {
  return new CloudTasksQueue({ config, logger, ...(clientOptions ? { clientOptions } : {}) });
}

function toTimestamp(d: Date): { seconds: number; nanos: number } {
  const ms = d.getTime();
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: (ms - seconds * 1000) * 1e6 };
}

function messageOf(err: unknown): string {
  const e = err as { details?: unknown; message?: unknown };
  return String(e?.details || e?.message || err);
}
