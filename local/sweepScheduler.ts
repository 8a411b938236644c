/**
 * The local stand-in for the Cloud Scheduler job that `npm run deploy` creates for the
 * reconciler: every `intervalMs` it POSTs `${serviceUrl}/tasks/sweep` with an OIDC token of the
 * invoker service account (audience = the service URL), exactly as Cloud Scheduler's OIDC
 * target does, so the service runs the same authenticated code path as in production.
 *
 * Like Cloud Scheduler it does not care whether the service is up: a refused connection or an
 * error answer is logged at debug level and the next tick tries again. One sweep at a time.
 */
import type { Logger } from '../service/logger.js';
import type { LocalIssuer } from './issuer.js';

export type SweepScheduler = { close(): void; /** Runs one sweep now (tests). */ tick(): Promise<unknown> };

export function startSweepScheduler(opts: { serviceUrl: string; invoker: string; issuer: LocalIssuer; intervalMs: number; logger: Logger }): SweepScheduler {
  let running: Promise<unknown> | undefined;
  // One token serves many ticks (signing one per tick is wasted work, and the service's
  // verified-token cache then hits); a new one five minutes before it expires.
  let token: { value: string; renewAt: number } | undefined;
  const currentToken = async (): Promise<string> => {
    if (!token || Date.now() >= token.renewAt) {
      token = { value: await opts.issuer.mintIdToken({ aud: opts.serviceUrl, email: opts.invoker, ttlSeconds: 600 }), renewAt: Date.now() + 300_000 };
    }
    return token.value;
  };
  const tick = (): Promise<unknown> => {
    running ??= (async () => {
      try {
        const token = await currentToken();
        const res = await fetch(`${opts.serviceUrl}/tasks/sweep`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(60_000) });
        const body: unknown = await res.json().catch(() => undefined);
        if (!res.ok) opts.logger.debug({ status: res.status, body }, 'sweep answered an error; next tick tries again');
        return body;
      } catch (err) {
        opts.logger.debug({ err }, 'sweep could not reach the service; next tick tries again');
        return undefined;
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
  const timer = setInterval(() => void tick(), opts.intervalMs);
  timer.unref();
  return { close: () => clearInterval(timer), tick };
}
