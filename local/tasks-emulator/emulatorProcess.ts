/**
 * The standalone emulator (cli.ts) as a child process, for benchmarks that need its CPU apart
 * and tests that need to crash it (SIGKILL): resolves once it prints its address.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export type EmulatorProcess = { child: ChildProcess; pid: number; port: number; address: string; stop(): Promise<void> };

/** `port` defaults to any free one; `args` are extra CLI flags; `nodeArgs` go before the script (e.g. --cpu-prof). */
export async function spawnEmulatorProcess(dataDir: string, opts: { port?: number; args?: string[]; nodeArgs?: string[] } = {}): Promise<EmulatorProcess> {
  const cli = [join(ROOT, 'local/tasks-emulator/cli.ts'), '--port', String(opts.port ?? 0), '--data-dir', dataDir, '--log-level', 'warn'];
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', ...cli, ...(opts.args ?? [])], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, TASUKI_TASKS_EMULATOR: '' },
  });
  let out = '';
  child.stdout!.setEncoding('utf8');
  const port = await new Promise<number>((res, rej) => {
    child.stdout!.on('data', (chunk: string) => {
      out += chunk;
      const m = /TASUKI_TASKS_EMULATOR=127\.0\.0\.1:(\d+)/.exec(out);
      if (m) res(Number(m[1]));
    });
    child.once('exit', (code) => rej(new Error(`the emulator exited (${code}) before it listened: ${out}`)));
  });
  return {
    child,
    pid: child.pid!,
    port,
    address: `127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    },
  };
}
