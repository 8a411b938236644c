/**
 * `npm run deploy [-- --config <file>] [--dry-run] [--force]`: puts tasuki on Google Cloud with
 * gcloud, following the plan in scripts/deploy/plan.ts (APIs, service accounts, IAM, Firestore,
 * the Cloud Tasks queue, the Cloud Run service, the invoker binding), then prints what the add-on
 * needs (service URL for urlFetchWhitelist and the TASUKI_SERVICE_URL Script Property, token
 * audiences).
 *
 * --dry-run prints every command in order and runs none (not even the read-only checks), so it
 * works without gcloud or credentials. --check runs only the preflight: it mints an ID token of
 * the invoker account (gcloud impersonation; needs roles/iam.serviceAccountTokenCreator on it)
 * and asks the deployed service's POST /preflight, which tries every configured resource with
 * the runtime identity and prints ✓ or ✗ with the fix per line. Every real deploy ends with the
 * same check (--no-check skips it); a failed check makes the exit code 1. A real run checks each resource first and runs only what
 * is missing or different; a second run over an unchanged project changes nothing. --force
 * redeploys the Cloud Run service even when its source and settings are unchanged.
 *
 * The configuration (default deploy.config.json, see deploy.config.example.json) holds names and
 * ids only; secrets are referenced by Secret Manager name, and no secret value is ever printed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeployConfigError, placeholderWarnings, readDeployConfig, serviceAccountEmail, type DeployConfig } from './deploy/deployConfig.js';
import { buildPlan, envOf, serviceUrlsOf, type Command, type Plan, type PlanContext, type ProbeResult } from './deploy/plan.js';
import { askPreflight, preflightLines, type PreflightAnswer } from './preflight.js';
import { sourceDigest } from './deploy/sourceDigest.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

type Options = { config: string; dryRun: boolean; force: boolean; check: boolean; noCheck: boolean; gcloud: string; source: string; help: boolean };

/** Runs one gcloud command: captured (checks) or with its output shown (changes). */
export type Gcloud = (args: readonly string[], capture: boolean) => ProbeResult;
export type DeployIO = {
  out(line: string): void;
  err(line: string): void;
  gcloud?: Gcloud;
  /** Asks <serviceUrl>/preflight (tests answer without a network). */
  preflight?: (serviceUrl: string, token: string) => Promise<PreflightAnswer>;
};

const consoleIO: DeployIO = { out: (l) => console.log(l), err: (l) => console.error(l) };

const USAGE = `usage: npm run deploy -- [--config deploy.config.json] [--dry-run | --check] [--force] [--no-check]
  --config <file>  deployment configuration (default deploy.config.json; see deploy.config.example.json)
  --dry-run        print every command in order, run nothing
  --check          only the preflight: can the deployed service use every configured resource?
  --no-check       deploy without the preflight at the end
  --force          redeploy the Cloud Run service even if its source and settings are unchanged
  --source <dir>   the checkout to build the image from (default: this repository)
  --gcloud <path>  gcloud executable (default: gcloud on PATH)`;

