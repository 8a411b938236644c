/**
 * freee OAuth tokens: where they are kept and how they are refreshed.
 *
 * freee's rules (developer.freee.co.jp, アクセストークンの有効期限): an access token lives 6 hours,
 * a refresh token 90 days, and a refresh token can be used ONCE: every refresh returns a new
 * refresh token that must be kept for the next one. Two service instances refreshing with the
 * same refresh token would leave one of them (and then everyone) with a burnt token.
 *
 * So:
 * - The tokens live in a TokenVault: Secret Manager in production (a new secret version per
 *   refresh, older versions destroyed), a file under the data folder locally.
 * - A refresh happens under a lease in the job store (`freee-token/refresh-lease`, created if
 *   absent or taken over by compare-and-set once expired): the holder re-reads the vault (another
 *   instance may just have refreshed), refreshes only if the token is still old, writes the new
 *   tokens to the vault, and only then releases the lease. Others wait for the vault to hold a
 *   fresh token.
 * - Tokens are refreshed when less than REFRESH_MARGIN_MS of life is left, well before expiry.
 * A refresh that freee accepted but whose answer was lost (crash, network) burns the refresh
 * token; freee then answers invalid_grant and an operator has to run `npm run freee:connect`
 * again: the error says so.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as z from 'zod';
import type { Store } from '../../store/store.js';
import { JobFailure } from '../../jobFailure.js';
import { OAuthError, TokenResponse } from './freeeSchemas.js';

export const StoredTokens = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
  /** ISO time the access token stops working. */
  expiresAt: z.string(),
  /** The freee company (事業所) the tokens were granted for. */
  companyId: z.number().int().positive(),
  scope: z.string().optional(),
  obtainedAt: z.string(),
});
export type StoredTokens = z.infer<typeof StoredTokens>;

export interface TokenVault {
  readonly description: string;
  read(): Promise<StoredTokens | null>;
  write(tokens: StoredTokens): Promise<void>;
}

/** Local: a JSON file written atomically (temp file + rename). */
export class FileTokenVault implements TokenVault {
  constructor(private readonly path: string) {}
  get description(): string {
    return this.path;
  }
  async read(): Promise<StoredTokens | null> {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      return null;
    }
    return StoredTokens.parse(JSON.parse(text));
  }
  async write(tokens: StoredTokens): Promise<void> {
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.path);
  }
}

/** What the Secret Manager adapter needs from an authorised HTTP client (google-auth-library's). */
export type AuthorizedRequest = <T>(opts: { url: string; method?: 'GET' | 'POST'; data?: unknown }) => Promise<{ data: T }>;

/**
 * Production: Secret Manager secret `projects/<project>/secrets/<secret>`, one version per
 * refresh (versions:addVersion), the previous version destroyed so versions do not pile up.
 * The runtime service account needs roles/secretmanager.secretAccessor and
 * roles/secretmanager.secretVersionManager on that secret (the operator guide says how).
 */
export class SecretManagerTokenVault implements TokenVault {
  private readonly base: string;
  constructor(private readonly request: AuthorizedRequest, project: string, private readonly secret: string) {
    this.base = `https://secretmanager.googleapis.com/v1/projects/${project}/secrets/${secret}`;
  }
  get description(): string {
    return `Secret Manager secret ${this.secret}`;
  }
  async read(): Promise<StoredTokens | null> {
    try {
      const res = await this.request<{ name: string; payload: { data: string } }>({ url: `${this.base}/versions/latest:access` });
      return StoredTokens.parse(JSON.parse(Buffer.from(res.data.payload.data, 'base64').toString('utf8')));
    } catch (err) {
      if ((err as { response?: { status?: number } }).response?.status === 404) return null;
      throw err;
    }
  }
  async write(tokens: StoredTokens): Promise<void> {
    const previous = await this.request<{ versions?: Array<{ name: string; state: string }> }>({ url: `${this.base}/versions?filter=state:ENABLED` }).catch(() => ({ data: { versions: [] } }));
    const data = Buffer.from(JSON.stringify(tokens), 'utf8').toString('base64');
    const added = await this.request<{ name: string }>({ url: `${this.base}:addVersion`, method: 'POST', data: { payload: { data } } });
    for (const v of previous.data.versions ?? []) {
      if (v.name === added.data.name) continue;
      // Best effort: a version left enabled costs a little, never correctness (reads take latest).
      await this.request({ url: `https://secretmanager.googleapis.com/v1/${v.name}:destroy`, method: 'POST', data: {} }).catch(() => undefined);
    }
  }
}

/** Refresh when less than this is left (freee's access tokens live 6 hours). */
export const REFRESH_MARGIN_MS = 30 * 60_000;
const LEASE = { collection: 'freee-token', id: 'refresh-lease' } as const;
const LEASE_MS = 30_000;

export function reconnectFailure(detail: string): JobFailure {
  return new JobFailure({
    code: 'freee_not_connected',
    retryable: false,
    message: `freee tokens: ${detail}; connect the freee company again with npm run freee:connect`,
    userMessage: {
      ja: 'freee との連携が切れています。管理者に連携し直すよう依頼してください。',
      en: 'tasuki is no longer connected to freee. Ask your administrator to connect it again.',
    },
  });
}

