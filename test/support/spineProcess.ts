/**
 * Runs `service/server.ts` as a real child process (as on Cloud Run: its own process, talking to
 * the emulator and the store over their real interfaces), so tests can kill -9 it mid-job or
 * send it SIGTERM. Output is kept for failure messages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export type ServiceProcess = {
  child: ChildProcess;
  url: string;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once /healthz answers 200. */
  ready(timeoutMs?: number): Promise<void>;
  kill(signal: NodeJS.Signals): void;
};

export function startServiceProcess(env: Record<string, string>, port: number): ServiceProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'service/server.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let gone = false;
  void exited.then(() => (gone = true));
  const url = `http://127.0.0.1:${port}`;
  return {
    child,
    url,
    output: () => out,
    exited,
    async ready(timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        if (gone) throw new Error(`service exited before it was ready:\n${out}`);
        const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
        if (ok) return;
        if (Date.now() > until) throw new Error(`service not ready after ${timeoutMs} ms:\n${out}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    kill(signal) {
      if (!gone) child.kill(signal);
    },
  };
}
