/**
 * deploy.config.json: what `npm run deploy` needs to know about one Google Cloud deployment of
 * tasuki, validated by zod with errors that name the field. deploy.config.example.json is the
 * documented sample.
 *
 * It holds names and ids only, never secret values: a portal credential is given as the *name* of
 * a Secret Manager secret, which Cloud Run mounts as an environment variable. A secret-looking
 * variable put under `env` is refused (without echoing its value).
 *
 * `serviceEnv` turns the file into the service's production environment (service/config.ts
 * variables); `checkServiceEnv` runs the service's own validation over it, so a deployment that
 * would refuse to start is rejected before any command runs.
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { ConfigError, ConfigShape, loadConfig, VARIABLE_OF, VARIABLES, type VariableDoc, type VariableName } from '../../service/config.js';
import { ScheduleConfig } from '../../service/schedules/schedule.js';

const region = ConfigShape.shape.tasksLocation;
const accountId = z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'must be a service account id (6–30 lowercase letters, digits, hyphens)');
/** Secret Manager secret name, optionally with :version (default latest). */
const secretRef = z.string().regex(/^[A-Za-z0-9_-]{1,255}(:(latest|\d+))?$/, 'must be a Secret Manager secret name, optionally name:version');
const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);

export const DeployConfig = z
  .object({
    $comment: z.unknown().optional(),
    project: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'must be a Google Cloud project id like my-project'),
    region,
    service: z.string().regex(/^[a-z][a-z0-9-]{0,48}[a-z0-9]$/, 'must be a Cloud Run service name (lowercase letters, digits, hyphens)').default('tasuki'),
    serviceAccounts: z
      .object({ runtime: accountId.default('tasuki-runtime'), invoker: accountId.default('tasuki-invoker') })
      .strict()
      .default({ runtime: 'tasuki-runtime', invoker: 'tasuki-invoker' }),
    firestore: z
      .object({ database: z.string().min(1).default('(default)'), location: z.string().min(1).optional() })
      .strict()
      .default({ database: '(default)' }),
    /** Queue id; retry and rate settings come from service/queue (tasuki's own), optionally overridden. */
    queue: z
      .object({
        id: ConfigShape.shape.tasksQueue.default('tasuki-jobs'),
        maxAttempts: z.number().int().min(-1).max(1000).optional(),
        maxDispatchesPerSecond: z.number().positive().max(500).optional(),
        maxConcurrentDispatches: z.number().int().min(1).max(5000).optional(),
      })
      .strict()
      .default({ id: 'tasuki-jobs' }),
    dispatchDeadlineSeconds: z.number().int().min(15).max(1800).default(600),
    run: z
      .object({
        concurrency: z.number().int().min(1).max(1000).default(10),
        minInstances: z.number().int().min(0).max(100).default(0),
        maxInstances: z.number().int().min(1).max(1000).default(3),
        memory: z.string().regex(/^\d+(Mi|Gi)$/, 'must look like 512Mi or 1Gi').default('1Gi'),
        cpu: z.string().regex(/^\d+(\.\d+)?$/, 'must be a number of CPUs like 1').default('1'),
        /**
         * How the service is public. tasuki verifies every token itself (the add-on's ID token,
         * the invoker's OIDC token), so Cloud Run's own IAM gate stays open:
         * - no-invoker-iam-check (default): `--no-invoker-iam-check`, no IAM binding at all, so it
         *   works under the "Domain restricted sharing" organization policy
         *   (iam.allowedPolicyMemberDomains / iam.managed.allowedPolicyMembers), where an allUsers
         *   binding is refused. Google's recommended way.
         * - allUsers: `--allow-unauthenticated` (roles/run.invoker for allUsers), only where no
         *   such policy applies.
         */
        publicAccess: z.enum(['no-invoker-iam-check', 'allUsers']).default('no-invoker-iam-check'),
      })
      .strict()
      .default({ concurrency: 10, minInstances: 0, maxInstances: 3, memory: '1Gi', cpu: '1', publicAccess: 'no-invoker-iam-check' }),
    /** Who may enqueue jobs: Workspace domains and extra addresses. */
    access: z
      .object({ domains: z.array(z.string().min(1)).default([]), emails: z.array(z.string().email()).default([]) })
      .strict(),
    /** OAuth client ID of the Apps Script project (audience of the add-on's ID tokens). */
    scriptClientId: z.string().regex(/\.apps\.googleusercontent\.com$/, 'must be an OAuth client ID ending in .apps.googleusercontent.com'),
    /** Fixed public URL (e.g. a custom domain); default: the Cloud Run URL. */
    serviceUrl: z.string().url().optional(),
    /** The service's Workspace ids, checked as the service checks them (the Chat space by checkServiceEnv). */
    workspace: ConfigShape.pick({
      projectsFolderId: true,
      templateFolderId: true,
      ledgerSpreadsheetId: true,
      scheduleSpreadsheetId: true,
      calendarId: true,
      estimateTemplateDocId: true,
      invoiceTemplateDocId: true,
    })
      .extend({ chatSpace: z.string() })
      .strict(),
    /** Any other service variables (service/config.ts), e.g. TASUKI_TIMEZONE, TASUKI_PORTALS. */
    env: z.record(z.string(), z.union([scalar, z.array(z.unknown()), z.record(z.string(), z.unknown())])).default({}),
    /**
     * Recurring jobs (service/schedules/schedule.ts): each becomes a Cloud Scheduler job calling
     * POST /schedules/<id>/run with the invoker's OIDC token, and TASUKI_SCHEDULES for the service.
     */
    schedules: z.array(ScheduleConfig).default([]),
    /** Whom scheduled jobs are enqueued as (TASUKI_SCHEDULE_USER); an allowed user. */
    scheduleUser: z.string().email().optional(),
    /** Environment variable → Secret Manager secret name (portal credentials). */
    secrets: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'must be an environment variable name'), secretRef).default({}),
  })
  .strict();
