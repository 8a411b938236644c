/**
 * The deployment plan: every gcloud command `npm run deploy` may run, in order, as data.
 *
 * Order (each phase needs the one before): APIs → service accounts → IAM on the project, the
 * invoker account and the secrets → Firestore database → its composite indexes → Cloud Tasks
 * queue → Cloud Run service → service URL check → run.invoker for the invoker account on the (now
 * existing) service → Cloud Scheduler jobs (they call the service's URL).
 *
 * Public access without allUsers: the service is deployed with `--no-invoker-iam-check` (Cloud
 * Run's IAM gate off, no IAM binding), which Google recommends and which works under the "Domain
 * restricted sharing" organization policy (constraints iam.allowedPolicyMemberDomains /
 * iam.managed.allowedPolicyMembers) that refuses allUsers bindings. This is safe because tasuki
 * verifies every token itself (routes' auth middleware). `run.publicAccess: "allUsers"` deploys
 * with `--allow-unauthenticated` instead, for projects without that policy.
 *
 * Scheduler jobs are data (`schedulerJobs`): one per configured schedule plus the reconciler's
 * sweep, each an HTTP POST to a path of the service with the invoker's OIDC token (audience: the
 * service URL, as /tasks/run expects). Jobs named `<service>-…` that the list no longer holds are
 * deleted.
 *
 * Idempotency: a step has a read-only `probe` (describe / list / get-iam-policy) and an `apply`
 * that, given the probe's result, returns only the commands still needed, so a second run over
 * an unchanged project runs probes only. The Cloud Run deploy is skipped when the service carries
 * the label tasuki-deploy=<digest of the source, environment and flags>; a dry run has no probe
 * results and shows every command.
 *
 * No secret value is ever part of a command: secrets are referenced by Secret Manager name.
 */
import { createHash } from 'node:crypto';
import { TASUKI_QUEUE_SETTINGS } from '../../service/queue/queueSettings.js';
import { VARIABLES } from '../../service/config.js';
import { compositeIndexCreateArgs, FIRESTORE_COMPOSITE_INDEXES, type FirestoreIndex } from '../../service/store/firestoreIndexes.js';
import {
  checkServiceEnv, secretName, secretVersionRef, serviceAccountEmail, serviceEnv, type DeployConfig,
} from './deployConfig.js';

export type Command = readonly string[];
export type ProbeResult = { ok: boolean; stdout: string; stderr: string };
export type Phase = 'project' | 'apis' | 'accounts' | 'iam' | 'firestore' | 'queue' | 'deploy' | 'service-url' | 'invoker' | 'scheduler';

/** Values learned while running (dry run: placeholders). */
export type PlanContext = {
  projectNumber?: string;
  /** URL the Cloud Run service reports (status.url) after deploy. */
  deployedUrl?: string;
  /** TASUKI_SERVICE_URL as the service has it after the service-url step (audience of OIDC tokens). */
  serviceUrlInUse?: string;
};

export type Step = {
  phase: Phase;
  title: string;
  /** Why the step is as it is (printed with the plan). */
  note?: string;
  /** Read-only command showing the current state; its failure means "absent". */
  probe?: Command;
  /** Commands still needed; `state` is undefined in a dry run (everything is planned). */
  apply(state: ProbeResult | undefined, ctx: PlanContext): Command[];
  /** Reads values for later steps from the probe's output. */
  learn?(state: ProbeResult, ctx: PlanContext): void;
  /** Files a command refers to, written before the step runs (and shown by a dry run). */
  files?(ctx: PlanContext): Record<string, string>;
};

export const REQUIRED_APIS = [
  'run.googleapis.com', 'cloudtasks.googleapis.com', 'firestore.googleapis.com', 'chat.googleapis.com',
  'drive.googleapis.com', 'sheets.googleapis.com', 'docs.googleapis.com', 'gmail.googleapis.com',
  'calendar-json.googleapis.com', 'secretmanager.googleapis.com', 'iamcredentials.googleapis.com',
  'cloudbuild.googleapis.com', 'artifactregistry.googleapis.com', 'cloudscheduler.googleapis.com',
] as const;

