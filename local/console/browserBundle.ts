/**
 * The console page's script: the TypeScript modules under public/ bundled for the browser by
 * esbuild, in memory, once per process (about 50 ms; started when the router is created so the
 * first page load does not wait). No build step, no files written, no network.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

let bundle: Promise<string> | undefined;

export function browserBundle(): Promise<string> {
  bundle ??= build({
    entryPoints: [PUBLIC_DIR + 'app.ts'],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    sourcemap: 'inline',
    charset: 'utf8',
    logLevel: 'silent',
  }).then((out) => out.outputFiles[0]!.text);
  bundle.catch(() => {
    bundle = undefined;
  });
  return bundle;
}
