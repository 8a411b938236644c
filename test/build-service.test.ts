/**
 * scripts/build-service.ts's guard, on small fixture projects in temp folders: a bundle that would
 * need a file the image does not have fails the build, naming the module and the construct —
 * a bundled package that reads files beside itself (`__dirname`, `import.meta.url`,
 * `require.resolve`), or a package loaded from node_modules at run time that is not a production
 * dependency (the image installs only those). A clean fixture builds, with its externals listed.
 * (That the real service bundle passes and runs is test/production-bundle.test.ts.)
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { buildService } from '../scripts/build-service.js';

const home = mkdtempSync(join(tmpdir(), 'tasuki-build-service-'));
after(() => rmSync(home, { recursive: true, force: true }));

let n = 0;
/** A project folder with the given files (path → content) and package.json dependencies. */
function fixture(files: Record<string, string>, dependencies: Record<string, string> = {}): string {
  const root = join(home, `p${n++}`);
  for (const [path, content] of Object.entries({ 'package.json': JSON.stringify({ type: 'module', dependencies }), ...files })) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const build = (root: string) => buildService({ root, entry: 'service/server.ts', outDir: join(root, 'build/service'), sourcemap: false });

test('a clean project builds: entry plus a lazy chunk, externals listed', async () => {
  const root = fixture(
    {
      'service/server.ts': "import { hello } from 'plain';\nconst lazy = () => import('./lazy.js');\nconsole.log(hello, lazy);\n",
      'service/lazy.ts': "import { load } from 'cheerio';\nexport const x = load;\n",
      'node_modules/plain/package.json': JSON.stringify({ name: 'plain', main: 'index.js' }),
      'node_modules/plain/index.js': "exports.hello = 'hi'; // __dirname in a comment is no finding\n",
    },
    { cheerio: '1' },
  );
  const b = await build(root);
  assert.equal(b.entry, join(root, 'build/service/server.js'));
  assert.ok(b.files.some((f) => /chunks[\\/]lazy-\w+\.js$/.test(f)), b.files.join('\n'));
  assert.deepEqual(b.externals, ['cheerio']);
});

test('a bundled package that reads a file beside itself fails the build, naming it', async () => {
  const root = fixture({
    'service/server.ts': "import { data } from 'reads-own-files';\nconsole.log(data);\n",
    'node_modules/reads-own-files/package.json': JSON.stringify({ name: 'reads-own-files', main: 'index.js' }),
    'node_modules/reads-own-files/index.js': "const fs = require('fs');\nconst path = require('path');\nexports.data = fs.readFileSync(path.join(__dirname, 'data.txt'), 'utf8');\n",
    'node_modules/reads-own-files/data.txt': 'x',
  });
  await assert.rejects(build(root), /node_modules\/reads-own-files\/index\.js:3 uses __dirname.*SERVICE_EXTERNALS/s);
});

test('import.meta.url and require.resolve are findings too; createRequire(import.meta.url) is not', async () => {
  const ok = fixture({
    'service/server.ts': "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nconsole.log(require('node:os').cpus().length);\n",
  });
  await build(ok);
  const url = fixture({ 'service/server.ts': "console.log(new URL('./template.html', import.meta.url).href);\n" });
  await assert.rejects(build(url), /service\/server\.ts:1 uses import\.meta\.url/);
  const resolve = fixture({
    'service/server.ts': "import { where } from 'resolver';\nconsole.log(where);\n",
    'node_modules/resolver/package.json': JSON.stringify({ name: 'resolver', main: 'index.js' }),
    'node_modules/resolver/index.js': "exports.where = require.resolve('./worker.js');\n",
  });
  await assert.rejects(build(resolve), /node_modules\/resolver\/index\.js:1 uses require\.resolve/);
});

test('an external package that is not a production dependency fails the build', async () => {
  const root = fixture({ 'service/server.ts': "import { load } from 'cheerio';\nconsole.log(load);\n" }, { express: '5' });
  await assert.rejects(build(root), /the bundle loads cheerio from node_modules at run time, but it is not in package\.json "dependencies"/);
});