/**
 * A Cloud Scheduler job the deploy keeps in place: POST <service URL><path> on a unix-cron
 * schedule, with an OIDC token of the invoker account whose audience is the service URL.
 */
export type SchedulerJob = {
  /** Cloud Scheduler job id, `<service>-…`. */
  id: string;
  description: string;
  /** unix-cron, five fields. */
  schedule: string;
  timeZone: string;
  /** Path on the service, e.g. /tasks/sweep. */
  path: string;
  /** How long Cloud Scheduler waits for the answer (15 s – 30 min), e.g. "180s". */
  attemptDeadline: string;
  /** Retries of a failed attempt (0: the next firing is the retry). */
  maxRetryAttempts: number;
};

/**
 * Project roles of the runtime account: the job store, creating/reading/deleting tasks (enqueue,
 * the start-up queue check, cancel) and writing logs.
 */
export const RUNTIME_PROJECT_ROLES = [
  'roles/datastore.user', 'roles/cloudtasks.enqueuer', 'roles/cloudtasks.viewer', 'roles/cloudtasks.taskDeleter',
  'roles/logging.logWriter',
] as const;

export type PlanOptions = {
  /** Absolute path of the env-vars file the deploy command reads. */
  envFile: string;
  /** Folder the image is built from, as gcloud should see it (run from the repository root). */
  sourceDir?: string;
  /** Digest of the source tree the image is built from (see sourceDigest.ts). */
  sourceDigest: string;
  /** Redeploy even when the service already carries this digest. */
  force?: boolean;
};

export type Plan = {
  steps: Step[];
  schedulerJobs: SchedulerJob[];
  /** The service's environment (plain variables), TASUKI_SERVICE_URL included. */
  env(ctx: PlanContext): Record<string, string>;
  serviceUrl(ctx: PlanContext): string;
  maxAttempts: number;
  timeoutSeconds: number;
};

const PLACEHOLDER_PROJECT_NUMBER = '<PROJECT_NUMBER>';