export function tokensFromResponse(body: TokenResponse, now: Date, companyId?: number): StoredTokens {
  const company = body.company_id !== undefined ? Number(body.company_id) : companyId;
  if (!company || !Number.isInteger(company)) throw reconnectFailure('the token answer names no company (事業所)');
  return {
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    expiresAt: new Date(now.getTime() + body.expires_in * 1000).toISOString(),
    companyId: company,
    ...(body.scope ? { scope: body.scope } : {}),
    obtainedAt: now.toISOString(),
  };
}

export type OAuthClient = { accountsUrl: string; clientId: string; clientSecret: string };

/** POST /public_api/token; throws JobFailure (retryable on 429/5xx/network, reconnect on a refused grant). */
export async function postTokenRequest(client: OAuthClient, form: Record<string, string>): Promise<TokenResponse> {
  let res: Response;
  try {
    res = await fetch(`${client.accountsUrl}/public_api/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ ...form, client_id: client.clientId, client_secret: client.clientSecret }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    throw new JobFailure({ code: 'freee_unavailable', retryable: true, cause: err, message: `freee token endpoint: ${String(err)}`, userMessage: { ja: 'freee の認証サーバーが応答しません。自動で再試行します。', en: "freee's sign-in server did not answer; tasuki will try again." } });
  }
  const body: unknown = await res.json().catch(() => ({}));
  if (res.ok) return TokenResponse.parse(body);
  if (res.status === 429 || res.status >= 500) {
    throw new JobFailure({ code: 'freee_unavailable', retryable: true, message: `freee token endpoint: ${res.status}`, userMessage: { ja: 'freee の認証サーバーが一時的に使えません。自動で再試行します。', en: "freee's sign-in server is unavailable for now; tasuki will try again." } });
  }
  const oauth = OAuthError.safeParse(body);
  throw reconnectFailure(oauth.success ? `${oauth.data.error}${oauth.data.error_description ? `: ${oauth.data.error_description}` : ''}` : `HTTP ${res.status}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Hands out a live access token, refreshing it under the store lease. One per process (the
 * provider factory keeps it), so a token is re-read from the vault only when it is near expiry.
 */
export class FreeeTokenSource {
  private cached: StoredTokens | null = null;
  private readonly holder = `instance-${randomUUID().slice(0, 12)}`;

  constructor(
    private readonly deps: { vault: TokenVault; store: Store; client: OAuthClient; now?: () => Date },
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private fresh(t: StoredTokens | null): t is StoredTokens {
    return t !== null && new Date(t.expiresAt).getTime() - this.now().getTime() > REFRESH_MARGIN_MS;
  }

  /** A token with at least REFRESH_MARGIN_MS of life. `rejected`: one freee just refused (401). */
  async get(rejected?: string): Promise<StoredTokens> {
    if (this.fresh(this.cached) && this.cached.accessToken !== rejected) return this.cached;
    const stored = await this.deps.vault.read();
    if (!stored) throw reconnectFailure(`no tokens in ${this.deps.vault.description}`);
    if (this.fresh(stored) && stored.accessToken !== rejected) return (this.cached = stored);
    return (this.cached = await this.refresh(stored.accessToken));
  }

  private async takeLease(): Promise<boolean> {
    const { store } = this.deps;
    const until = this.now().getTime() + LEASE_MS;
    const { created, doc } = await store.putIfAbsent(LEASE.collection, LEASE.id, { holder: this.holder, until });
    if (created || doc.data.holder === this.holder) return true;
    if (Number(doc.data.until) > this.now().getTime()) return false;
    return (await store.updateDoc(LEASE.collection, LEASE.id, doc.version, { holder: this.holder, until })) !== null;
  }

  private async releaseLease(): Promise<void> {
    const lease = await this.deps.store.getDoc(LEASE.collection, LEASE.id);
    if (lease?.data.holder === this.holder) await this.deps.store.updateDoc(LEASE.collection, LEASE.id, lease.version, { holder: '', until: 0 });
  }

  private async refresh(staleAccessToken: string): Promise<StoredTokens> {
    const deadline = Date.now() + 2 * LEASE_MS;
    while (Date.now() < deadline) {
      if (await this.takeLease()) {
        try {
          // Read again under the lease: another instance may have refreshed while we waited.
          const current = await this.deps.vault.read();
          if (!current) throw reconnectFailure(`no tokens in ${this.deps.vault.description}`);
          if (current.accessToken !== staleAccessToken && this.fresh(current)) return current;
          const body = await postTokenRequest(this.deps.client, { grant_type: 'refresh_token', refresh_token: current.refreshToken });
          const next = tokensFromResponse(body, this.now(), current.companyId);
          await this.deps.vault.write(next);
          return next;
        } finally {
          await this.releaseLease();
        }
      }
      await sleep(250);
      const seen = await this.deps.vault.read();
      if (seen && seen.accessToken !== staleAccessToken && this.fresh(seen)) return seen;
    }
    throw new JobFailure({
      code: 'freee_token_busy',
      retryable: true,
      retryAfterSeconds: 5,
      userMessage: { ja: 'freee のトークンを更新中です。自動で再試行します。', en: 'The freee token is being refreshed; tasuki will try again.' },
    });
  }
}
