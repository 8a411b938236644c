/**
 * GET /v1/clients/match (shared/clientMatch.ts), Google ID token required like /v1/jobs: the
 * client directory's answer for a request's sender, for the Gmail card's client choice. Reads
 * the Ledger and the Clients sheet with the service's own access; the directory is kept for
 * DIRECTORY_TTL_MS per instance, so opening mail after mail reads the sheets about once a minute.
 * Answers names only (never e-mails or other rows).
 */
import { Router } from 'express';
import { ClientMatchQuery, type ClientMatchResponse } from '../../shared/clientMatch.js';
import { requireUser } from '../auth/middleware.js';
import type { AppDeps } from '../deps.js';
import { matchClient, readClientDirectory, type ClientDirectory } from '../clients/clientDirectory.js';
import { HttpError } from './httpErrors.js';

export const DIRECTORY_TTL_MS = 60_000;

export function clientsRouter(deps: AppDeps): Router {
  const { config } = deps;
  const now = () => (deps.now ?? (() => new Date()))().getTime();
  const router = Router();
  router.use(requireUser(config, deps.trust));
  let cached: { at: number; directory: Promise<ClientDirectory> } | undefined;

  const directory = async (): Promise<ClientDirectory> => {
    if (!cached || now() - cached.at > DIRECTORY_TTL_MS) {
      const loading = deps.google().then((g) => readClientDirectory(g.sheets, config.ledgerSpreadsheetId, config.allowedDomains));
      cached = { at: now(), directory: loading };
      loading.catch(() => {
        if (cached?.directory === loading) cached = undefined;
      });
    }
    return cached.directory;
  };

  router.get('/match', async (req, res) => {
    const parsed = ClientMatchQuery.safeParse(req.query);
    if (!parsed.success) throw HttpError.invalid(parsed.error, 'client match query');
    const found = matchClient(await directory(), parsed.data, config.allowedDomains);
    const body: ClientMatchResponse = {
      match: found.client ? { name: found.client.name, by: found.by! } : null,
      candidates: found.candidates,
    };
    res.json(body);
  });
  return router;
}
