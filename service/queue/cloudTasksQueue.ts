/**
 * JobQueue on Cloud Tasks v2, over its REST mapping (cloudTasksRest.ts): Google in production
 * (cloudtasks.googleapis.com, an access token from Application Default Credentials), the local
 * emulator (local/tasks-emulator, which serves the same mapping) when config.tasksEmulator is set.
 *
 * Each (jobId, generation) becomes one HTTP task: POST <serviceUrl>/tasks/run, body
 * {"jobId","generation"} (shared/api.ts TaskPayload) with Content-Type set explicitly (Cloud Tasks
 * does not set it), an OIDC token for the invoker service account with the service URL as
 * audience, and the configured dispatch deadline. The task id is a hash of the pair (taskId.ts), so a second
 * enqueue of the same generation answers ALREADY_EXISTS → { created: false } and never runs the
 * job twice; hashed ids also spread load the way Google recommends for named tasks.
 *
 * Cold start: google-auth-library is imported on the first call in production (warm() does it
 * once the server listens).
 */
import { TaskPayload } from '../../shared/api.js';
import { queuePath, type Config } from '../config.js';
import type { Logger } from '../logger.js';
import { CloudTasksError, CloudTasksRest, type AccessToken } from './cloudTasksRest.js';
import { EnqueueFailed, type EnqueueTask, type JobQueue } from './queue.js';
import { taskIdFor } from './taskId.js';
import { TASUKI_QUEUE_SETTINGS } from './queueSettings.js';

export const CLOUD_TASKS_URL = 'https://cloudtasks.googleapis.com';
const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/** The Queue resource tasuki expects, as the v2 REST API's JSON. */
export function tasukiQueueResource(config: Config): Record<string, unknown> {
  const s = TASUKI_QUEUE_SETTINGS;
  return {
    name: queuePath(config),
    retryConfig: {
      maxAttempts: config.queueMaxAttempts,
      minBackoff: `${s.minBackoffSeconds}s`,
      maxBackoff: `${s.maxBackoffSeconds}s`,
      maxDoublings: s.maxDoublings,
      maxRetryDuration: `${s.maxRetryDurationSeconds}s`,
    },
    rateLimits: {
      maxConcurrentDispatches: s.maxConcurrentDispatches,
      maxDispatchesPerSecond: s.maxDispatchesPerSecond,
    },
  };
}

const statusOf = (err: unknown): string | undefined => (err instanceof CloudTasksError ? err.status : undefined);

export type CloudTasksQueueOptions = {
  config: Config;
  logger: Logger;
  /** Another endpoint and token source (tests: the production path against the emulator). */
  endpoint?: { baseUrl: string; token: AccessToken };
};

/**
 * Application Default Credentials' access token (google-auth-library caches and refreshes it).
 * `preload` only loads the library and builds the client, which reaches nothing.
 */
function adcToken(): { token: AccessToken; preload: () => Promise<void> } {
  let auth: Promise<{ getAccessToken(): Promise<string | null | undefined> }> | undefined;
  const client = () => (auth ??= import('google-auth-library').then(({ GoogleAuth }) => new GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE] })));
  return {
    preload: async () => void (await client()),
    token: async () => {
      const token = await (await client()).getAccessToken();
      if (!token) throw new CloudTasksError('UNAUTHENTICATED', 401, 'no access token from Application Default Credentials');
      return token;
    },
  };
}

export class CloudTasksQueue implements JobQueue {
  private readonly config: Config;
  private readonly logger: Logger;
  private readonly rest: CloudTasksRest;

  constructor(opts: CloudTasksQueueOptions) {
    this.config = opts.config;
    this.logger = opts.logger;
    const local = opts.config.tasksEmulator;
    const endpoint = opts.endpoint ?? (local ? { baseUrl: `http://${local}`, token: async () => undefined } : { baseUrl: CLOUD_TASKS_URL, ...adcToken() });
    this.rest = new CloudTasksRest(endpoint);
  }

  /** Loads the transport and, in production, the credentials library now (off the first request's path; no token is fetched). */
  async warm(): Promise<void> {
    await this.rest.warm();
  }

  taskNameFor(jobId: string, generation: number): string {
    return `${queuePath(this.config)}/tasks/${taskIdFor(jobId, generation)}`;
  }