export function buildPlan(config: DeployConfig, opts: PlanOptions): Plan {
  const p = ['--project', config.project] as const;
  const runtime = serviceAccountEmail(config, 'runtime');
  const invoker = serviceAccountEmail(config, 'invoker');
  const maxAttempts = config.queue.maxAttempts ?? Number(VARIABLES.TASUKI_QUEUE_MAX_ATTEMPTS.productionDefault);
  // Cloud Tasks stops waiting at the dispatch deadline; Cloud Run must not cut the request first.
  const timeoutSeconds = Math.min(3600, config.dispatchDeadlineSeconds + 60);

  // Cloud Run's deterministic URL, known before the first deploy, so the first revision already
  // has a complete configuration (the service refuses to start without TASUKI_SERVICE_URL).
  const serviceUrl = (ctx: PlanContext): string =>
    config.serviceUrl?.replace(/\/+$/, '') ??
    `https://${config.service}-${ctx.projectNumber ?? PLACEHOLDER_PROJECT_NUMBER}.${config.region}.run.app`;
  const env = (ctx: PlanContext) => serviceEnv(config, { serviceUrl: serviceUrl(ctx), maxAttempts });
  // Validate with the service's own rules now, before anything runs (a stand-in URL if unknown).
  checkServiceEnv(config, serviceEnv(config, { serviceUrl: serviceUrl({ projectNumber: '123456789012' }), maxAttempts }));

  const steps: Step[] = [];

  steps.push({
    phase: 'project',
    title: `Read project ${config.project} (its number gives the service URL)`,
    probe: ['gcloud', 'projects', 'describe', config.project, '--format=value(projectNumber)'],
    apply: (s) => {
      if (s && (!s.ok || !s.stdout.trim())) {
        throw new Error(`cannot read project ${config.project} (${firstLine(s.stderr) || 'no project number'}); check the project id and that your account can see it (gcloud auth login)`);
      }
      return [];
    },
    learn: (s, ctx) => {
      if (s.ok && s.stdout.trim()) ctx.projectNumber = s.stdout.trim();
    },
  });

  steps.push({
    phase: 'apis',
    title: 'Enable the Google APIs tasuki uses',
    probe: ['gcloud', 'services', 'list', '--enabled', ...p, '--format=value(config.name)'],
    apply: (s) => {
      const enabled = new Set(s?.ok ? s.stdout.split(/\s+/).filter(Boolean) : []);
      const missing = REQUIRED_APIS.filter((api) => !enabled.has(api));
      return missing.length ? [['gcloud', 'services', 'enable', ...missing, ...p]] : [];
    },
  });

  for (const [which, email, display] of [
    ['runtime', runtime, 'tasuki service (Cloud Run runtime)'],
    ['invoker', invoker, 'tasuki task invoker (Cloud Tasks OIDC)'],
  ] as const) {
    steps.push({
      phase: 'accounts',
      title: `Service account ${email}`,
      probe: ['gcloud', 'iam', 'service-accounts', 'describe', email, ...p, '--format=value(email)'],
      apply: (s) =>
        s?.ok ? [] : [['gcloud', 'iam', 'service-accounts', 'create', config.serviceAccounts[which], `--display-name=${display}`, ...p]],
    });
  }

  steps.push({
    phase: 'iam',
    title: `Project roles for ${runtime}`,
    probe: ['gcloud', 'projects', 'get-iam-policy', config.project, '--format=json'],
    apply: (s) =>
      missingRoles(s, `serviceAccount:${runtime}`, RUNTIME_PROJECT_ROLES).map((role) => [
        'gcloud', 'projects', 'add-iam-policy-binding', config.project, `--member=serviceAccount:${runtime}`, `--role=${role}`, '--condition=None', '--quiet',
      ]),
  });

  // Creating a task with an OIDC token for the invoker account is acting as that account.
  steps.push({
    phase: 'iam',
    title: `${runtime} may act as ${invoker} (OIDC tokens on tasks)`,
    probe: ['gcloud', 'iam', 'service-accounts', 'get-iam-policy', invoker, ...p, '--format=json'],
    apply: (s) =>
      missingRoles(s, `serviceAccount:${runtime}`, ['roles/iam.serviceAccountUser']).map((role) => [
        'gcloud', 'iam', 'service-accounts', 'add-iam-policy-binding', invoker, `--member=serviceAccount:${runtime}`, `--role=${role}`, ...p, '--quiet',
      ]),
  });

  const gmailDelegation = env({}).TASUKI_GMAIL_DELEGATION === 'true';
  if (gmailDelegation) {
    // Domain-wide delegation without a key: the runtime account signs the delegation JWT with
    // the IAM Credentials API (signJwt) on itself.
    steps.push({
      phase: 'iam',
      title: `${runtime} may sign JWTs as itself (Gmail domain-wide delegation)`,
      probe: ['gcloud', 'iam', 'service-accounts', 'get-iam-policy', runtime, ...p, '--format=json'],
      apply: (s) =>
        missingRoles(s, `serviceAccount:${runtime}`, ['roles/iam.serviceAccountTokenCreator']).map((role) => [
          'gcloud', 'iam', 'service-accounts', 'add-iam-policy-binding', runtime, `--member=serviceAccount:${runtime}`, `--role=${role}`, ...p, '--quiet',
        ]),
    });
  }

  for (const ref of uniqueSecretNames(config)) {
    steps.push({
      phase: 'iam',
      title: `Secret ${ref} readable by ${runtime}`,
      probe: ['gcloud', 'secrets', 'get-iam-policy', ref, ...p, '--format=json'],
      apply: (s) => {
        if (s && !s.ok) {
          throw new Error(
            `Secret Manager secret "${ref}" is missing or unreadable (${firstLine(s.stderr)}). Create it yourself, e.g. ` +
              `printf '%s' "$VALUE" | gcloud secrets create ${ref} --data-file=- --project ${config.project}; the deploy script never handles secret values.`,
          );
        }
        return missingRoles(s, `serviceAccount:${runtime}`, ['roles/secretmanager.secretAccessor']).map((role) => [
          'gcloud', 'secrets', 'add-iam-policy-binding', ref, `--member=serviceAccount:${runtime}`, `--role=${role}`, ...p, '--quiet',
        ]);
      },
    });
  }

  // freee (TASUKI_BILLING_PROVIDER=freee): its OAuth tokens live in a Secret Manager secret that
  // the service reads AND adds a version to on every refresh, destroying the older ones
  // (service/billing/freee/freeeTokens.ts), so reading is not enough. The secret is created
  // empty if missing; `npm run freee:connect` writes its first value (README, Connect freee).
  const freeeTokenSecret = env({}).TASUKI_BILLING_PROVIDER === 'freee' ? env({}).TASUKI_FREEE_TOKEN_SECRET_ID : undefined;
  if (freeeTokenSecret) {
    steps.push({
      phase: 'iam',
      title: `Secret ${freeeTokenSecret} (freee tokens) read and versioned by ${runtime}`,
      note: 'the first tokens are written by `npm run freee:connect` (README, Connect freee); the service adds a version on every refresh',
      probe: ['gcloud', 'secrets', 'get-iam-policy', freeeTokenSecret, ...p, '--format=json'],
      apply: (s) => [
        ...(!s?.ok ? [['gcloud', 'secrets', 'create', freeeTokenSecret, '--replication-policy=automatic', ...p]] : []),
        ...missingRoles(s, `serviceAccount:${runtime}`, ['roles/secretmanager.secretAccessor', 'roles/secretmanager.secretVersionManager']).map((role) => [
          'gcloud', 'secrets', 'add-iam-policy-binding', freeeTokenSecret, `--member=serviceAccount:${runtime}`, `--role=${role}`, ...p, '--quiet',
        ]),
      ],
    });
  }

  steps.push({
    phase: 'firestore',
    title: `Firestore database ${config.firestore.database} (native mode)`,
    probe: ['gcloud', 'firestore', 'databases', 'describe', `--database=${config.firestore.database}`, ...p, '--format=json'],
    apply: (s) =>
      s?.ok
        ? []
        : [[
            'gcloud', 'firestore', 'databases', 'create', `--database=${config.firestore.database}`,
            `--location=${config.firestore.location ?? config.region}`, '--type=firestore-native', ...p,
          ]],
  });

  // Without these a real database refuses the job store's filtered lists (FAILED_PRECONDITION
  // "The query requires an index"). --async: the builds run while Cloud Build builds the image
  // instead of one after another; an index still building is listed, so a rerun does not repeat it.
  steps.push({
    phase: 'firestore',
    title: `Firestore composite indexes the job store's queries need (${FIRESTORE_COMPOSITE_INDEXES.length})`,
    probe: ['gcloud', 'firestore', 'indexes', 'composite', 'list', `--database=${config.firestore.database}`, ...p, '--format=json'],
    apply: (s) =>
      missingIndexes(s, FIRESTORE_COMPOSITE_INDEXES).map((index) => [
        'gcloud', ...compositeIndexCreateArgs(index), `--database=${config.firestore.database}`, ...p, '--async',
      ]),
  });

  const queueFlags = queueSettingFlags(config, maxAttempts);
  steps.push({
    phase: 'queue',
    title: `Cloud Tasks queue ${config.queue.id} in ${config.region} with tasuki's retry and rate settings`,
    probe: ['gcloud', 'tasks', 'queues', 'describe', config.queue.id, `--location=${config.region}`, ...p, '--format=json'],
    apply: (s) => {
      const base = [config.queue.id, `--location=${config.region}`, ...queueFlags, ...p];
      if (!s?.ok) return [['gcloud', 'tasks', 'queues', 'create', ...base]];
      return queueMatches(s.stdout, config, maxAttempts) ? [] : [['gcloud', 'tasks', 'queues', 'update', ...base]];
    },
  });

  const secretsFlag = Object.keys(config.secrets).length
    ? `--set-secrets=${Object.entries(config.secrets).map(([name, ref]) => `${name}=${secretVersionRef(ref)}`).join(',')}`
    : '--clear-secrets';
  const deployFlags = [
    `--region=${config.region}`, ...p, `--source=${opts.sourceDir ?? '.'}`, `--service-account=${runtime}`,
    config.run.publicAccess === 'allUsers' ? '--allow-unauthenticated' : '--no-invoker-iam-check',
    `--timeout=${timeoutSeconds}`, `--concurrency=${config.run.concurrency}`, `--min-instances=${config.run.minInstances}`,
    `--max-instances=${config.run.maxInstances}`, `--memory=${config.run.memory}`, `--cpu=${config.run.cpu}`,
    `--env-vars-file=${opts.envFile}`, secretsFlag,
  ];
  steps.push({
    phase: 'deploy',
    title: `Cloud Run service ${config.service} (build from source, deploy)`,
    note:
      config.run.publicAccess === 'allUsers'
        ? 'public through an allUsers run.invoker binding (--allow-unauthenticated): refused where the "Domain restricted sharing" organization policy (iam.allowedPolicyMemberDomains / iam.managed.allowedPolicyMembers) applies; use run.publicAccess "no-invoker-iam-check" there'
        : 'public without allUsers: --no-invoker-iam-check turns Cloud Run\'s IAM gate off and grants nobody anything, so it meets the "Domain restricted sharing" organization policy (iam.allowedPolicyMemberDomains / iam.managed.allowedPolicyMembers); safe because tasuki verifies every token itself (add-on ID tokens, the invoker\'s OIDC tokens)',
    probe: ['gcloud', 'run', 'services', 'describe', config.service, `--region=${config.region}`, ...p, '--format=json'],
    files: (ctx) => ({ [opts.envFile]: envFileText(env(ctx)) }),
    apply: (s, ctx) => {
      const digest = deployDigest(opts.sourceDigest, env(ctx), deployFlags);
      if (s?.ok && !opts.force && labelOf(s.stdout, 'tasuki-deploy') === digest) return [];
      return [['gcloud', 'run', 'deploy', config.service, ...deployFlags, `--update-labels=tasuki-deploy=${digest}`, '--quiet']];
    },
  });

  // Read back the URL; if the deployed TASUKI_SERVICE_URL is not one of the service's URLs (e.g.
  // the deterministic URL is unavailable in this project), point it at status.url.
  steps.push({
    phase: 'service-url',
    title: 'TASUKI_SERVICE_URL matches the deployed service URL',
    probe: ['gcloud', 'run', 'services', 'describe', config.service, `--region=${config.region}`, ...p, '--format=json'],
    learn: (s, ctx) => {
      const urls = serviceUrlsOf(s.stdout);
      if (urls[0]) ctx.deployedUrl = urls[0];
      const current = envOf(s.stdout).TASUKI_SERVICE_URL;
      ctx.serviceUrlInUse = config.serviceUrl?.replace(/\/+$/, '') ?? (current && urls.includes(current) ? current : urls[0]);
    },
    apply: (s, ctx) => {
      if (config.serviceUrl) return [];
      const update = (url: string): Command => [
        'gcloud', 'run', 'services', 'update', config.service, `--region=${config.region}`, ...p, `--update-env-vars=TASUKI_SERVICE_URL=${url}`, '--quiet',
      ];
      if (!s) return [update('<status.url, only if it differs>')];
      const urls = serviceUrlsOf(s.stdout);
      const current = envOf(s.stdout).TASUKI_SERVICE_URL;
      if (!urls[0] || (current && urls.includes(current))) return [];
      return [update(urls[0])];
    },
  });

  steps.push({
    phase: 'invoker',
    title: `${invoker} may invoke the service (Cloud Tasks' and Cloud Scheduler's OIDC caller)`,
    note: config.run.publicAccess === 'allUsers' ? undefined : 'and no allUsers binding: one left from an earlier --allow-unauthenticated deploy is removed',
    probe: ['gcloud', 'run', 'services', 'get-iam-policy', config.service, `--region=${config.region}`, ...p, '--format=json'],
    apply: (s) => {
      const binding = (verb: 'add' | 'remove', member: string): Command => [
        'gcloud', 'run', 'services', `${verb}-iam-policy-binding`, config.service, `--region=${config.region}`,
        `--member=${member}`, '--role=roles/run.invoker', ...p, '--quiet',
      ];
      const cmds = missingRoles(s, `serviceAccount:${invoker}`, ['roles/run.invoker']).map(() => binding('add', `serviceAccount:${invoker}`));
      if (config.run.publicAccess !== 'allUsers' && s?.ok && missingRoles(s, 'allUsers', ['roles/run.invoker']).length === 0) cmds.push(binding('remove', 'allUsers'));
      return cmds;
    },
  });

  const schedulerJobs = schedulerJobsFor(config, env({}).TASUKI_TIMEZONE ?? 'Asia/Tokyo');
  const urlInUse = (ctx: PlanContext) => ctx.serviceUrlInUse ?? serviceUrl(ctx);
  steps.push({
    phase: 'scheduler',
    title: `Cloud Scheduler jobs in ${config.region} (${schedulerJobs.map((j) => j.id).join(', ')})`,
    note: `each POSTs to the service with an OIDC token of ${invoker} (audience: the service URL); Cloud Scheduler's service agent signs it, which needs nothing from you unless roles/cloudscheduler.serviceAgent was revoked`,
    probe: ['gcloud', 'scheduler', 'jobs', 'list', `--location=${config.region}`, ...p, '--format=json'],
    apply: (s, ctx) => {
      const existing = s?.ok ? listedSchedulerJobs(s.stdout) : new Map<string, ListedSchedulerJob>();
      const cmds: Command[] = [];
      for (const job of schedulerJobs) {
        const uri = `${urlInUse(ctx)}${job.path}`;
        const have = existing.get(job.id);
        const common = [
          job.id, `--location=${config.region}`, `--schedule=${job.schedule}`, `--time-zone=${job.timeZone}`, `--uri=${uri}`,
          '--http-method=POST', `--oidc-service-account-email=${invoker}`, `--oidc-token-audience=${urlInUse(ctx)}`,
          `--attempt-deadline=${job.attemptDeadline}`, `--max-retry-attempts=${job.maxRetryAttempts}`, `--description=${job.description}`, ...p,
        ];
        if (!have) cmds.push(['gcloud', 'scheduler', 'jobs', 'create', 'http', ...common]);
        else if (!schedulerJobMatches(have, job, uri, invoker, urlInUse(ctx))) cmds.push(['gcloud', 'scheduler', 'jobs', 'update', 'http', ...common]);
      }
      const wanted = new Set(schedulerJobs.map((j) => j.id));
      for (const id of existing.keys()) {
        if (id.startsWith(`${config.service}-`) && !wanted.has(id)) cmds.push(['gcloud', 'scheduler', 'jobs', 'delete', id, `--location=${config.region}`, ...p, '--quiet']);
      }
      return cmds;
    },
  });

  return { steps, schedulerJobs, env, serviceUrl, maxAttempts, timeoutSeconds };
}

