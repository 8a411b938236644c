/** Size of the built Apps Script bundle (what clasp pushes), minified and gzipped. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { round } from './processes.js';

export function benchAddonBundle(root: string) {
  execFileSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/build-addon.ts')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const code = readFileSync(join(root, 'dist/addon/Code.js'));
  const kb = round(code.length / 1024);
  return {
    file: 'dist/addon/Code.js',
    minifiedKB: kb,
    gzipKB: round(gzipSync(code).length / 1024),
    target: 'minified ≤ 150 KB',
    met: code.length <= 150 * 1024,
  };
}
