/**
 * The Cloud Run image's recipe: the Dockerfile passes dockerfilelint and keeps its promises
 * (two stages, Node LTS base as a build argument, production dependencies only at runtime,
 * non-root, production mode by default, the bundled server as the command), .dockerignore keeps
 * local state and secrets out, and the bundle the build stage makes (scripts/build-service.ts)
 * is built only from folders the image copies and loads from node_modules only production
 * dependencies, which is all the runtime stage installs. (.ci/container.sh builds and runs the
 * image for real; test/production-bundle.test.ts runs jobs through the bundle.)
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { buildService } from '../scripts/build-service.js';
import { IMAGE_INPUTS } from '../scripts/deploy/sourceDigest.js';
import { REPO_ROOT } from './support/runDeploy.js';

const run = promisify(execFile);
const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');

test('dockerfilelint passes', async () => {
  const { stdout } = await run(join(REPO_ROOT, 'node_modules', '.bin', 'dockerfilelint'), ['Dockerfile'], { cwd: REPO_ROOT });
  assert.match(stdout, /Issues: None found/);
});

test('the Dockerfile: LTS base as an argument, two stages, production-only runtime, non-root, bundled server', () => {
  assert.match(dockerfile, /^ARG BASE_IMAGE=node:24-bookworm-slim$/m);
  const stages = [...dockerfile.matchAll(/^FROM \$\{BASE_IMAGE\} AS (\w+)$/gm)].map((m) => m[1]);
  assert.deepEqual(stages, ['build', 'runtime']);
  const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
  assert.match(runtime, /RUN npm ci --omit=dev --ignore-scripts/);
  assert.doesNotMatch(runtime, /COPY (service|shared|local|scripts|\.)\s/, 'the runtime stage copies built output only');
  assert.match(runtime, /COPY --from=build \/app\/build \.\/build/);
  assert.match(runtime, /NODE_ENV=production/);
  assert.match(runtime, /TASUKI_MODE=production/);
  const user = /^USER (\S+)$/m.exec(runtime)?.[1];
  assert.ok(user && !/^(root|0)(:|$)/.test(user), `runtime user ${user} must not be root`);
  assert.match(runtime, /^CMD \["node", "build\/service\/server\.js"\]$/m);
  // The build stage type-checks (tsc emits nothing) and bundles with the script whose default
  // output is build/service/server.js; the context must let that script in past `scripts`.
  const buildStage = dockerfile.slice(dockerfile.indexOf('AS build'), dockerfile.indexOf('AS runtime'));
  assert.match(buildStage, /^COPY scripts\/build-service\.ts \.\/scripts\/build-service\.ts$/m);
  assert.match(buildStage, /npx tsc -p tsconfig\.build\.json/);
  assert.match(buildStage, /npx tsx scripts\/build-service\.ts/);
  const tsBuild = JSON.parse(readFileSync(join(REPO_ROOT, 'tsconfig.build.json'), 'utf8'));
  assert.equal(tsBuild.compilerOptions.noEmit, true, 'the running code comes from the bundle only; tsc only type-checks');
  assert.match(readFileSync(join(REPO_ROOT, 'scripts', 'build-service.ts'), 'utf8'), /join\(root, 'build\/service'\)/);
  assert.ok(existsSync(join(REPO_ROOT, 'service', 'server.ts')));
  // The server honours PORT (Cloud Run sets it): config reads PORT.
  assert.match(readFileSync(join(REPO_ROOT, 'service', 'config.ts'), 'utf8'), /\bPORT: \{/);
});

test('every file the Dockerfile copies from the context counts in the deploy source digest', () => {
  const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.trim().split(/\s+/));
  assert.ok(sources.includes('scripts/build-service.ts') && sources.includes('service'), sources.join(' '));
  const inputs: readonly string[] = IMAGE_INPUTS;
  const uncovered = sources.filter((src) => !inputs.some((input) => src === input || src.startsWith(`${input}/`)));
  assert.deepEqual(uncovered, [], 'a change to these would change the image but not the digest, so npm run deploy would skip it');
});

test('.dockerignore keeps local state, build output, dependencies and secrets out of the image', () => {
  const ignored = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
  for (const entry of ['**/node_modules', '.tasuki', 'dist', 'build', 'test-output', '.git', '.env', 'deploy.config.json', '.clasp.json', '.clasprc.json']) {
    assert.ok(ignored.includes(entry), `.dockerignore should list ${entry}`);
  }
  for (const needed of ['service', 'shared', 'local', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']) {
    assert.ok(!ignored.includes(needed), `.dockerignore must not exclude ${needed}`);
  }
  // scripts/ is ignored as a whole, except the bundle build the build stage runs (later lines win).
  assert.ok(ignored.lastIndexOf('!scripts/build-service.ts') > ignored.indexOf('scripts'), '.dockerignore must re-include scripts/build-service.ts after ignoring scripts');
  // `gcloud run deploy --source .` uploads what .gcloudignore lets through; the build stage needs the script.
  const uploadIgnored = readFileSync(join(REPO_ROOT, '.gcloudignore'), 'utf8').split('\n').map((l) => l.trim());
  for (const entry of ['scripts', 'scripts/', 'scripts/build-service.ts', '*.ts']) {
    assert.ok(!uploadIgnored.includes(entry), `.gcloudignore must not exclude ${entry}: Cloud Build runs scripts/build-service.ts`);
  }
});

