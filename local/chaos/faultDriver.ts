/**
 * Google answering badly, on every API the sandbox serves (Chat, Drive, Sheets, Docs, Gmail,
 * Calendar, and OAuth — token grants and the JWKS the service verifies tokens with), through the
 * sandbox's own fault knobs (`PUT/DELETE /_sandbox/faults`, the console's Faults view).
 *
 * A rate r splits as 45% 429, 45% 503 and 10% 500 of the calls failing: rate limits and
 * unavailability are what Google mostly answers under load, and a plain 500 now and then is what
 * clients must retry too. Chat's per-space write limit stays on (the sandbox's default, Google's
 * ~1 write/s), so its 429s come on top. `injected()` reads the sandbox's own count of knob-made
 * errors (not Chat's write-limit 429s).
 */
import { SANDBOX_APIS } from '../sandbox/faults.js';

export type FaultDriver = {
  start(): Promise<void>;
  stop(): Promise<void>;
  injected(): Promise<number>;
};

async function call(url: string, method: string, body?: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method,
    signal: AbortSignal.timeout(10_000),
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`sandbox ${method} ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

export function faultDriver(sandboxUrl: string, rate: number): FaultDriver {
  if (!(rate >= 0 && rate <= 1)) throw new Error(`fault rate must be between 0 and 1 (got ${rate})`);
  const faultsUrl = `${sandboxUrl}/_sandbox/faults`;
  const errorRates = { '429': rate * 0.45, '503': rate * 0.45, '500': rate * 0.1 };
  return {
    async start() {
      for (const api of SANDBOX_APIS) await call(faultsUrl, 'PUT', { api, errorRates });
    },
    async stop() {
      await call(faultsUrl, 'DELETE');
    },
    async injected() {
      const { injected } = (await call(faultsUrl, 'GET')) as { injected?: Record<string, number> };
      return Object.values(injected ?? {}).reduce((a, b) => a + b, 0);
    },
  };
}