export type DeployConfig = z.infer<typeof DeployConfig>;

export class DeployConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`deploy configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'DeployConfigError';
  }
}

/** Variables the deploy script derives from the structured fields; `env` may not set them. */
const DERIVED: readonly VariableName[] = [
  'TASUKI_MODE', 'GOOGLE_CLOUD_PROJECT', 'TASUKI_TASKS_LOCATION', 'TASUKI_TASKS_QUEUE', 'TASUKI_QUEUE_MAX_ATTEMPTS',
  'TASUKI_DISPATCH_DEADLINE_SECONDS', 'TASUKI_INVOKER_SA', 'TASUKI_SCRIPT_CLIENT_ID', 'TASUKI_ALLOWED_DOMAINS',
  'TASUKI_ALLOWED_EMAILS', 'TASUKI_FIRESTORE_DATABASE', 'TASUKI_STORE', 'TASUKI_SERVICE_URL', 'PORT',
  'TASUKI_SCHEDULES', 'TASUKI_SCHEDULE_USER',
  ...workspaceFields().map((field) => VARIABLE_OF[field]),
];

function workspaceFields(): (keyof DeployConfig['workspace'])[] {
  return Object.keys(DeployConfig.shape.workspace.shape) as (keyof DeployConfig['workspace'])[];
}
const SECRET_LOOKING = /(PASSWORD|SECRET|TOKEN|PRIVATE_KEY|CREDENTIALS?)$|^TASUKI_PORTAL_.+_USER$/;

export function parseDeployConfig(data: unknown, source = 'deploy config'): DeployConfig {
  const parsed = DeployConfig.safeParse(data);
  if (!parsed.success) {
    throw new DeployConfigError(
      parsed.error.issues.map((i) => `${source}: ${i.path.join('.') || '(top level)'}: ${i.message}`),
    );
  }
  const config = parsed.data;
  const problems: string[] = [];
  for (const name of Object.keys(config.env)) {
    if (!(name in VARIABLES)) problems.push(`env.${name}: not a tasuki variable (see the configuration reference in README.md)`);
    else if ((DERIVED as readonly string[]).includes(name)) problems.push(`env.${name}: set by the deploy script from the structured fields; remove it from env`);
    else if ((VARIABLES[name as VariableName] as VariableDoc).only === 'local') problems.push(`env.${name}: only allowed in local mode`);
    if (SECRET_LOOKING.test(name) || (name in VARIABLES && (VARIABLES[name as VariableName] as VariableDoc).secret)) {
      problems.push(`env.${name}: looks like a secret; store it in Secret Manager and name the secret under "secrets" instead`);
    }
  }
  for (const name of Object.keys(config.secrets)) {
    if (name in config.env) problems.push(`secrets.${name}: also set under env; set it in one place`);
    if ((DERIVED as readonly string[]).includes(name)) problems.push(`secrets.${name}: derived by the deploy script; it cannot be a secret`);
  }
  if (config.access.domains.length === 0 && config.access.emails.length === 0) {
    problems.push('access: name at least one Workspace domain (access.domains) or e-mail address (access.emails)');
  }
  if (config.run.minInstances > config.run.maxInstances) problems.push('run.minInstances is larger than run.maxInstances');
  if (problems.length) throw new DeployConfigError(problems.map((p) => `${source}: ${p}`));
  return config;
}

/**
 * Fields that still hold deploy.config.example.json's sample value (a copied file not yet filled
 * in): the project, the add-on's client id, who may use tasuki, the Workspace ids, the schedule
 * user and the portals' addresses. Each is a warning line naming the field; the deploy goes on
 * (a placeholder client id is the documented first run).
 */
export function placeholderWarnings(config: DeployConfig, example: unknown): string[] {
  const mine = leaves(config);
  const watched = /^(project|scriptClientId|workspace\.|access\.|scheduleUser$|env\.TASUKI_PORTALS\..*url$)/;
  return [...leaves(example)]
    .filter(([path, value]) => watched.test(path) && mine.get(path) === value)
    .map(([path, value]) => `${path} still holds the example's placeholder "${value}"; put your own value in deploy.config.json`);
}

