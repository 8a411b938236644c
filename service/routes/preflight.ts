/**
 * POST /preflight — runs the preflight (service/preflight/preflight.ts) with the service's own
 * identity and answers `{ok, checks: [{id, what, ok, detail, fix?}]}` (200 either way: the checks
 * say what failed). Only the invoker's OIDC token is accepted, as on /tasks/run: in production the
 * operator mints one by impersonating the invoker (`npm run deploy -- --check`); locally
 * `npm run preflight` signs one with the local issuer.
 */
import { Router } from 'express';
import { requireInvoker } from '../auth/middleware.js';
import type { AppDeps } from '../deps.js';
import { runPreflight } from '../preflight/preflight.js';

export function preflightRouter(deps: AppDeps): Router {
  const router = Router();
  router.post('/', requireInvoker(deps.config, deps.trust), async (_req, res) => {
    const checks = await runPreflight({ config: deps.config, google: deps.google, queue: deps.queue, store: deps.store, ...(deps.now ? { now: deps.now } : {}) });
    res.json({ ok: checks.every((c) => c.ok), checks });
  });
  return router;
}
