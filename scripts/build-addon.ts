/**
 * `npm run build` (first half): bundles addon/index.ts into dist/addon/Code.js for Apps Script
 * and writes dist/addon/appsscript.json from the top-level manifest template.
 *
 * Apps Script calls triggers and card actions by the name of a *top-level function*; an esbuild
 * IIFE hides every function inside its closure. So (PLATFORM.md §5, §11) a first ESM pass reads
 * the entry's export names from the metafile, the real build is an IIFE assigned to a global, and
 * a footer declares `function name() { return G.name.apply(this, arguments) }` for each export.
 *
 * The service URL (env TASUKI_SERVICE_URL, default the local service) is baked in as the default
 * for the add-on and written into the manifest's urlFetchWhitelist, which Apps Script requires
 * for deployments (with a trailing slash: entries are prefixes), and its /charts/ path into
 * openLinkUrlPrefixes, so the /summary chart link opens from Gmail and Sheets.
 */
import { build, type Plugin } from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const GLOBAL_NAME = '__tasuki';
export const DEFAULT_LOCAL_SERVICE_URL = 'http://127.0.0.1:8080';

/**
 * zod 4's classic schemas carry JSON Schema conversion (~18 KB minified) that is only reached
 * through `.toJSONSchema()` and Standard Schema's `~standard.jsonSchema`, which the add-on never
 * calls. Replacing those modules with stubs that throw keeps the bundle under the 150 KB target; a call
 * would fail loudly instead of silently.
 */
export const withoutJsonSchema: Plugin = {
  name: 'zod-without-json-schema',
  setup(b) {
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]core[\\/](to-json-schema|json-schema-processors|json-schema-generator)\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const names = new Set<string>();
      for (const m of source.matchAll(/export\s+(?:async\s+)?(?:function\*?|const|let|var|class)\s+([A-Za-z_$][\w$]*)/g)) names.add(m[1]!);
      for (const m of source.matchAll(/export\s*\{([^}]*)\}/g)) {
        for (const part of m[1]!.split(',')) {
          const name = part.trim().split(/\s+as\s+/).pop();
          if (name) names.add(name);
        }
      }
      const stub = 'function unavailable() { throw new Error("JSON Schema conversion is not bundled into the add-on"); }\n' +
        [...names].map((n) => `export const ${n} = unavailable;`).join('\n');
      return { contents: stub, loader: 'js' };
    });
  },
};

/**
 * zod's English issue texts (~2.6 KB minified): the add-on never shows them (it names the field
 * from the issue path in the user's language, shared/messages.ts FIELD_TEXTS) and only logs them,
 * so the locale is replaced by one generic text.
 */
export const withoutZodLocale: Plugin = {
  name: 'zod-without-locale-texts',
  setup(b) {
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]en\.js$/ }, () => ({
      contents: 'export default function () { return { localeError: (issue) => `invalid (${issue.code})` }; }',
      loader: 'js',
    }));
  },
};

export type AddonBuild = {
  outDir: string;
  codePath: string;
  manifestPath: string;
  bytes: number;
  /** The top-level functions the bundle declares (the entry's exports). */
  functions: string[];
  serviceUrl: string;
};