const bundleHome = mkdtempSync(join(tmpdir(), 'tasuki-dockerfile-bundle-'));
after(() => rmSync(bundleHome, { recursive: true, force: true }));

/** Bare package specifiers the written bundle loads at run time, read from its text (not the build's own report). */
function bareSpecifiers(files: string[]): Set<string> {
  const found = new Set<string>();
  for (const file of files.filter((f) => f.endsWith('.js'))) {
    const code = readFileSync(file, 'utf8');
    for (const m of code.matchAll(/(?:require\d*\(|\bfrom|\bimport\s*\(?)\s*"((?:@[\w.-]+\/)?[\w.-][\w./-]*)"/g)) {
      if (!m[1]!.startsWith('.')) found.add(m[1]!);
    }
  }
  return found;
}

test('the bundle is built only from folders the image copies and loads only production dependencies at run time', async () => {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const bundle = await buildService({ outDir: join(bundleHome, 'service'), sourcemap: false });
  // The build stage copies only these folders (and the build script); a module elsewhere would not build in the image.
  const copied = [...dockerfile.matchAll(/^COPY (\w+) \.\/\1$/gm)].map((m) => m[1]!);
  assert.deepEqual(copied.sort(), ['local', 'service', 'shared']);
  const ours = Object.keys(bundle.metafile.inputs).filter((f) => !f.startsWith('node_modules/') && !f.includes(':'));
  assert.ok(ours.length > 20, `the bundle's own modules look too few (${ours.length})`);
  assert.deepEqual(ours.filter((f) => !copied.some((dir) => f.startsWith(`${dir}/`))), [], 'the bundle needs files the image build cannot see');
  // What stays in node_modules: every bare specifier in the output that is not a Node built-in.
  const builtins = new Set(builtinModules);
  const packages = new Set(
    [...bareSpecifiers(bundle.files)]
      .filter((s) => !s.startsWith('node:') && !builtins.has(s))
      .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!)),
  );
  // The lazily loaded adapters are there (Firestore, SQLite, Google clients via createRequire, and
  // google-auth-library, which the Cloud Tasks REST client takes its token from).
  for (const expected of ['@google-cloud/firestore', 'better-sqlite3', '@googleapis/chat', 'google-auth-library']) {
    assert.ok(packages.has(expected), `the bundle should load ${expected} from node_modules; found ${[...packages].join(', ')}`);
  }
  // Cloud Tasks goes over its REST mapping (service/queue/cloudTasksRest.ts): no gRPC client.
  assert.ok(!packages.has('@google-cloud/tasks'), 'the service should not load @google-cloud/tasks');
  // Bundled, not external: nothing of Express, zod or pino is read from node_modules at start.
  for (const bundled of ['express', 'zod', 'pino']) assert.ok(!packages.has(bundled), `${bundled} should be inside the bundle`);
  const notProduction = [...packages].filter((name) => !(name in pkg.dependencies));
  assert.deepEqual(notProduction, [], 'the bundle loads these from node_modules, but the runtime image installs production dependencies only');
});

test('the build stage type-checks only folders the Dockerfile copies (tsc -p tsconfig.build.json)', async () => {
  const { stdout } = await run(join(REPO_ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json', '--listFilesOnly'], { cwd: REPO_ROOT, maxBuffer: 8 * 1024 * 1024 });
  const ours = stdout.split('\n').filter((f) => f.startsWith(REPO_ROOT) && !f.includes('/node_modules/')).map((f) => f.slice(REPO_ROOT.length + 1));
  assert.ok(ours.includes('service/server.ts'));
  const copied = [...dockerfile.matchAll(/^COPY (\w+) \.\/\1$/gm)].map((m) => m[1]!);
  assert.deepEqual(ours.filter((f) => !copied.some((dir) => f.startsWith(`${dir}/`))), [], 'tsc needs files the image build cannot see');
});
