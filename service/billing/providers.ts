/**
 * Builds the AccountingProvider the configuration chooses (TASUKI_BILLING_PROVIDER), or the one
 * that issued an older document (a void goes to the provider that issued it, even after the
 * office switched providers). The job handler receives this factory from the registry and knows
 * only the port (accountingProvider.ts).
 *
 * freee's token source is one per process (tokens are cached and refreshed under a store lease,
 * freeeTokens.ts); its vault is Secret Manager when TASUKI_FREEE_TOKEN_SECRET_ID is set (required
 * in production), else TASUKI_DATA_DIR/freee-token.json.
 */
import { join } from 'node:path';
import type { Config } from '../config.js';
import type { Store } from '../store/store.js';
import type { JobContext } from '../worker/jobHandler.js';
import type { AccountingProvider } from './accountingProvider.js';
import { FreeeApi } from './freee/freeeApi.js';
import { FreeeProvider } from './freee/freeeProvider.js';
import { FileTokenVault, FreeeTokenSource, SecretManagerTokenVault, type AuthorizedRequest, type TokenVault } from './freee/freeeTokens.js';
import { GoogleDocsPdfProvider } from './googleDocsProvider.js';

export const FREEE_TOKEN_FILE = 'freee-token.json';

/** Where the freee tokens of this configuration are kept. */
export function freeeTokenVault(config: Pick<Config, 'freeeTokenSecret' | 'project' | 'dataDir'>): TokenVault {
  if (config.freeeTokenSecret) {
    let request: Promise<AuthorizedRequest> | undefined;
    const authorized: AuthorizedRequest = async (opts) => {
      request ??= (async () => {
        const { GoogleAuth } = await import('google-auth-library');
        const client = await new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/cloud-platform'] }).getClient();
        return (<T,>(o: { url: string; method?: 'GET' | 'POST'; data?: unknown }) => client.request<T>(o)) as AuthorizedRequest;
      })();
      return (await request)(opts);
    };
    return new SecretManagerTokenVault(authorized, config.project, config.freeeTokenSecret);
  }
  return new FileTokenVault(join(config.dataDir, FREEE_TOKEN_FILE));
}

const tokenSources = new Map<string, FreeeTokenSource>();

function tokenSourceFor(config: Config, store: Store): FreeeTokenSource {
  const key = [config.freeeAccountsUrl, config.freeeClientId, config.freeeTokenSecret || config.dataDir].join('|');
  let source = tokenSources.get(key);
  if (!source) {
    source = new FreeeTokenSource({
      vault: freeeTokenVault(config),
      store,
      client: { accountsUrl: config.freeeAccountsUrl, clientId: config.freeeClientId, clientSecret: config.freeeClientSecret },
    });
    tokenSources.set(key, source);
  }
  return source;
}

export function accountingProviderFor(ctx: JobContext<unknown>, providerId?: string): AccountingProvider {
  const { config, google, store } = ctx;
  const docs = new GoogleDocsPdfProvider(google, { estimate: config.estimateTemplateDocId, invoice: config.invoiceTemplateDocId });
  const id = providerId ?? (config.billingProvider === 'freee' ? 'freee' : docs.id);
  if (id !== 'freee') return docs;
  const api = new FreeeApi({ apiUrl: config.freeeApiUrl, tokens: tokenSourceFor(config, store), signal: ctx.signal });
  return new FreeeProvider(api, docs, { rounding: config.taxRounding, documentUrl: config.freeeDocumentUrl });
}
