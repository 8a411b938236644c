/**
 * `npm run reset`: forget all local state — jobs, queued tasks, the sandbox's Workspace data,
 * logs — so the next `npm start` seeds the sample office again. The local issuer's keys are kept
 * (nothing depends on them changing). Refuses while the stack is running, because deleting
 * SQLite files under live processes leaves them writing to deleted files.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resetSandbox } from './sandbox/sandbox.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const KEEP = new Set(['issuer-key.json', 'runtime-sa-key.json']);

function portInUse(port: number): Promise<boolean> {
  return new Promise((res) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      res(true);
    });
    socket.once('error', () => res(false));
  });
}

const dataDir = resolve(process.env.TASUKI_DATA_DIR ?? join(ROOT, '.tasuki'));
if ((await portInUse(8090)) || (await portInUse(8080))) {
  process.stderr.write('tasuki reset: the local stack seems to be running (ports 8080/8090 answer); stop `npm start` first.\n');
  process.exit(1);
}
if (!existsSync(dataDir)) {
  process.stdout.write(`tasuki reset: nothing to reset (${dataDir} does not exist).\n`);
  process.exit(0);
}
resetSandbox(dataDir);
for (const name of readdirSync(dataDir)) {
  if (!KEEP.has(name)) rmSync(join(dataDir, name), { recursive: true, force: true });
}
process.stdout.write(`tasuki reset: cleared ${dataDir}; the next npm start seeds the sample office again.\n`);
