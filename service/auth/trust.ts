/**
 * Which token issuer the service trusts, chosen only by `config.mode`:
 * - production: Google (`https://accounts.google.com` / `accounts.google.com`), keys from
 *   Google's JWKS. There is no code path from a production config to the local issuer.
 * - local: the local issuer (local/issuer.ts) whose JWKS the Workspace sandbox serves at
 *   `${googleRootUrl}/oauth2/v3/certs`, Google's own path.
 *
 * The key source can be injected (tests use a JWKS built from a LocalIssuer); the issuers cannot.
 */
import type { JWTVerifyGetKey } from 'jose';
import type { Config } from '../config.js';
import { KeysUnavailable, loadJose, type TokenTrust } from './tokenVerifier.js';

export const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];
export const GOOGLE_JWKS_URL = 'https://www.googleapis.com/oauth2/v3/certs';

/**
 * Value of LOCAL_ISSUER in local/issuer.ts. Copied rather than imported: service/ must not load
 * local/ code, and a test checks the two stay equal.
 */
export const LOCAL_ISSUER_ID = 'https://tasuki-local-issuer.invalid';

export function tokenTrust(config: Config, keys?: JWTVerifyGetKey): TokenTrust {
  switch (config.mode) {
    case 'production':
      return { issuers: GOOGLE_ISSUERS, keys: keys ?? remoteKeys(GOOGLE_JWKS_URL) };
    case 'local': {
      if (!keys && !config.googleRootUrl) throw new Error('local mode needs TASUKI_GOOGLE_ROOT_URL (the sandbox serves the local JWKS)');
      return { issuers: [LOCAL_ISSUER_ID], keys: keys ?? remoteKeys(`${config.googleRootUrl}/oauth2/v3/certs`) };
    }
  }
}

/**
 * A JWKS fetched from `url` (cached and refreshed by jose), with jose itself loaded on first use.
 * Any failure to get the key set (connection refused, timeout, a 5xx, a page that is not a key
 * set) is KeysUnavailable; only "no key matches this token" is about the token.
 */
export function remoteKeys(url: string): JWTVerifyGetKey {
  let keys: JWTVerifyGetKey | undefined;
  return async (header, token) => {
    const jose = await loadJose();
    keys ??= jose.createRemoteJWKSet(new URL(url));
    try {
      return await keys(header, token);
    } catch (err) {
      if (err instanceof jose.errors.JWKSNoMatchingKey || err instanceof jose.errors.JWKSMultipleMatchingKeys) throw err;
      throw new KeysUnavailable(`signing keys at ${url} could not be fetched: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  };
}
