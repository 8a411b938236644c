/**
 * The console page's script: the TypeScript modules under public/ bundled for the browser by
 * esbuild, once per process (about 100 ms; started when the router is created so the first page
 * load does not wait). No files written, no network.
 *
 * esbuild runs as a short-lived CLI process rather than through its JS API: the API keeps a
 * helper process (about 20 MB) alive for the life of the stack, which the local stack's memory
 * budget cannot spare for a bundle built once.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));
const ESBUILD_CLI = createRequire(import.meta.url).resolve('esbuild/bin/esbuild');

let bundle: Promise<string> | undefined;

export function browserBundle(): Promise<string> {
  bundle ??= new Promise<string>((resolve, reject) => {
    const args = [
      `${PUBLIC_DIR}app.ts`, '--bundle', '--format=esm', '--target=es2022', '--platform=browser',
      '--sourcemap=inline', '--charset=utf8', '--log-level=error',
    ];
    // Executable either way: npm replaces bin/esbuild with the native binary where it can, and
    // otherwise leaves a node script with a shebang.
    const child = spawn(ESBUILD_CLI, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let errors = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (errors += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(Buffer.concat(out).toString('utf8')) : reject(new Error(`bundling the console page failed (esbuild exit ${code}): ${errors.trim()}`)),
    );
  });
  bundle.catch(() => {
    bundle = undefined;
  });
  return bundle;
}