/**
 * The deployment's Cloud Scheduler jobs: the reconciler's sweep every minute (issue 9: it ends
 * jobs whose task is gone), and one per configured schedule, in the schedule's time zone (the
 * office's by default). A schedule's firing retries three times; the sweep does not (the next
 * minute is its retry).
 */
export function schedulerJobsFor(config: DeployConfig, officeTimeZone: string): SchedulerJob[] {
  return [
    {
      id: `${config.service}-sweep`, description: 'tasuki: reconcile jobs whose task is gone (POST /tasks/sweep)',
      schedule: '* * * * *', timeZone: 'Etc/UTC', path: '/tasks/sweep', attemptDeadline: '60s', maxRetryAttempts: 0,
    },
    ...config.schedules.map((s) => ({
      id: `${config.service}-schedule-${s.id}`,
      description: `tasuki schedule ${s.id}: ${s.description ?? s.kind}`,
      schedule: s.cron.trim(),
      timeZone: s.timeZone ?? officeTimeZone,
      path: `/schedules/${s.id}/run`,
      attemptDeadline: '180s',
      maxRetryAttempts: 3,
    })),
  ];
}

type ListedSchedulerJob = {
  schedule?: string;
  timeZone?: string;
  description?: string;
  attemptDeadline?: string;
  retryConfig?: { retryCount?: number };
  httpTarget?: { uri?: string; httpMethod?: string; oidcToken?: { serviceAccountEmail?: string; audience?: string } };
};