export async function buildAddon(opts: { outDir?: string; serviceUrl?: string } = {}): Promise<AddonBuild> {
  const outDir = resolve(opts.outDir ?? join(ROOT, 'dist/addon'));
  const serviceUrl = normalizeServiceUrl(opts.serviceUrl ?? process.env.TASUKI_SERVICE_URL ?? DEFAULT_LOCAL_SERVICE_URL);
  const common = {
    entryPoints: [join(ROOT, 'addon/index.ts')],
    bundle: true,
    platform: 'neutral' as const,
    mainFields: ['module', 'main'],
    // ES2020 as google/aside's Apps Script template targets: Apps Script's V8 runs `?.` and `??`
    // natively, and not lowering them saves ~5 KiB of the 150 KiB budget.
    target: 'es2020',
    tsconfig: join(ROOT, 'addon/tsconfig.json'),
    define: { __TASUKI_SERVICE_URL__: JSON.stringify(serviceUrl) },
    logLevel: 'silent' as const,
    plugins: [withoutJsonSchema, withoutZodLocale],
    write: false,
  };

  const esm = await build({ ...common, format: 'esm', metafile: true, outfile: join(outDir, 'entry.mjs') });
  const output = Object.values(esm.metafile.outputs)[0];
  const functions = [...(output?.exports ?? [])].sort();
  if (functions.length === 0) throw new Error('addon/index.ts exports nothing: Apps Script would find no functions');
  const invalid = functions.filter((name) => !/^[A-Za-z_$][\w$]*$/.test(name) || name === 'default');
  if (invalid.length) throw new Error(`addon/index.ts exports names Apps Script cannot call: ${invalid.join(', ')}`);

  const footer = functions.map((name) => `function ${name}(){return ${GLOBAL_NAME}.${name}.apply(this,arguments)}`).join('\n');
  const iife = await build({
    ...common,
    format: 'iife',
    globalName: GLOBAL_NAME,
    minify: true,
    legalComments: 'none',
    // Japanese text as UTF-8 (3 bytes a character) rather than \uXXXX escapes (6).
    charset: 'utf8',
    outfile: join(outDir, 'Code.js'),
    banner: { js: '// tasuki add-on: generated by npm run build from addon/ — do not edit.' },
    footer: { js: footer },
  });
  const code = iife.outputFiles?.[0]?.contents;
  if (!code) throw new Error("esbuild produced no output for addon/index.ts");

  mkdirSync(outDir, { recursive: true });
  const codePath = join(outDir, 'Code.js');
  const manifestPath = join(outDir, 'appsscript.json');
  // Write-then-rename: a reader (the console's shim, a concurrent build) never sees half a file.
  writeAtomically(manifestPath, `${JSON.stringify(manifestFor(serviceUrl), null, 2)}\n`);
  writeAtomically(codePath, code);
  return { outDir, codePath, manifestPath, bytes: code.byteLength, functions, serviceUrl };
}

function writeAtomically(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** Newest modification time (ms) of the add-on's sources: addon/, shared/, appsscript.json. */
export function newestSourceMtime(root = ROOT): number {
  let newest = statSync(join(root, 'appsscript.json')).mtimeMs;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  walk(join(root, 'addon'));
  walk(join(root, 'shared'));
  return newest;
}

/** True when `codePath` is missing or older than any add-on source. */
export function bundleIsStale(codePath: string): boolean {
  try {
    return statSync(codePath).mtimeMs < newestSourceMtime();
  } catch {
    return true;
  }
}

/** Hosts of the local stack, where the add-on runs in the shim and http is fine. */
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

function normalizeServiceUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`TASUKI_SERVICE_URL "${raw}" is not a URL; expected e.g. https://tasuki-abc123-an.a.run.app`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`TASUKI_SERVICE_URL must be http(s), got ${raw}`);
  // Apps Script's urlFetchWhitelist takes https prefixes only: plain http is for the local stack
  // (the shim runs the bundle on this machine), never for a bundle meant for Google.
  if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) {
    throw new Error(`TASUKI_SERVICE_URL must be https outside local mode (Apps Script refuses http in urlFetchWhitelist); got ${raw}`);
  }
  return raw.replace(/\/+$/, '');
}

/** Where the service's summary charts live (service/routes/charts.ts), as a link prefix. */
export function chartsLinkPrefix(serviceUrl: string): string {
  return `${serviceUrl}/charts/`;
}

/**
 * The top-level manifest with the service URL as the only UrlFetch prefix, and the service's
 * chart images added to `addOns.common.openLinkUrlPrefixes`: Gmail and Sheets refuse to open a
 * card link whose URL no prefix allows, and the /summary card links its chart there. Only the
 * /charts/ path is added (public images behind unguessable ids), not the whole service.
 */
export function manifestFor(serviceUrl: string): Record<string, unknown> {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'appsscript.json'), 'utf8')) as Record<string, unknown>;
  manifest.urlFetchWhitelist = [`${serviceUrl}/`];
  const common = ((manifest.addOns as Record<string, unknown> | undefined)?.common ?? {}) as { openLinkUrlPrefixes?: string[] };
  const prefixes = (common.openLinkUrlPrefixes ?? []).filter((p) => p !== chartsLinkPrefix(serviceUrl));
  common.openLinkUrlPrefixes = [...prefixes, chartsLinkPrefix(serviceUrl)];
  return manifest;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildAddon()
    .then((b) => {
      console.log(
        `addon: ${b.codePath} ${(b.bytes / 1024).toFixed(1)} KiB minified, ${b.functions.length} top-level functions; ` +
          `service URL ${b.serviceUrl}`,
      );
    })
    .catch((err: unknown) => {
      console.error(`addon build failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    });
}
