/** Process helpers for the benchmarks: wait for health, read resident memory of a process tree. */
import { readFileSync, readdirSync } from 'node:fs';
import { request } from 'node:http';

/** Polls GET url until it answers 200; resolves with the time it first did (performance.now()). */
export function waitForOk(url: string, timeoutMs = 30_000, intervalMs = 2): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const req = request(url, { agent: false }, (res) => {
        res.resume();
        if (res.statusCode === 200) resolve(performance.now());
        else retry();
      });
      req.once('error', retry);
      req.end();
    };
    const retry = () => {
      if (performance.now() > deadline) reject(new Error(`${url} did not answer 200 within ${timeoutMs} ms`));
      else setTimeout(attempt, intervalMs);
    };
    attempt();
  });
}

/** Resident set size of one process in MB (Linux /proc). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** pid and all its descendants. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (ppid) follows the parenthesised command name, which may contain spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // the process ended while we looked
    }
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    out.push(pid);
    for (const c of children.get(pid) ?? []) walk(c);
  };
  walk(root);
  return out;
}

export function treeRssMb(root: number): { totalMb: number; processes: Array<{ pid: number; command: string; rssMb: number }> } {
  const processes = processTree(root).flatMap((pid) => {
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).slice(0, 4).join(' ');
      return [{ pid, command, rssMb: round(rssMb(pid)) }];
    } catch {
      return [];
    }
  });
  return { totalMb: round(processes.reduce((s, p) => s + p.rssMb, 0)), processes };
}

/** User+system CPU time of a process in ms, from /proc (Linux; 10 ms resolution); NaN once it is gone. */
export function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/** USER_HZ: 100 on every Linux that Node supports. */
const CLOCK_TICKS = 100;

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)]!;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
