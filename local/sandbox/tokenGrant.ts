/**
 * How a local client (the console, the add-on shim, tests) gets a sandbox access token: the
 * JWT-bearer grant Google's token endpoint takes, with an assertion signed by the local runtime
 * service account's key (optionally acting as a user through `sub`, as domain-wide delegation
 * does). Signing and posting are separate so a caller can tell "the sandbox did not answer" from
 * everything else. The sandbox's side is local/sandbox/auth.ts.
 */
import { SignJWT, importPKCS8 } from 'jose';
import type { LocalIssuer } from '../issuer.js';
import { JWT_BEARER_GRANT } from './auth.js';

export function sandboxTokenUrl(sandboxUrl: string): string {
  return `${sandboxUrl}/oauth2/token`;
}

/** The grant's assertion: an hour-long JWT for `scopes`, acting as `sub` when given. */
export async function signSandboxAssertion(opts: { sandboxUrl: string; issuer: LocalIssuer; scopes: readonly string[]; sub?: string | undefined }): Promise<string> {
  const key = opts.issuer.runtimeServiceAccountKey();
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ scope: opts.scopes.join(' '), ...(opts.sub ? { sub: opts.sub } : {}) })
    .setProtectedHeader({ alg: 'RS256', kid: key.private_key_id, typ: 'JWT' })
    .setIssuer(key.client_email)
    .setAudience(sandboxTokenUrl(opts.sandboxUrl))
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(await importPKCS8(key.private_key, 'RS256'));
}

export type TokenGrantAnswer = { status: number; ok: boolean; accessToken?: string; expiresIn?: number; error?: string };

/** Posts the grant; throws only when the sandbox cannot be reached (or `signal` fires). */
export async function postTokenGrant(sandboxUrl: string, assertion: string, signal?: AbortSignal): Promise<TokenGrantAnswer> {
  const res = await fetch(sandboxTokenUrl(sandboxUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion }),
    ...(signal ? { signal } : {}),
  });
  const body = (await res.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error_description?: string };
  return {
    status: res.status,
    ok: res.ok,
    ...(body.access_token ? { accessToken: body.access_token } : {}),
    ...(body.expires_in !== undefined ? { expiresIn: body.expires_in } : {}),
    ...(body.error_description !== undefined ? { error: body.error_description } : {}),
  };
}
