/**
 * `npm run preflight [-- --url <service URL>] [--json]`: asks the running service to check, with
 * its own identity, every resource it is configured with (POST /preflight; the checks are
 * service/preflight/preflight.ts) and prints one line per check — ✓, or ✗ with Google's answer
 * and the fix. Exit 0 when all pass, 1 when any fails, 2 when the service cannot be asked.
 *
 * Local mode (the default): the service of `npm start` (TASUKI_SERVICE_URL, default
 * http://127.0.0.1:8080), an OIDC token of the invoker signed by the local issuer of
 * TASUKI_DATA_DIR, as the tasks emulator signs. Production: `npm run deploy -- --check`, which
 * mints the token by impersonating the invoker account with gcloud (scripts/deploy.ts).
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalIssuer } from '../local/issuer.js';
import { ConfigError, loadConfig } from '../service/config.js';
import type { CheckResult } from '../service/preflight/preflight.js';

export type PreflightAnswer = { ok: boolean; checks: CheckResult[] };

/** POSTs <serviceUrl>/preflight with the invoker's token; throws with a readable message. */
export async function askPreflight(serviceUrl: string, token: string, fetchImpl: typeof fetch = fetch): Promise<PreflightAnswer> {
  let res: Response;
  try {
    res = await fetchImpl(`${serviceUrl.replace(/\/+$/, '')}/preflight`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(120_000) });
  } catch (err) {
    throw new Error(`cannot reach ${serviceUrl}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const body = (await res.json().catch(() => undefined)) as PreflightAnswer | { error?: { message?: string } } | undefined;
  if (!res.ok || !body || !('checks' in body)) {
    const message = body && 'error' in body ? body.error?.message : undefined;
    throw new Error(`${serviceUrl}/preflight answered ${res.status}${message ? `: ${message}` : ''}`);
  }
  return body;
}

/** One line per check; a failed one with its detail and fix on the lines below. */
export function preflightLines(answer: PreflightAnswer): string[] {
  const lines: string[] = [];
  for (const c of answer.checks) {
    lines.push(`${c.ok ? '✓' : '✗'} ${c.what}${c.ok ? ` — ${c.detail}` : ''}`);
    if (!c.ok) {
      lines.push(`    Google said: ${c.detail}`);
      if (c.fix) lines.push(`    fix: ${c.fix}`);
    }
  }
  const failed = answer.checks.filter((c) => !c.ok).length;
  lines.push(failed ? `${failed} of ${answer.checks.length} checks failed.` : `All ${answer.checks.length} checks passed.`);
  return lines;
}

async function main(argv: string[]): Promise<number> {
  let url: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--url') url = argv[++i];
    else if (argv[i] === '--json') json = true;
    else {
      console.error(`preflight: unknown argument ${argv[i]}\nusage: npm run preflight -- [--url <service URL>] [--json]`);
      return 2;
    }
  }
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    console.error(err instanceof ConfigError ? err.message : String(err));
    return 2;
  }
  if (config.mode !== 'local') {
    console.error('preflight: in production run `npm run deploy -- --check` (it asks the deployed service with a token of the invoker account)');
    return 2;
  }
  const serviceUrl = url ?? config.serviceUrl;
  const token = await LocalIssuer.open(resolve(config.dataDir)).mintIdToken({ aud: config.serviceUrl, email: config.invokerServiceAccount });
  let answer: PreflightAnswer;
  try {
    answer = await askPreflight(serviceUrl, token);
  } catch (err) {
    console.error(`preflight: ${err instanceof Error ? err.message : String(err)} (is the stack running? npm start)`);
    return 2;
  }
  if (json) console.log(JSON.stringify(answer, null, 2));
  else for (const line of preflightLines(answer)) console.log(line);
  return answer.ok ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