  async enqueue(task: EnqueueTask, opts: { onSent?: () => void } = {}): Promise<{ taskName: string; created: boolean }> {
    const { config } = this;
    const payload = TaskPayload.parse({ jobId: task.jobId, generation: task.generation });
    const parent = queuePath(config);
    const name = this.taskNameFor(payload.jobId, payload.generation);
    const body = {
      task: {
        name,
        httpRequest: {
          url: `${config.serviceUrl}/tasks/run`,
          httpMethod: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: Buffer.from(JSON.stringify(payload)).toString('base64'),
          oidcToken: { serviceAccountEmail: config.invokerServiceAccount, audience: config.serviceUrl },
        },
        dispatchDeadline: `${config.dispatchDeadlineSeconds}s`,
        ...(task.notBefore ? { scheduleTime: task.notBefore.toISOString() } : {}),
      },
    };
    try {
      const created = await this.rest.call<{ name?: string }>('POST', `/v2/${parent}/tasks`, body, opts);
      return { taskName: created.name ?? name, created: true };
    } catch (err) {
      if (statusOf(err) === 'ALREADY_EXISTS') {
        this.logger.debug({ jobId: payload.jobId, generation: payload.generation, task: name }, 'task already exists; not enqueued again');
        return { taskName: name, created: false };
      }
      const refused = err instanceof CloudTasksError && err.httpStatus >= 400 && err.httpStatus < 500 && err.httpStatus !== 429;
      throw new EnqueueFailed(`Cloud Tasks: could not create the task for job ${payload.jobId} generation ${payload.generation} in ${parent}: ${messageOf(err)}`, refused, { cause: err });
    }
  }

  async cancel(taskName: string): Promise<void> {
    try {
      await this.rest.call('DELETE', `/v2/${taskName}`);
    } catch (err) {
      if (statusOf(err) === 'NOT_FOUND') return; // already ran, dropped or deleted
      throw new Error(`Cloud Tasks: could not delete task ${taskName}: ${messageOf(err)}`, { cause: err });
    }
  }

  async exists(taskName: string): Promise<boolean> {
    try {
      await this.rest.call('GET', `/v2/${taskName}`);
      return true;
    } catch (err) {
      if (statusOf(err) === 'NOT_FOUND') return false;
      throw new Error(`Cloud Tasks: could not look up task ${taskName}: ${messageOf(err)}`, { cause: err });
    }
  }

  async ensureQueue(): Promise<void> {
    const { config } = this;
    const name = queuePath(config);
    if (config.tasksEmulator) {
      try {
        await this.rest.call('POST', `/v2/${name.slice(0, name.lastIndexOf('/queues/'))}/queues`, tasukiQueueResource(config));
        this.logger.info({ queue: name, emulator: config.tasksEmulator }, 'created the local Cloud Tasks queue');
      } catch (err) {
        if (statusOf(err) === 'ALREADY_EXISTS') return;
        throw new Error(`Cloud Tasks emulator at ${config.tasksEmulator}: could not create queue ${name}: ${messageOf(err)} (is the emulator running? npm run emulator)`, { cause: err });
      }
      return;
    }
    try {
      const queue = await this.rest.call<{ state?: string }>('GET', `/v2/${name}`);
      if (queue.state && queue.state !== 'RUNNING') this.logger.warn({ queue: name, state: queue.state }, 'the Cloud Tasks queue is not running; jobs will wait until it is resumed');
    } catch (err) {
      if (statusOf(err) === 'NOT_FOUND') {
        throw new Error(`Cloud Tasks queue ${name} does not exist. Create it (npm run deploy does) or fix GOOGLE_CLOUD_PROJECT / TASUKI_TASKS_LOCATION / TASUKI_TASKS_QUEUE.`, { cause: err });
      }
      if (statusOf(err) === 'PERMISSION_DENIED') {
        throw new Error(`Cloud Tasks queue ${name}: permission denied. The service's account needs roles/cloudtasks.enqueuer and roles/cloudtasks.viewer on it, and iam.serviceAccounts.actAs on ${config.invokerServiceAccount}.`, { cause: err });
      }
      throw new Error(`Cloud Tasks queue ${name} could not be checked: ${messageOf(err)}`, { cause: err });
    }
  }

  async close(): Promise<void> {
    this.rest.close();
  }
}

/** Factory used by service/deps.ts (which imports this module lazily). */
export function createCloudTasksQueue(config: Config, logger: Logger): CloudTasksQueue {
  return new CloudTasksQueue({ config, logger });
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
