/**
 * How the console reads and writes the Workspace sandbox: through the same Google REST endpoints
 * the service uses, with an access token obtained by the real service-account flow (a JWT-bearer
 * assertion signed with the local runtime service account's key, exchanged at the sandbox's
 * `/oauth2/token`). Gmail is read as a mailbox owner through domain-wide delegation (`sub`).
 *
 * Sandbox errors arrive in Google's shape {error:{code,message,status}}; they are thrown as
 * SandboxCallError carrying that status and message, so the console can show them as they are.
 */
import type { LocalIssuer } from '../issuer.js';
import { postTokenGrant, signSandboxAssertion, type TokenGrantAnswer } from '../sandbox/tokenGrant.js';

const G = 'https://www.googleapis.com/auth/';
const SCOPES = [`${G}chat.bot`, `${G}drive`, `${G}spreadsheets`, `${G}documents`, `${G}calendar`];
const GMAIL_SCOPES = [`${G}gmail.readonly`];

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
    const assertion = await signSandboxAssertion({ sandboxUrl: this.opts.sandboxUrl, issuer: this.opts.issuer, scopes: asUser ? GMAIL_SCOPES : SCOPES, sub: asUser });
    let answer: TokenGrantAnswer;
    try {
      answer = await postTokenGrant(this.opts.sandboxUrl, assertion, AbortSignal.timeout(this.opts.timeoutMs ?? 15_000));
    } catch (err) {
      throw new SandboxCallError(503, `the Workspace sandbox at ${this.opts.sandboxUrl} did not answer: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!answer.ok || !answer.accessToken) {
      throw new SandboxCallError(answer.status === 200 ? 502 : answer.status, `the sandbox refused the console's token request: ${answer.error ?? answer.status}`);
    }
    return { token: answer.accessToken, expiresAt: Date.now() + (answer.expiresIn ?? 3600) * 1000 };
  }
}