/** `gcloud scheduler jobs list --format=json` by job id. */
function listedSchedulerJobs(json: string): Map<string, ListedSchedulerJob> {
  let list: unknown;
  try {
    list = JSON.parse(json || '[]');
  } catch {
    return new Map();
  }
  return new Map(
    (Array.isArray(list) ? list : []).flatMap((j: ListedSchedulerJob & { name?: string }) => {
      const id = /\/jobs\/([^/]+)$/.exec(j.name ?? '')?.[1];
      return id ? [[id, j] as const] : [];
    }),
  );
}

function schedulerJobMatches(have: ListedSchedulerJob, job: SchedulerJob, uri: string, invoker: string, audience: string): boolean {
  const t = have.httpTarget ?? {};
  return (
    have.schedule === job.schedule &&
    have.timeZone === job.timeZone &&
    have.description === job.description &&
    Number.parseFloat(have.attemptDeadline ?? '') === Number.parseFloat(job.attemptDeadline) &&
    Number(have.retryConfig?.retryCount ?? 0) === job.maxRetryAttempts &&
    t.uri === uri &&
    (t.httpMethod ?? 'POST') === 'POST' &&
    t.oidcToken?.serviceAccountEmail === invoker &&
    t.oidcToken?.audience === audience
  );
}

function queueSettingFlags(config: DeployConfig, maxAttempts: number): string[] {
  const s = TASUKI_QUEUE_SETTINGS;
  return [
    `--max-attempts=${maxAttempts}`,
    `--min-backoff=${s.minBackoffSeconds}s`,
    `--max-backoff=${s.maxBackoffSeconds}s`,
    `--max-doublings=${s.maxDoublings}`,
    `--max-retry-duration=${s.maxRetryDurationSeconds}s`,
    `--max-dispatches-per-second=${config.queue.maxDispatchesPerSecond ?? s.maxDispatchesPerSecond}`,
    `--max-concurrent-dispatches=${config.queue.maxConcurrentDispatches ?? s.maxConcurrentDispatches}`,
  ];
}

