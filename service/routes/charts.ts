/**
 * GET /charts/:id.png — chart images for Chat cards (service/summary/chartImages.ts). Public on
 * purpose (Chat fetches images without credentials); the 160-bit id is the only key, and an
 * unknown or malformed id is a plain 404 that says nothing about which ids exist.
 */
import { Router } from 'express';
import { loadChart } from '../summary/chartImages.js';
import type { Store } from '../store/store.js';

export function chartsRouter(store: Store): Router {
  const router = Router();
  router.get('/charts/:file', async (req, res, next) => {
    try {
      const match = /^([0-9a-f]{40})\.png$/.exec(req.params.file);
      const png = match ? await loadChart(store, match[1]!) : null;
      if (!png) {
        res.status(404).type('text/plain').send('not found');
        return;
      }
      res.set({ 'content-type': 'image/png', 'cache-control': 'public, max-age=86400, immutable', 'x-content-type-options': 'nosniff' });
      res.send(png);
    } catch (err) {
      next(err);
    }
  });
  return router;
}
