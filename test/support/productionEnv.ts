/**
 * A complete production configuration made of fake but well-formed values: exactly the
 * environment `npm run deploy` gives the service for deploy.config.example.json, plus stand-ins
 * for the Secret Manager values it mounts. Used by the production start tests and, printed as an
 * env file (`npx tsx test/support/productionEnv.ts`), by .ci/container.sh to run the image.
 * MINIMAL_PRODUCTION_ENV is the other end: only what production requires.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseDeployConfig, serviceEnv } from '../../scripts/deploy/deployConfig.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

/**
 * The fewest variables production mode starts with, everything else left to its default (tests
 * of the defaults and of what production refuses start from it).
 */
export const MINIMAL_PRODUCTION_ENV: Readonly<Record<string, string>> = {
  TASUKI_MODE: 'production', TASUKI_SERVICE_URL: 'https://tasuki.example.run.app',
  TASUKI_SCRIPT_CLIENT_ID: '1-abc.apps.googleusercontent.com', TASUKI_INVOKER_SA: 'inv@p.iam.gserviceaccount.com',
  GOOGLE_CLOUD_PROJECT: 'my-project', TASUKI_TASKS_LOCATION: 'asia-northeast1', TASUKI_CHAT_SPACE: 'spaces/AAAA',
  TASUKI_PROJECTS_FOLDER_ID: 'a', TASUKI_TEMPLATE_FOLDER_ID: 'b', TASUKI_LEDGER_SPREADSHEET_ID: 'c',
  TASUKI_SCHEDULE_SPREADSHEET_ID: 'd', TASUKI_CALENDAR_ID: 'e', TASUKI_ESTIMATE_TEMPLATE_DOC_ID: 'f',
  TASUKI_INVOICE_TEMPLATE_DOC_ID: 'g', TASUKI_ALLOWED_DOMAINS: 'example.co.jp',
};

export function productionEnv(): Record<string, string> {
  const config = parseDeployConfig(JSON.parse(readFileSync(join(ROOT, 'deploy.config.example.json'), 'utf8')));
  const env = serviceEnv(config, { serviceUrl: 'https://tasuki-123456789012.asia-northeast1.run.app', maxAttempts: config.queue.maxAttempts ?? 8 });
  for (const name of Object.keys(config.secrets)) env[name] = `fake-${name.toLowerCase()}`;
  return env;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const [k, v] of Object.entries(productionEnv())) process.stdout.write(`${k}=${v}\n`);
}
