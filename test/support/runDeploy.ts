/**
 * Runs `npm run deploy`'s script (scripts/deploy.ts) as a child process, the way an operator
 * does, and collects its exit code and output. A deploy config object is written to a temp file
 * first; `env` replaces the child's environment entries given.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

export type DeployRun = { code: number; stdout: string; stderr: string; output: string };

export function exampleDeployConfig(): Record<string, any> {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'deploy.config.example.json'), 'utf8'));
}

/** Writes deploy.config.json into a new folder under `parent` (the caller removes `parent`). */
export function writeDeployConfig(config: unknown, parent: string): string {
  const path = join(mkdtempSync(join(parent, 'config-')), 'deploy.config.json');
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

export function runDeploy(args: string[], env: Record<string, string> = {}): Promise<DeployRun> {
  return new Promise((done, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(REPO_ROOT, 'scripts', 'deploy.ts'), ...args],
      { cwd: REPO_ROOT, env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024, timeout: 50_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
        if (err && code === -1) return reject(err);
        done({ code, stdout, stderr, output: stdout + stderr });
      },
    );
  });
}