function parseArgs(argv: string[]): Options {
  const opts: Options = { config: 'deploy.config.json', dryRun: false, force: false, check: false, noCheck: false, gcloud: 'gcloud', source: ROOT, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (!v || v.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--dry-run') opts.dryRun = true;
    else if (arg === '--force') opts.force = true;
    else if (arg === '--check') opts.check = true;
    else if (arg === '--no-check') opts.noCheck = true;
    else if (arg === '--config') opts.config = value();
    else if (arg.startsWith('--config=')) opts.config = arg.slice('--config='.length);
    else if (arg === '--gcloud') opts.gcloud = value();
    else if (arg === '--source') opts.source = resolve(value());
    else if (arg === '--help' || arg === '-h') opts.help = true;
    else throw new UsageError(`unknown argument ${arg}`);
  }
  return opts;
}

class UsageError extends Error {}

/** POSIX-shell quoting, so a printed command can be pasted as is. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

const show = (cmd: Command) => cmd.map(shellQuote).join(' ');

function dryRun(config: DeployConfig, plan: Plan, io: DeployIO): void {
  const ctx: PlanContext = {};
  io.out(`# tasuki deployment plan for project ${config.project}, region ${config.region}, service ${config.service}`);
  io.out('# Dry run: nothing below has been run. Lines starting with "check:" are read-only; a real run');
  io.out('# runs each command only if its check shows the resource missing or different.');
  plan.steps.forEach((step, i) => {
    io.out(`\n# ${i + 1}. [${step.phase}] ${step.title}`);
    if (step.note) io.out(`# note: ${step.note}`);
    if (step.probe) io.out(`# check: ${show(step.probe)}`);
    for (const [path, text] of Object.entries(step.files?.(ctx) ?? {})) {
      io.out(`# writes ${path}:`);
      for (const line of text.trimEnd().split('\n')) io.out(`#   ${line}`);
    }
    const cmds = step.apply(undefined, ctx);
    if (cmds.length === 0) io.out('# (nothing to change; reads values for later steps)');
    for (const cmd of cmds) io.out(show(cmd));
  });
  printAddonValues(config, plan, ctx, io);
}

function spawnGcloud(opts: Options): Gcloud {
  return (args, capture) => {
    const res = spawnSync(opts.gcloud, args, { cwd: ROOT, encoding: 'utf8', stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    if (res.error) {
      throw new Error(`could not run ${opts.gcloud}: ${res.error.message}. Install the Google Cloud CLI (https://cloud.google.com/sdk/docs/install) or pass --gcloud <path>.`);
    }
    return { ok: res.status === 0, stdout: res.stdout ?? '', stderr: res.stderr ?? '' };
  };
}

function run(config: DeployConfig, plan: Plan, gcloud: Gcloud, io: DeployIO): PlanContext {
  const account = gcloud(['auth', 'list', '--filter=status:ACTIVE', '--format=value(account)'], true);
  if (!account.ok || !account.stdout.trim()) throw new Error('gcloud has no active account; run `gcloud auth login` first.');
  io.out(`Deploying tasuki to project ${config.project} as ${account.stdout.trim()}`);

  const ctx: PlanContext = {};
  let changes = 0;
  plan.steps.forEach((step, i) => {
    const prefix = `[${i + 1}/${plan.steps.length}] ${step.title}`;
    let state: ProbeResult | undefined;
    if (step.probe) {
      state = gcloud(step.probe.slice(1), true);
      step.learn?.(state, ctx);
    }
    const cmds = step.apply(state ?? { ok: true, stdout: '', stderr: '' }, ctx);
    if (cmds.length === 0) {
      io.out(`${prefix}: up to date`);
      return;
    }
    io.out(`${prefix}:`);
    if (step.note) io.out(`  (${step.note})`);
    for (const [path, text] of Object.entries(step.files?.(ctx) ?? {})) writeFileSync(path, text, { mode: 0o600 });
    for (const cmd of cmds) {
      io.out(`  $ ${show(cmd)}`);
      const res = gcloud(cmd.slice(1), false);
      if (!res.ok) throw new Error(`step "${step.title}" failed at: ${show(cmd)}`);
      changes++;
    }
  });
  io.out(changes ? `\nDone: ${changes} command(s) changed the project.` : '\nDone: everything was already up to date; nothing changed.');
  printAddonValues(config, plan, ctx, io);
  return ctx;
}

/** The URL the deployed service answers on and checks tokens against (its TASUKI_SERVICE_URL). */
function deployedServiceUrl(config: DeployConfig, gcloud: Gcloud): string {
  if (config.serviceUrl) return config.serviceUrl.replace(/\/+$/, '');
  const described = gcloud(['run', 'services', 'describe', config.service, `--region=${config.region}`, '--project', config.project, '--format=json'], true);
  const url = described.ok ? envOf(described.stdout).TASUKI_SERVICE_URL ?? serviceUrlsOf(described.stdout)[0] : undefined;
  if (!url) throw new Error(`cannot read the service ${config.service} in ${config.region} (${described.stderr.trim().split('\n')[0] || 'not deployed'}); run npm run deploy first`);
  return url;
}

/**
 * The preflight against the deployed service, as the invoker account (the only caller /preflight
 * accepts); prints one line per check. True when every check passed.
 */
async function checkDeployed(config: DeployConfig, serviceUrl: string, gcloud: Gcloud, io: DeployIO): Promise<boolean> {
  const invoker = serviceAccountEmail(config, 'invoker');
  io.out(`\nPreflight: ${serviceUrl}/preflight, as ${invoker}`);
  const minted = gcloud(['auth', 'print-identity-token', `--impersonate-service-account=${invoker}`, `--audiences=${serviceUrl}`, '--include-email'], true);
  const token = minted.ok ? minted.stdout.trim().split('\n').pop() : undefined;
  if (!token) {
    io.err(`deploy: cannot mint an ID token of ${invoker} (${minted.stderr.trim().split('\n')[0] ?? ''}). Let your account impersonate it, then run npm run deploy -- --check:`);
    io.err(`  gcloud iam service-accounts add-iam-policy-binding ${invoker} --member=user:$(gcloud config get-value account) --role=roles/iam.serviceAccountTokenCreator --project ${config.project}`);
    return false;
  }
  let answer: PreflightAnswer;
  try {
    answer = await (io.preflight ?? askPreflight)(serviceUrl, token);
  } catch (err) {
    io.err(`deploy: preflight: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  }
  for (const line of preflightLines(answer)) (line.startsWith('✗') || line.startsWith('    ') ? io.err : io.out)(line);
  return answer.ok;
}

function printAddonValues(config: DeployConfig, plan: Plan, ctx: PlanContext, io: DeployIO): void {
  const url = ctx.deployedUrl && !config.serviceUrl ? ctx.deployedUrl : plan.serviceUrl(ctx);
  const env = plan.env(ctx);
  io.out(`
# Values for the add-on (README: "Push the add-on")
#   Service URL:                    ${url}
#   appsscript.json urlFetchWhitelist: ${url}/   (npm run build writes it from TASUKI_SERVICE_URL)
#   Build and push:                 TASUKI_SERVICE_URL=${url} npm run push
#   Script Property (optional):     TASUKI_SERVICE_URL = ${url}   (overrides the built-in URL without a rebuild)
#   Add-on ID token audience:       ${env.TASUKI_SCRIPT_CLIENT_ID}
#       ScriptApp.getIdentityToken() is issued for the OAuth client of the Cloud project linked to the
#       Apps Script project; it must equal TASUKI_SCRIPT_CLIENT_ID or every enqueue answers 401.
#   Cloud Tasks OIDC:               audience ${env.TASUKI_SERVICE_URL}, signed as ${serviceAccountEmail(config, 'invoker')}
#   Allowed users:                  ${[env.TASUKI_ALLOWED_DOMAINS, env.TASUKI_ALLOWED_EMAILS].filter(Boolean).join(', ')}
#   Chat app: configure it as a Workspace add-on (\`npm run chat-config\` prints every setting) and add it
#       to ${env.TASUKI_CHAT_SPACE}.
#   Workspace access for ${serviceAccountEmail(config, 'runtime')}:
#       the folders and Docs templates must be in a shared drive where it is a Content manager
#       (a service account has no My Drive storage: files it creates elsewhere fail with storageQuotaExceeded);
#       the spreadsheets Editor, the calendar "Make changes to events". README: "Give the runtime account its Workspace access".`);
}

/** The whole command: resolves with the exit code (0 done, 1 failed or the preflight found problems, 2 usage). */
export async function deploy(argv: string[], io: DeployIO = consoleIO): Promise<number> {
  let opts: Options;
  try {
    opts = parseArgs(argv);
  } catch (err) {
    io.err(`deploy: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (opts.help) {
    io.out(USAGE);
    return 0;
  }
  const workDir = mkdtempSync(join(tmpdir(), 'tasuki-deploy-'));
  try {
    const config = readDeployConfig(resolve(process.cwd(), opts.config));
    for (const warning of placeholderWarnings(config, JSON.parse(readFileSync(join(ROOT, 'deploy.config.example.json'), 'utf8')))) {
      io.err(`deploy: warning: ${warning}`);
    }
    const plan = buildPlan(config, {
      envFile: join(workDir, 'env.yaml'),
      sourceDir: opts.source === ROOT ? '.' : opts.source,
      sourceDigest: sourceDigest(opts.source),
      force: opts.force,
    });
    if (opts.dryRun) {
      dryRun(config, plan, io);
      return 0;
    }
    const gcloud = io.gcloud ?? spawnGcloud(opts);
    if (opts.check) return (await checkDeployed(config, deployedServiceUrl(config, gcloud), gcloud, io)) ? 0 : 1;
    const ctx = run(config, plan, gcloud, io);
    if (opts.noCheck) return 0;
    const ok = await checkDeployed(config, ctx.serviceUrlInUse ?? plan.serviceUrl(ctx), gcloud, io);
    if (!ok) io.err('deploy: the deployment is done, but the preflight found problems (above); fix them and run npm run deploy -- --check');
    return ok ? 0 : 1;
  } catch (err) {
    if (err instanceof DeployConfigError) io.err(`deploy: ${err.message}`);
    else io.err(`deploy: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = await deploy(process.argv.slice(2));