/** Whether a described queue (gcloud --format=json) already has tasuki's settings. */
export function queueMatches(describeJson: string, config: DeployConfig, maxAttempts: number): boolean {
  const s = TASUKI_QUEUE_SETTINGS;
  let q: { retryConfig?: Record<string, unknown>; rateLimits?: Record<string, unknown> };
  try {
    q = JSON.parse(describeJson);
  } catch {
    return false;
  }
  const r = q.retryConfig ?? {};
  const rate = q.rateLimits ?? {};
  const seconds = (v: unknown) => (typeof v === 'string' ? Number.parseFloat(v) : Number.NaN);
  return (
    Number(r.maxAttempts) === maxAttempts &&
    seconds(r.minBackoff) === s.minBackoffSeconds &&
    seconds(r.maxBackoff) === s.maxBackoffSeconds &&
    Number(r.maxDoublings ?? 0) === s.maxDoublings &&
    (seconds(r.maxRetryDuration) || 0) === s.maxRetryDurationSeconds &&
    Number(rate.maxDispatchesPerSecond) === (config.queue.maxDispatchesPerSecond ?? s.maxDispatchesPerSecond) &&
    Number(rate.maxConcurrentDispatches) === (config.queue.maxConcurrentDispatches ?? s.maxConcurrentDispatches)
  );
}

