/**
 * A digest of what `gcloud run deploy --source .` builds the image from (the files the Dockerfile
 * copies), so the deploy step can tell "this exact source is already deployed" and a second run
 * over unchanged source deploys nothing. Paths and contents both count; local state, build output
 * and dependencies do not (they are not in the image's build context either, see .dockerignore).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const IMAGE_INPUTS = [
  'Dockerfile', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'shared', 'service', 'local',
  'scripts/build-service.ts',
] as const;
const SKIPPED_DIRS = new Set(['node_modules', '.tasuki', 'build', 'dist', 'test-output', '.git']);

export function sourceDigest(root: string): string {
  const files: string[] = [];
  const walk = (path: string) => {
    const st = statSync(path);
    if (st.isDirectory()) {
      for (const name of readdirSync(path).sort()) if (!SKIPPED_DIRS.has(name)) walk(join(path, name));
    } else if (st.isFile()) {
      files.push(path);
    }
  };
  for (const input of IMAGE_INPUTS) {
    const path = join(root, input);
    if (existsSync(path)) walk(path);
  }
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}
