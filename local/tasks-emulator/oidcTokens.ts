/**
 * The OIDC tokens the emulator puts on dispatches, reused per (audience, service account) until
 * shortly before they expire, as Google's own token sources do. Minting signs with RSA (~1 ms of
 * CPU each, per attempt), and a fresh token per dispatch also defeats the service's cache of
 * verified tokens (VerifiedTokenCache in service/auth/tokenVerifier.ts), so every delivery paid a
 * signature check.
 *
 * A token is handed out only while it has more than REFRESH_BEFORE_EXPIRY_S left, so clock skew
 * or a slow delivery never makes the receiver see an expired one; concurrent requests for a
 * missing token share one mint, and a failed mint is not kept.
 */
import type { LocalIssuer } from '../issuer.js';

const TTL_S = 3600;
export const REFRESH_BEFORE_EXPIRY_S = 300;

type Entry = { token: Promise<string>; expiresAt: number };

export class OidcTokens {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly issuer: Pick<LocalIssuer, 'mintIdToken'>,
    private readonly nowS: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  get(audience: string, email: string): Promise<string> {
    const key = `${audience}\n${email}`;
    const now = this.nowS();
    const cached = this.entries.get(key);
    if (cached && cached.expiresAt - now > REFRESH_BEFORE_EXPIRY_S) return cached.token;
    // Drop expired entries now and then so a long-running emulator keeps no dead tokens.
    if (this.entries.size > 64) for (const [k, e] of this.entries) if (e.expiresAt <= now) this.entries.delete(k);
    const token = this.issuer.mintIdToken({ aud: audience, email, ttlSeconds: TTL_S });
    const entry: Entry = { token, expiresAt: now + TTL_S };
    this.entries.set(key, entry);
    token.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return token;
  }
}
