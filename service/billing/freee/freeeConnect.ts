/**
 * The one-time OAuth 2.0 authorization-code flow that connects tasuki to a freee company
 * (事業所), shared by the operator command (scripts/freee-connect.ts) and the local stack (which
 * approves the stand-in's consent page itself):
 *
 * 1. the authorization URL: <accounts>/public_api/authorize?response_type=code&client_id&
 *    redirect_uri&state&prompt=select_company (the user signs in to freee, picks the company,
 *    presses 許可する);
 * 2. the code (shown on the page for urn:ietf:wg:oauth:2.0:oob, or sent to a loopback
 *    redirect_uri) exchanged at <accounts>/public_api/token (grant_type=authorization_code);
 * 3. the grant checked against the APIs tasuki uses (the company through freee会計, the invoice
 *    templates through freee請求書: a company without freee請求書 fails here, not on Friday);
 * 4. the tokens written to the vault (Secret Manager in production, the data folder locally).
 */
import { randomBytes } from 'node:crypto';
import { FreeeApi } from './freeeApi.js';
import { TemplateIndexResponse } from './freeeSchemas.js';
import { FreeeTokenSource, postTokenRequest, tokensFromResponse, type OAuthClient, type StoredTokens, type TokenVault } from './freeeTokens.js';
import type { Store } from '../../store/store.js';

export const OOB_REDIRECT = 'urn:ietf:wg:oauth:2.0:oob';

export function authorizationUrl(client: Pick<OAuthClient, 'accountsUrl' | 'clientId'>, redirectUri: string, state: string): string {
  const url = new URL(`${client.accountsUrl}/public_api/authorize`);
  url.search = new URLSearchParams({ response_type: 'code', client_id: client.clientId, redirect_uri: redirectUri, state, prompt: 'select_company' }).toString();
  return url.toString();
}

/** A store that only needs to hold the refresh lease while connecting (no refresh happens). */
const noStore = {} as Store;

export type ConnectResult = { tokens: StoredTokens; companyName: string; invoiceTemplates: string[] };

export async function connectFreee(opts: {
  client: OAuthClient;
  apiUrl: string;
  redirectUri: string;
  vault: TokenVault;
  /** Sends the person to `url` and resolves with the code freee returned (and the state it carried). */
  authorize: (url: string, state: string) => Promise<{ code: string; state?: string }>;
  now?: () => Date;
}): Promise<ConnectResult> {
  const state = randomBytes(12).toString('hex');
  const answer = await opts.authorize(authorizationUrl(opts.client, opts.redirectUri, state), state);
  if (answer.state !== undefined && answer.state !== state) throw new Error('the state freee sent back is not the one tasuki sent (a stale or forged redirect); start again');
  const body = await postTokenRequest(opts.client, { grant_type: 'authorization_code', code: answer.code, redirect_uri: opts.redirectUri });
  const tokens = tokensFromResponse(body, opts.now?.() ?? new Date());
  // Check the grant before keeping it: a token source over an in-memory vault never refreshes.
  const memory: TokenVault = { description: 'memory', read: async () => tokens, write: async () => undefined };
  const api = new FreeeApi({ apiUrl: opts.apiUrl, tokens: new FreeeTokenSource({ vault: memory, store: noStore, client: opts.client }) });
  const company = (await api.listCompanies()).find((c) => c.id === tokens.companyId);
  const res = await fetch(`${opts.apiUrl}/iv/invoices/templates?company_id=${tokens.companyId}`, { headers: { authorization: `Bearer ${tokens.accessToken}`, accept: 'application/json' } });
  if (!res.ok) throw new Error(`freee請求書 answered ${res.status} for the invoice templates of company ${tokens.companyId}: is freee請求書 registered for this company (https://www.freee.co.jp/invoice/)?`);
  const templates = TemplateIndexResponse.parse(await res.json()).templates.map((t) => `${t.id} ${t.name}`);
  await opts.vault.write(tokens);
  return { tokens, companyName: company?.display_name ?? company?.name ?? String(tokens.companyId), invoiceTemplates: templates };
}
