/**
 * A complete production configuration made of fake but well-formed values: exactly the
 * environment `npm run deploy` gives the service for deploy.config.example.json, plus stand-ins
 * for the Secret Manager values it mounts. Used by the production start tests and, printed as an
 * env file (`npx tsx test/support/productionEnv.ts`), by .ci/container.sh to run the image.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseDeployConfig, serviceEnv } from '../../scripts/deploy/deployConfig.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

export function productionEnv(): Record<string, string> {
  const config = parseDeployConfig(JSON.parse(readFileSync(join(ROOT, 'deploy.config.example.json'), 'utf8')));
  const env = serviceEnv(config, { serviceUrl: 'https://tasuki-123456789012.asia-northeast1.run.app', maxAttempts: config.queue.maxAttempts ?? 8 });
  for (const name of Object.keys(config.secrets)) env[name] = `fake-${name.toLowerCase()}`;
  return env;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const [k, v] of Object.entries(productionEnv())) process.stdout.write(`${k}=${v}\n`);
}