/**
 * The indexes from `wanted` a `gcloud firestore indexes composite list --format=json` result does
 * not hold: same collection group, query scope COLLECTION and fields in order. Firestore appends
 * `__name__` to every composite index it reports; that trailing field is not part of the match.
 */
export function missingIndexes(state: ProbeResult | undefined, wanted: readonly FirestoreIndex[]): FirestoreIndex[] {
  if (!state?.ok) return [...wanted];
  let listed: unknown;
  try {
    listed = JSON.parse(state.stdout || '[]');
  } catch {
    return [...wanted];
  }
  const have = new Set((Array.isArray(listed) ? listed : []).flatMap((i) => {
    const index = i as { name?: string; queryScope?: string; fields?: { fieldPath?: string; order?: string }[] };
    const group = /\/collectionGroups\/([^/]+)\/indexes\//.exec(index.name ?? '')?.[1];
    if (!group || (index.queryScope ?? 'COLLECTION') !== 'COLLECTION') return [];
    const fields = (index.fields ?? []).map((f) => ({ fieldPath: f.fieldPath ?? '', order: (f.order ?? '').toLowerCase() }));
    if (fields.at(-1)?.fieldPath === '__name__') fields.pop();
    return [indexKey(group, fields)];
  }));
  return wanted.filter((w) => !have.has(indexKey(w.collectionGroup, w.fields)));
}

