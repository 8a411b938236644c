/**
 * The console's way into the service's job API (`/v1/jobs*`): every call carries a Google-style
 * ID token minted by the local issuer for the person selected in the console, so the service
 * runs its real verification and records the real requester. Answers are passed through as
 * { status, body } so the page sees the service's own error bodies (code, message, issues[]).
 */
import type { LocalIssuer } from '../issuer.js';

export type ServiceAnswer = { status: number; body: unknown };

const TOKEN_TTL_SECONDS = 3600;
/** Re-mint well before expiry so a token never dies in flight. */
const TOKEN_REUSE_MS = (TOKEN_TTL_SECONDS - 600) * 1000;

export class ServiceJobsClient {
  private readonly tokens = new Map<string, { token: string; mintedAt: number }>();

  constructor(
    private readonly opts: { serviceUrl: string; scriptClientId: string; issuer: LocalIssuer; timeoutMs?: number },
  ) {}

  list(email: string, limit = 50): Promise<ServiceAnswer> {
    return this.call(email, 'GET', `/v1/jobs?mine=1&limit=${limit}`);
  }

  get(email: string, id: string): Promise<ServiceAnswer> {
    return this.call(email, 'GET', `/v1/jobs/${encodeURIComponent(id)}`);
  }

  enqueue(email: string, body: unknown): Promise<ServiceAnswer> {
    return this.call(email, 'POST', '/v1/jobs', body);
  }

  retry(email: string, id: string): Promise<ServiceAnswer> {
    return this.call(email, 'POST', `/v1/jobs/${encodeURIComponent(id)}/retry`, {});
  }

  cancel(email: string, id: string): Promise<ServiceAnswer> {
    return this.call(email, 'POST', `/v1/jobs/${encodeURIComponent(id)}/cancel`, {});
  }

  private async token(email: string): Promise<string> {
    const cached = this.tokens.get(email);
    if (cached && Date.now() - cached.mintedAt < TOKEN_REUSE_MS) return cached.token;
    const token = await this.opts.issuer.mintIdToken({ aud: this.opts.scriptClientId, email, ttlSeconds: TOKEN_TTL_SECONDS });
    this.tokens.set(email, { token, mintedAt: Date.now() });
    return token;
  }

  private async call(email: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<ServiceAnswer> {
    const headers: Record<string, string> = { authorization: `Bearer ${await this.token(email)}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(this.opts.serviceUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
      });
    } catch (err) {
      return {
        status: 503,
        body: { error: { code: 'unavailable', message: `the service at ${this.opts.serviceUrl} did not answer: ${err instanceof Error ? err.message : String(err)}` } },
      };
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = { error: { code: 'bad_gateway', message: `the service answered ${res.status} with non-JSON: ${text.slice(0, 200)}` } };
    }
    return { status: res.status, body: parsed };
  }
}
