/**
 * `npm run push` without Google: --dry-run names the project, the files and the clasp command and
 * writes nothing; a missing or placeholder Script ID is refused with a message naming what to set;
 * a bundle built for the local stack (an http service URL) is refused before clasp runs.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildAddon } from '../scripts/build-addon.js';
import { pushAddon } from '../scripts/push-addon.js';

describe('push-addon', () => {
  let dir: string;
  let dist: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tasuki-push-'));
    dist = join(dir, 'dist');
    await buildAddon({ outDir: dist, serviceUrl: 'https://tasuki-abc-an.a.run.app' });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--dry-run shows the project, files and command, and changes nothing', async () => {
    const claspJson = join(dir, '.clasp.json');
    writeFileSync(claspJson, JSON.stringify({ scriptId: '1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789', rootDir: 'dist/addon' }));
    const lines: string[] = [];
    const code = await pushAddon(['--dry-run', '--dist', dist, '--clasp-json', claspJson], {}, (l) => lines.push(l));
    assert.equal(code, 0);
    const out = lines.join('\n');
    assert.match(out, /Apps Script project: 1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789 \(from .*\.clasp\.json\)/);
    assert.match(out, /urlFetchWhitelist https:\/\/tasuki-abc-an\.a\.run\.app\//);
    assert.match(out, /would run: npx clasp push -f/);
    assert.doesNotMatch(out, /warning/);
    assert.equal(existsSync(join(dist, '.clasp.json')), false);
  });

  it('TASUKI_SCRIPT_ID wins over the file', async () => {
    const lines: string[] = [];
    await pushAddon(['--dry-run', '--dist', dist, '--clasp-json', join(dir, 'none.json')], { TASUKI_SCRIPT_ID: 'from-env-id' }, (l) => lines.push(l));
    assert.match(lines[0]!, /^Apps Script project: from-env-id \(from TASUKI_SCRIPT_ID\)$/);
  });

  it('refuses a missing project, the template placeholder and unknown options, naming what to do', async () => {
    await assert.rejects(pushAddon(['--dry-run', '--dist', dist, '--clasp-json', join(dir, 'missing.json')], {}, () => {}), /set TASUKI_SCRIPT_ID=<script id>, or create .*missing\.json/);
    const template = join(dir, 'template.json');
    copyFileSync(join(import.meta.dirname, '..', '.clasp.json.template'), template);
    await assert.rejects(pushAddon(['--dry-run', '--dist', dist, '--clasp-json', template], {}, () => {}), /still holds the template's placeholder scriptId/);
    await assert.rejects(pushAddon(['--dry-run', '--force'], { TASUKI_SCRIPT_ID: 'x' }, () => {}), /unknown option --force/);
  });

  it('refuses a bundle whose service URL is not https, dry run or not', async () => {
    const local = join(dir, 'local-dist');
    await buildAddon({ outDir: local, serviceUrl: 'http://127.0.0.1:8080' });
    for (const args of [['--dry-run'], []]) {
      const lines: string[] = [];
      await assert.rejects(
        pushAddon([...args, '--dist', local], { TASUKI_SCRIPT_ID: 'x' }, (l) => lines.push(l)),
        /refusing to push: the add-on's service URL is http:\/\/127\.0\.0\.1:8080\/, not https\. .*TASUKI_SERVICE_URL=https:\/\//,
      );
      assert.ok(!lines.some((l) => /running: npx clasp/.test(l)), 'clasp never ran');
      assert.equal(existsSync(join(local, '.clasp.json')), false);
    }
  });

  it('the build refuses a plain-http service URL that is not this machine (only the local stack uses http)', async () => {
    await assert.rejects(buildAddon({ outDir: join(dir, 'http-dist'), serviceUrl: 'http://tasuki.example.co.jp' }), /must be https outside local mode/);
    await buildAddon({ outDir: join(dir, 'localhost-dist'), serviceUrl: 'http://localhost:8080' });
  });
});
