/**
 * Idle memory of the whole local stack exactly as `npm start` runs it (a separate process tree:
 * the stack process with sandbox, console and emulator, the service process, and any helper
 * processes such as esbuild's service started by tsx), summed over the tree.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep, treeRssMb } from './processes.js';

export async function benchLocalStackMemory(root: string) {
  const dataDir = mkdtempSync(join(tmpdir(), 'tasuki-bench-stack-'));
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'local/stack.ts')], {
    cwd: root,
    env: { ...process.env, TASUKI_DATA_DIR: dataDir, TASUKI_STACK_PORTS: 'random' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /https?:\/\/\S+/.exec(out);
      if (m) resolve(m[0]);
    });
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code} before printing its URL`)));
  });
  // Open the console once (loads its page and bundles), then let everything settle.
  await fetch(url).then((r) => r.arrayBuffer());
  await sleep(5000);
  const tree = treeRssMb(child.pid!);
  await new Promise<void>((res) => {
    child.once('exit', () => res());
    child.kill('SIGTERM');
  });
  return { url, ...tree, target: 'whole local stack ≤ 250 MB', met: tree.totalMb <= 250 };
}