function leaves(value: unknown, path = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) leaves(v, path ? `${path}.${k}` : k, out);
  } else {
    out.set(path, value);
  }
  return out;
}

export function readDeployConfig(path: string): DeployConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new DeployConfigError([
      `${path} could not be read (${(err as NodeJS.ErrnoException).code ?? String(err)}); copy deploy.config.example.json to deploy.config.json and fill it in, or pass --config <file>`,
    ]);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new DeployConfigError([`${path} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`]);
  }
  return parseDeployConfig(data, path);
}

export function serviceAccountEmail(config: DeployConfig, which: 'runtime' | 'invoker'): string {
  return `${config.serviceAccounts[which]}@${config.project}.iam.gserviceaccount.com`;
}

/** The secret reference Cloud Run takes: name:version. */
export function secretVersionRef(ref: string): string {
  return ref.includes(':') ? ref : `${ref}:latest`;
}

export function secretName(ref: string): string {
  return ref.split(':')[0]!;
}

/**
 * The service's production environment (plain variables only; secrets are mounted separately).
 * `serviceUrl` is the URL the service will have (known before the first deploy, see plan.ts).
 */
export function serviceEnv(config: DeployConfig, opts: { serviceUrl: string; maxAttempts: number }): Record<string, string> {
  const extra = Object.fromEntries(
    Object.entries(config.env).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  );
  return {
    TASUKI_MODE: 'production',
    GOOGLE_CLOUD_PROJECT: config.project,
    TASUKI_SERVICE_URL: opts.serviceUrl,
    TASUKI_SCRIPT_CLIENT_ID: config.scriptClientId,
    TASUKI_ALLOWED_DOMAINS: config.access.domains.join(','),
    TASUKI_ALLOWED_EMAILS: config.access.emails.join(','),
    TASUKI_INVOKER_SA: serviceAccountEmail(config, 'invoker'),
    TASUKI_TASKS_LOCATION: config.region,
    TASUKI_TASKS_QUEUE: config.queue.id,
    TASUKI_QUEUE_MAX_ATTEMPTS: String(opts.maxAttempts),
    TASUKI_DISPATCH_DEADLINE_SECONDS: String(config.dispatchDeadlineSeconds),
    TASUKI_STORE: 'firestore',
    TASUKI_FIRESTORE_DATABASE: config.firestore.database,
    ...Object.fromEntries(workspaceFields().map((field) => [VARIABLE_OF[field], config.workspace[field]])),
    ...(config.schedules.length ? { TASUKI_SCHEDULES: JSON.stringify(config.schedules) } : {}),
    ...(config.scheduleUser ? { TASUKI_SCHEDULE_USER: config.scheduleUser } : {}),
    ...extra,
  };
}

/**
 * Runs the service's own production validation over the environment the deployment will have
 * (secrets stand in as placeholders), so a configuration the service would refuse at start is
 * refused here, before anything is created.
 */
export function checkServiceEnv(config: DeployConfig, env: Record<string, string>): void {
  const withSecrets: Record<string, string> = { ...env };
  for (const name of Object.keys(config.secrets)) withSecrets[name] = 'from-secret-manager';
  try {
    loadConfig(withSecrets);
  } catch (err) {
    if (err instanceof ConfigError) {
      throw new DeployConfigError(err.problems.map((p) => `the service would refuse this configuration: ${p}`));
    }
    throw err;
  }
}
