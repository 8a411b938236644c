/**
 * `npm run build` (second half) and the Dockerfile's build stage: bundles the Cloud Run service
 * (service/server.ts) with esbuild into build/service/server.js plus lazy chunks in
 * build/service/chunks/. This bundle is the only running form of the service outside tsx.
 *
 * Why a bundle: under plain `node`, the ESM loader reads hundreds of small files (zod, Express's
 * dependencies, our modules) before the configuration can even be checked, which doubled
 * time-to-ready against a bare Express hello world. One file (plus code-split chunks for every
 * dynamic `import()`: job handlers, store adapters, clients stay lazy) starts in about the time
 * of Express itself.
 *
 * Kept external (left in node_modules, which the runtime image installs with production
 * dependencies only): native addons and packages that read their own files at run time (protos,
 * JSON discovery documents, wasm, fonts). Everything else is bundled, so the bundle must not
 * contain a module that finds files next to itself (`__dirname`, `import.meta.url`,
 * `require.resolve`): bundled, "next to itself" becomes build/service/, where those files are not.
 * The build fails when it would (see checkBundle), naming the module and the construct.
 *
 * pino is bundled: service/logger.ts writes to a stream and never uses transports, the only part
 * of pino that loads files (worker threads via thread-stream). That part is replaced by a stub
 * that throws, so it cannot be used by accident and thread-stream is not in the bundle at all.
 */
import { build, type Metafile, type Plugin } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Left in node_modules: native addons, or packages that load their own files at run time. */
export const SERVICE_EXTERNALS = [
  'better-sqlite3',
  '@google-cloud/*',
  'google-gax',
  '@grpc/*',
  '@googleapis/*',
  'google-auth-library',
  '@resvg/*',
  '@embedpdf/*',
  'pdf-lib',
  'cheerio',
];

/**
 * Bundled CommonJS (Express and its dependencies, pino) calls `require` for Node built-ins and
 * externals; in an ES module there is none, so every output file defines one for its own URL.
 */
const REQUIRE_BANNER = "import { createRequire as __tasukiCreateRequire } from 'node:module'; const require = __tasukiCreateRequire(import.meta.url);";

/** pino's transports start worker threads from files beside pino; the service never uses them. */
const withoutPinoTransports: Plugin = {
  name: 'pino-without-transports',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]pino[\\/]lib[\\/]transport\.js$/ }, () => ({
      contents: 'module.exports = function transport() { throw new Error("pino transports are not part of the tasuki service bundle (scripts/build-service.ts); log to a stream instead"); };',
      loader: 'js',
    }));
  },
};

export type ServiceBuild = {
  outDir: string;
  /** <outDir>/server.js (absolute; named after the entry). */
  entry: string;
  /** Every file written (absolute), source maps included. */
  files: string[];
  /** Packages the bundle loads from node_modules at run time (bare names, sorted; see runtimePackages). */
  externals: string[];
  bytes: number;
  metafile: Metafile;
};

export type BuildServiceOptions = {
  /** Default: <root>/build/service. Emptied first. */
  outDir?: string;
  /** Repository root to build from (default: this repository). */
  root?: string;
  /** Entry module, relative to root (default service/server.ts). Tests point it at fixtures. */
  entry?: string;
  sourcemap?: boolean;
};

export async function buildService(opts: BuildServiceOptions = {}): Promise<ServiceBuild> {
  const root = resolve(opts.root ?? ROOT);
  const outDir = resolve(opts.outDir ?? join(root, 'build/service'));
  const entryRel = opts.entry ?? 'service/server.ts';
  const entryName = entryRel.replace(/^.*\//, '').replace(/\.ts$/, '');
  rmSync(outDir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { [entryName]: join(root, entryRel) },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outdir: outDir,
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    external: SERVICE_EXTERNALS,
    banner: { js: REQUIRE_BANNER },
    plugins: [withoutPinoTransports],
    sourcemap: opts.sourcemap ?? true,
    // Whitespace and syntax only: names stay readable in stack traces without source maps.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'silent',
  });
  const files = Object.keys(result.metafile.outputs).map((path) => resolve(root, path));
  const externals = runtimePackages(files);
  const problems = [
    ...result.warnings.map((w) => `esbuild: ${w.text}${w.location ? ` (${w.location.file}:${w.location.line})` : ''}`),
    ...checkBundle(result.metafile, root, externals),
  ];
  if (problems.length) {
    rmSync(outDir, { recursive: true, force: true });
    throw new Error(`the service bundle would not run from the image:\n  - ${problems.join('\n  - ')}`);
  }
  const outputs = Object.entries(result.metafile.outputs);
  return {
    outDir,
    entry: join(outDir, `${entryName}.js`),
    files,
    externals,
    bytes: outputs.filter(([p]) => p.endsWith('.js')).reduce((n, [, o]) => n + o.bytes, 0),
    metafile: result.metafile,
  };
}

