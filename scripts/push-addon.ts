/**
 * `npm run push` (after `npm run build`): pushes dist/addon (Code.js + appsscript.json) to the
 * Apps Script project with clasp 3 (`clasp push -f`; clasp 3 does not compile TypeScript, so only
 * the built files go).
 *
 * The project: TASUKI_SCRIPT_ID (env) or `--script-id`, else the `scriptId` of `.clasp.json`
 * (written by `npx clasp create-script`, or copied from `.clasp.json.template`), or of the file
 * given with `--clasp-json` (e.g. the Sheets-bound script's). The push runs from the bundle folder
 * with a generated dist/addon/.clasp.json, so nothing else in the repository is ever pushed.
 *
 *   tsx scripts/push-addon.ts [--dry-run] [--script-id ID] [--clasp-json FILE] [--dist DIR]
 *
 * `--dry-run` prints the project, the files and the clasp command, and changes nothing (no
 * network: clasp itself needs a `clasp login` and Google's API). Both refuse a bundle whose
 * service URL is not https (a local build): Apps Script would reject its urlFetchWhitelist.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAddon } from './build-addon.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PLACEHOLDER = /PASTE|YOUR|<|>/;

export class PushError extends Error {}

type Args = { dryRun: boolean; scriptId?: string; claspJson: string; dist: string };

function parseArgs(argv: string[]): Args {
  const args: Args = { dryRun: false, claspJson: join(ROOT, '.clasp.json'), dist: join(ROOT, 'dist/addon') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (!v || v.startsWith('--')) throw new PushError(`${a} needs a value`);
      return v;
    };
    if (a === '--dry-run') args.dryRun = true;
    else if (a === '--script-id') args.scriptId = value();
    else if (a === '--clasp-json') args.claspJson = resolve(value());
    else if (a === '--dist') args.dist = resolve(value());
    else throw new PushError(`unknown option ${a}; options: --dry-run, --script-id ID, --clasp-json FILE, --dist DIR`);
  }
  return args;
}

function scriptIdFrom(args: Args, env: NodeJS.ProcessEnv): { scriptId: string; from: string } {
  const direct = env.TASUKI_SCRIPT_ID || args.scriptId;
  if (direct) return { scriptId: direct, from: env.TASUKI_SCRIPT_ID ? 'TASUKI_SCRIPT_ID' : '--script-id' };
  const file = relative(process.cwd(), args.claspJson) || args.claspJson;
  if (!existsSync(args.claspJson)) {
    throw new PushError(
      `no Apps Script project to push to: set TASUKI_SCRIPT_ID=<script id>, or create ${file} ` +
        '(`npx clasp create-script --type standalone --title tasuki --rootDir dist/addon`, or copy .clasp.json.template and paste the Script ID from script.google.com ▸ Project Settings)',
    );
  }
  let parsed: { scriptId?: unknown };
  try {
    parsed = JSON.parse(readFileSync(args.claspJson, 'utf8')) as { scriptId?: unknown };
  } catch (err) {
    throw new PushError(`${file} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof parsed.scriptId !== 'string' || !parsed.scriptId.trim()) throw new PushError(`${file} has no "scriptId"; paste the Script ID from script.google.com ▸ Project Settings`);
  if (PLACEHOLDER.test(parsed.scriptId)) throw new PushError(`${file} still holds the template's placeholder scriptId; paste the real Script ID from script.google.com ▸ Project Settings`);
  return { scriptId: parsed.scriptId.trim(), from: file };
}

export async function pushAddon(argv: string[], env: NodeJS.ProcessEnv = process.env, out: (line: string) => void = console.log): Promise<number> {
  const args = parseArgs(argv);
  const { scriptId, from } = scriptIdFrom(args, env);
  const code = join(args.dist, 'Code.js');
  const manifest = join(args.dist, 'appsscript.json');
  if (!existsSync(code) || !existsSync(manifest)) {
    out(`${relative(ROOT, args.dist)} has no built add-on; building it first`);
    await buildAddon({ outDir: args.dist });
  }
  const whitelist = (JSON.parse(readFileSync(manifest, 'utf8')) as { urlFetchWhitelist?: string[] }).urlFetchWhitelist ?? [];
  const claspConfig = { scriptId, rootDir: '.', scriptExtensions: ['.js', '.gs'], htmlExtensions: ['.html'] };
  const command = ['npx', 'clasp', 'push', '-f'];

  // Apps Script accepts only https prefixes in urlFetchWhitelist, and a bundle built for the
  // local stack would call http://127.0.0.1 from Google's servers: refuse before clasp does.
  const notHttps = whitelist.filter((u) => !u.startsWith('https://'));
  if (whitelist.length === 0 || notHttps.length) {
    throw new PushError(
      `refusing to push: the add-on's service URL is ${notHttps[0] ?? '(none)'}, not https. Build it with the deployed service URL: ` +
        'TASUKI_SERVICE_URL=https://<the URL npm run deploy printed> npm run push',
    );
  }
  out(`Apps Script project: ${scriptId} (from ${from})`);
  out(`files: Code.js (${(statSync(code).size / 1024).toFixed(1)} KiB), appsscript.json (urlFetchWhitelist ${whitelist.join(', ')})`);
  out(`${args.dryRun ? 'would run' : 'running'}: ${command.join(' ')}  (in ${relative(ROOT, args.dist) || args.dist}, .clasp.json ${JSON.stringify(claspConfig)})`);
  if (args.dryRun) return 0;

  writeFileSync(join(args.dist, '.clasp.json'), `${JSON.stringify(claspConfig, null, 2)}\n`);
  const result = spawnSync(command[0]!, command.slice(1), { cwd: args.dist, stdio: 'inherit' });
  if (result.error) throw new PushError(`could not run clasp: ${result.error.message}`);
  if (result.status !== 0) out('clasp push failed: run `npx clasp login` first, and check the Script ID and that the Apps Script API is on (script.google.com/home/usersettings)');
  return result.status ?? 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  pushAddon(process.argv.slice(2))
    .then((code) => process.exit(code))
    .catch((err: unknown) => {
      console.error(`push-addon: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    });
}
