/**
 * Job kind → handler. Handlers are loaded on first use (dynamic import), so a cold instance
 * does not pay for cheerio, pdf-lib or the Google clients before it is ready to serve.
 *
 * Adding a kind: write service/jobs/<kind>.ts exporting a JobHandler, then add one line to
 * HANDLER_LOADERS below. A kind without an entry is refused at enqueue time (400).
 */
import type { JobKind } from '../../shared/jobKinds.js';
import type { HandlerRegistry, JobHandler } from '../worker/jobHandler.js';

export type HandlerLoader = () => Promise<JobHandler>;

export const HANDLER_LOADERS: Partial<Record<JobKind, HandlerLoader>> = {
  'system.echo': async () => (await import('./systemEcho.js')).systemEcho,
  'project.create': async () => (await import('./projectCreate.js')).projectCreate,
  'schedule.sync': async () => (await import('./scheduleSync.js')).scheduleSync,
  'billing.document': async () => {
    const [{ createBillingDocumentHandler }, { accountingProviderFor }] = await Promise.all([import('./billingDocument.js'), import('../billing/providers.js')]);
    return createBillingDocumentHandler(accountingProviderFor);
  },
  'portal.scrape': async () => (await import('./portalScrape.js')).portalScrape,
  'ledger.summarize': async () => (await import('./ledgerSummarize.js')).ledgerSummarize,
  'ledger.search': async () => (await import('./ledgerSearch.js')).ledgerSearch,
};

export function handlerRegistry(loaders: Partial<Record<JobKind, HandlerLoader>> = HANDLER_LOADERS): HandlerRegistry {
  const loaded = new Map<JobKind, Promise<JobHandler>>();
  return {
    has: (kind) => loaders[kind] !== undefined,
    load(kind) {
      const loader = loaders[kind];
      if (!loader) return Promise.resolve(null);
      let handler = loaded.get(kind);
      if (!handler) {
        handler = loader();
        // A failed import (e.g. a syntax error) should be retried on the next delivery, not cached.
        handler.catch(() => loaded.delete(kind));
        loaded.set(kind, handler);
      }
      return handler;
    },
  };
}
