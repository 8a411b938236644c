/**
 * How the console reads and writes the Workspace sandbox: through the same Google REST endpoints
 * the service uses, with an access token obtained by the real service-account flow (a JWT-bearer
 * assertion signed with the local runtime service account's key, exchanged at the sandbox's
 * `/oauth2/token`). Gmail is read as a mailbox owner through domain-wide delegation (`sub`).
 *
 * Sandbox errors arrive in Google's shape {error:{code,message,status}}; they are thrown as
 * SandboxCallError carrying that status and message, so the console can show them as they are.
 */
import { SignJWT, importPKCS8 } from 'jose';
import type { LocalIssuer } from '../issuer.js';

const G = 'https://www.googleapis.com/auth/';
const SCOPES = [`${G}chat.bot`, `${G}drive`, `${G}spreadsheets`, `${G}documents`, `${G}calendar`].join(' ');
const GMAIL_SCOPES = [`${G}gmail.readonly`].join(' ');

export class SandboxCallError extends Error {
  override readonly name = 'SandboxCallError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class SandboxClient {
  private readonly tokens = new Map<string, Promise<{ token: string; expiresAt: number }>>();

  constructor(private readonly opts: { sandboxUrl: string; issuer: LocalIssuer; timeoutMs?: number }) {}

  get baseUrl(): string {
    return this.opts.sandboxUrl;
  }

  /** GET or POST JSON at `path` (relative to the sandbox URL), as the service account or as a mailbox owner. */
  async json<T = any>(path: string, init: { method?: string; body?: unknown; asUser?: string } = {}): Promise<T> {
    const res = await this.raw(path, init);
    const text = await res.text();
    return (text ? JSON.parse(text) : {}) as T;
  }

  /** The raw response (for binary bodies: PDF exports, attachments); non-2xx is thrown. */
  async raw(path: string, init: { method?: string; body?: unknown; asUser?: string } = {}): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${await this.token(init.asUser)}` };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(this.opts.sandboxUrl + path, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 15_000),
      });
    } catch (err) {
      throw new SandboxCallError(503, `the Workspace sandbox at ${this.opts.sandboxUrl} did not answer: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (res.status === 401) this.tokens.delete(init.asUser ?? '');
    if (!res.ok) {
      const text = await res.text();
      let message = text.slice(0, 500);
      try {
        const parsed = JSON.parse(text) as { error?: { message?: string } | string; error_description?: string };
        message = typeof parsed.error === 'object' ? (parsed.error.message ?? message) : (parsed.error_description ?? message);
      } catch {
        // not JSON: keep the text
      }
      throw new SandboxCallError(res.status, message || `the sandbox answered ${res.status}`);
    }
    return res;
  }

  private token(asUser?: string): Promise<string> {
    const key = asUser ?? '';
    const cached = this.tokens.get(key);
    const fresh = cached?.then((t) => (t.expiresAt > Date.now() + 60_000 ? t : null)).catch(() => null);
    return (fresh ?? Promise.resolve(null)).then((t) => {
      if (t) return t.token;
      const minted = this.mint(asUser);
      this.tokens.set(key, minted);
      minted.catch(() => this.tokens.delete(key));
      return minted.then((m) => m.token);
    });
  }

  private async mint(asUser?: string): Promise<{ token: string; expiresAt: number }> {
    const sa = this.opts.issuer.runtimeServiceAccountKey();
    const tokenUrl = `${this.opts.sandboxUrl}/oauth2/token`;
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = { scope: asUser ? GMAIL_SCOPES : SCOPES };
    if (asUser) claims.sub = asUser;
    const assertion = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: sa.private_key_id, typ: 'JWT' })
      .setIssuer(sa.client_email)
      .setAudience(tokenUrl)
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(await importPKCS8(sa.private_key, 'RS256'));
    let res: Response;
    try {
      res = await fetch(tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 15_000),
      });
    } catch (err) {
      throw new SandboxCallError(503, `the Workspace sandbox at ${this.opts.sandboxUrl} did not answer: ${err instanceof Error ? err.message : String(err)}`);
    }
    const body = (await res.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error_description?: string };
    if (!res.ok || !body.access_token) {
      throw new SandboxCallError(res.status === 200 ? 502 : res.status, `the sandbox refused the console's token request: ${body.error_description ?? res.status}`);
    }
    return { token: body.access_token, expiresAt: Date.now() + (body.expires_in ?? 3600) * 1000 };
  }
}