/** Constructs that locate files relative to the module's own file. */
const LOCATION_RELATIVE: { name: string; pattern: RegExp }[] = [
  { name: '__dirname', pattern: /\b__dirname\b/g },
  { name: '__filename', pattern: /\b__filename\b/g },
  { name: 'import.meta.dirname/filename', pattern: /\bimport\.meta\.(?:dirname|filename)\b/g },
  // createRequire(import.meta.url) only resolves packages (through node_modules), which is fine.
  { name: 'import.meta.url', pattern: /(?<!createRequire\()\bimport\.meta\.url\b/g },
  { name: 'require.resolve', pattern: /\brequire\.resolve\s*\(/g },
];

/**
 * What in the bundle would need a file the image does not have. The image holds build/ and the
 * production node_modules, so: (1) no bundled module may locate files relative to itself (its
 * code now lives in build/service/, its files do not); (2) every package loaded at run time must
 * be a production dependency (package.json "dependencies"), as only those are installed.
 */
export function checkBundle(metafile: Metafile, root: string, externals: string[]): string[] {
  const problems: string[] = [];
  for (const input of Object.keys(metafile.inputs)) {
    if (input.includes(':')) continue; // virtual modules (esbuild namespaces), no file behind them
    let source: string;
    try {
      source = readFileSync(resolve(root, input), 'utf8');
    } catch {
      continue;
    }
    if (input.includes('node_modules/pino/lib/transport.js')) continue; // replaced by the stub
    const code = stripComments(source);
    for (const { name, pattern } of LOCATION_RELATIVE) {
      const at = code.search(pattern);
      if (at >= 0) {
        const line = code.slice(0, at).split('\n').length;
        problems.push(`${input}:${line} uses ${name}, so it needs files beside it at run time; bundled, it would look in build/service/. Add its package to SERVICE_EXTERNALS in scripts/build-service.ts (it then loads from node_modules), or stop using ${name} there.`);
      }
    }
  }
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const production = new Set(Object.keys(pkg.dependencies ?? {}));
  for (const name of externals) {
    if (!production.has(name)) problems.push(`the bundle loads ${name} from node_modules at run time, but it is not in package.json "dependencies" (the image installs only those)`);
  }
  return problems;
}

/**
 * Bare package names the written bundle loads at run time (Node built-ins excluded): the imports
 * esbuild left external, and also `require("x")` through a module's own createRequire, which
 * esbuild does not see as an import (service/google/createGoogleClients.ts loads @googleapis/*
 * that way), so the output text is read rather than the metafile.
 */
export function runtimePackages(outputFiles: string[]): string[] {
  const builtins = new Set(builtinModules);
  const names = new Set<string>();
  const spec = String.raw`"((?:@[\w.-]+/)?[\w.:-][\w./:-]*)"`; // a module specifier, not any string
  const patterns = [
    new RegExp(String.raw`(?:\brequire\d*|__require)\(\s*${spec}\s*\)`, 'g'),
    new RegExp(String.raw`\bfrom\s*${spec}`, 'g'),
    new RegExp(String.raw`\bimport\s*\(\s*${spec}\s*\)`, 'g'),
    new RegExp(String.raw`\bimport\s*${spec}`, 'g'),
  ];
  for (const file of outputFiles.filter((f) => f.endsWith('.js'))) {
    const code = readFileSync(file, 'utf8');
    for (const pattern of patterns) {
      for (const m of code.matchAll(pattern)) {
        const found = m[1]!;
        if (found.startsWith('.') || found.startsWith('node:') || builtins.has(found)) continue;
        names.add(packageName(found));
      }
    }
  }
  return [...names].sort();
}

export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Comments removed (roughly: strings are not parsed), so a mention in a comment is no finding. */
function stripComments(code: string): string {
  return code.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/(^|[^:'"`\\])\/\/[^\n]*/g, '$1');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // `--out-dir DIR` builds elsewhere than build/service (the local stack builds its own copy).
  const at = process.argv.indexOf('--out-dir');
  const outDir = at > 0 ? process.argv[at + 1] : undefined;
  if (at > 0 && !outDir) {
    console.error('service build failed: --out-dir needs a folder');
    process.exit(1);
  }
  buildService(outDir ? { outDir, sourcemap: false } : {})
    .then((b) => {
      console.log(
        `service: ${b.entry} + ${b.files.filter((f) => f.endsWith('.js')).length - 1} chunks, ${(b.bytes / 1024).toFixed(0)} KiB; ` +
          `loaded from node_modules at run time: ${b.externals.join(', ')}`,
      );
    })
    .catch((err: unknown) => {
      console.error(`service build failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    });
}
