/**
 * The Cloud Run image's recipe: the Dockerfile passes dockerfilelint and keeps its promises
 * (two stages, Node LTS base as a build argument, production dependencies only at runtime,
 * non-root, production mode by default, the compiled server as the command), .dockerignore keeps
 * local state and secrets out, and everything the production server can load (its import graph
 * from service/server.ts, static and dynamic) needs only production dependencies, which is all
 * the runtime stage installs. (.ci/container.sh builds and runs the image for real.)
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import ts from 'typescript';
import { REPO_ROOT } from './support/runDeploy.js';

const run = promisify(execFile);
const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');

test('dockerfilelint passes', async () => {
  const { stdout } = await run(join(REPO_ROOT, 'node_modules', '.bin', 'dockerfilelint'), ['Dockerfile'], { cwd: REPO_ROOT });
  assert.match(stdout, /Issues: None found/);
});

test('the Dockerfile: LTS base as an argument, two stages, production-only runtime, non-root, compiled server', () => {
  assert.match(dockerfile, /^ARG BASE_IMAGE=node:24-bookworm-slim$/m);
  const stages = [...dockerfile.matchAll(/^FROM \$\{BASE_IMAGE\} AS (\w+)$/gm)].map((m) => m[1]);
  assert.deepEqual(stages, ['build', 'runtime']);
  const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
  assert.match(runtime, /RUN npm ci --omit=dev --ignore-scripts/);
  assert.doesNotMatch(runtime, /COPY (service|shared|local|\.)\s/, 'the runtime stage copies compiled output only');
  assert.match(runtime, /COPY --from=build \/app\/build \.\/build/);
  assert.match(runtime, /NODE_ENV=production/);
  assert.match(runtime, /TASUKI_MODE=production/);
  const user = /^USER (\S+)$/m.exec(runtime)?.[1];
  assert.ok(user && !/^(root|0)(:|$)/.test(user), `runtime user ${user} must not be root`);
  assert.match(runtime, /^CMD \["node", "build\/service\/server\.js"\]$/m);
  // build/service/server.js is what tsconfig.build.json emits for service/server.ts.
  const build = JSON.parse(readFileSync(join(REPO_ROOT, 'tsconfig.build.json'), 'utf8'));
  assert.equal(build.compilerOptions.outDir, 'build');
  assert.equal(build.compilerOptions.rootDir, '.');
  assert.ok(build.include.includes('service') && existsSync(join(REPO_ROOT, 'service', 'server.ts')));
  // The server honours PORT (Cloud Run sets it): config reads PORT.
  assert.match(readFileSync(join(REPO_ROOT, 'service', 'config.ts'), 'utf8'), /\bPORT: \{/);
});

test('.dockerignore keeps local state, build output, dependencies and secrets out of the image', () => {
  const ignored = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
  for (const entry of ['**/node_modules', '.tasuki', 'dist', 'build', 'test-output', '.git', '.env', 'deploy.config.json', '.clasp.json', '.clasprc.json']) {
    assert.ok(ignored.includes(entry), `.dockerignore should list ${entry}`);
  }
  for (const needed of ['service', 'shared', 'local', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']) {
    assert.ok(!ignored.includes(needed), `.dockerignore must not exclude ${needed}`);
  }
});

/** Value imports (static, re-exports, dynamic import(), createRequire'd require()) of a module; type-only ones skipped. */
function valueImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly && ts.isStringLiteral(node.moduleSpecifier)) {
      const named = node.importClause?.namedBindings;
      const allTypes = !node.importClause?.name && named && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
      if (!allTypes) found.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    ) {
      const arg = node.arguments[0];
      if (arg && ts.isStringLiteral(arg)) found.push(arg.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

test('everything the production server can load needs only production dependencies', () => {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const builtins = new Set(builtinModules);
  const seen = new Set<string>();
  const packages = new Map<string, string>();
  const queue = [join(REPO_ROOT, 'service', 'server.ts')];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of valueImports(file)) {
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
        assert.ok(existsSync(target), `${file} imports ${spec}, which does not exist`);
        queue.push(target);
      } else if (!spec.startsWith('node:') && !builtins.has(spec)) {
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        if (!packages.has(name)) packages.set(name, file.slice(REPO_ROOT.length + 1));
      }
    }
  }
  // The build stage copies only these folders; a module elsewhere would not compile in the image.
  const copied = [...dockerfile.matchAll(/^COPY (\w+) \.\/\1$/gm)].map((m) => m[1]!);
  assert.deepEqual(copied.sort(), ['local', 'service', 'shared']);
  const outside = [...seen].map((f) => f.slice(REPO_ROOT.length + 1)).filter((f) => !copied.some((dir) => f.startsWith(`${dir}/`)));
  assert.deepEqual(outside, [], 'the production server imports files the image does not contain');
  assert.ok(seen.size > 20, `the import graph from service/server.ts looks too small (${seen.size} files)`);
  // The walk reaches the lazily imported adapters too (Firestore, Cloud Tasks, Google clients).
  for (const expected of ['express', '@google-cloud/firestore', '@google-cloud/tasks', '@googleapis/chat']) {
    assert.ok(packages.has(expected), `the import graph should reach ${expected}; found ${[...packages.keys()].join(', ')}`);
  }
  const notProduction = [...packages].filter(([name]) => !(name in pkg.dependencies));
  assert.deepEqual(notProduction, [], 'these packages are not production dependencies, but the runtime image installs only those');
});

test('the build stage compiles only folders the Dockerfile copies (tsc -p tsconfig.build.json)', async () => {
  const { stdout } = await run(join(REPO_ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json', '--listFilesOnly'], { cwd: REPO_ROOT, maxBuffer: 8 * 1024 * 1024 });
  const ours = stdout.split('\n').filter((f) => f.startsWith(REPO_ROOT) && !f.includes('/node_modules/')).map((f) => f.slice(REPO_ROOT.length + 1));
  assert.ok(ours.includes('service/server.ts'));
  const copied = [...dockerfile.matchAll(/^COPY (\w+) \.\/\1$/gm)].map((m) => m[1]!);
  assert.deepEqual(ours.filter((f) => !copied.some((dir) => f.startsWith(`${dir}/`))), [], 'tsc needs files the image build cannot see');
});