function indexKey(group: string, fields: readonly { fieldPath: string; order: string }[]): string {
  return JSON.stringify([group, fields.map((f) => `${f.fieldPath} ${f.order}`)]);
}

/** Roles from `wanted` that `member` does not hold (unconditionally) in an IAM policy JSON. */
export function missingRoles(state: ProbeResult | undefined, member: string, wanted: readonly string[]): string[] {
  if (!state?.ok) return [...wanted];
  let policy: { bindings?: { role?: string; members?: string[]; condition?: unknown }[] };
  try {
    policy = JSON.parse(state.stdout || '{}');
  } catch {
    return [...wanted];
  }
  const held = new Set(
    (policy.bindings ?? []).filter((b) => !b.condition && b.members?.includes(member)).map((b) => b.role),
  );
  return wanted.filter((role) => !held.has(role));
}

function uniqueSecretNames(config: DeployConfig): string[] {
  return [...new Set(Object.values(config.secrets).map(secretName))];
}

/** YAML for gcloud --env-vars-file: every value a double-quoted (JSON-escaped) string. */
export function envFileText(env: Record<string, string>): string {
  return Object.entries(env).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join('\n') + '\n';
}

export function deployDigest(sourceDigest: string, env: Record<string, string>, flags: readonly string[]): string {
  const flagsWithoutFile = flags.filter((f) => !f.startsWith('--env-vars-file='));
  return createHash('sha256').update(JSON.stringify({ sourceDigest, env, flags: flagsWithoutFile })).digest('hex').slice(0, 40);
}

type ServiceJson = {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  status?: { url?: string; address?: { url?: string } };
  spec?: { template?: { spec?: { containers?: { env?: { name: string; value?: string }[] }[] } } };
};

function parseService(json: string): ServiceJson {
  try {
    return JSON.parse(json) as ServiceJson;
  } catch {
    return {};
  }
}

function labelOf(json: string, label: string): string | undefined {
  return parseService(json).metadata?.labels?.[label];
}

/** status.url first, then every other URL the service answers on (run.googleapis.com/urls). */
export function serviceUrlsOf(json: string): string[] {
  const svc = parseService(json);
  const urls: string[] = [];
  if (svc.status?.url) urls.push(svc.status.url);
  const annotated = svc.metadata?.annotations?.['run.googleapis.com/urls'];
  if (annotated) {
    try {
      for (const u of JSON.parse(annotated) as unknown[]) if (typeof u === 'string' && !urls.includes(u)) urls.push(u);
    } catch {
      // not a JSON list: ignore
    }
  }
  return urls;
}

export function envOf(json: string): Record<string, string> {
  const container = parseService(json).spec?.template?.spec?.containers?.[0];
  return Object.fromEntries((container?.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]));
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}
