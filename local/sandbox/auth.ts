/**
 * OAuth for the sandbox, as Google does it for service accounts:
 *
 * - `POST /oauth2/token` takes the JWT-bearer grant (`grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`,
 *   `assertion=<JWT>`). The assertion must be RS256-signed by the local runtime service account's
 *   key (LocalIssuer.runtimeServiceAccountPublicKey), with iss = that account, aud = this token
 *   endpoint (or Google's https://oauth2.googleapis.com/token, which google-auth-library's JWT
 *   hard-codes), a non-empty `scope`, and exp at most an hour after iat. An optional `sub` asks for
 *   domain-wide delegation: the token then acts as that user (who must be a sandbox user).
 *   Answers `{access_token, expires_in, token_type}`; bad assertions get Google's
 *   `{error:'invalid_grant', error_description}`.
 * - `GET /oauth2/v3/certs` serves the local issuer's JWKS (ID/OIDC token verification).
 * - `requireAuth(api)` guards every API call: a bearer token from the endpoint above, unexpired,
 *   with a scope that grants the API; else Google's 401/403. The caller (the service account or
 *   the delegated user) is put on `res.locals.principal` and every call is logged with it.
 */
import { randomBytes } from 'node:crypto';
import express, { type RequestHandler, type Router } from 'express';
import { importSPKI, jwtVerify, decodeProtectedHeader } from 'jose';
import type { LocalIssuer } from '../issuer.js';
import { GoogleError } from './googleError.js';
import type { SandboxState } from './sandboxState.js';
import type { SandboxApi } from './faults.js';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
const TOKEN_TTL_SECONDS = 3600;

/** Who is calling: the service account itself, or a user it acts as through delegation. */
export type Principal = { email: string; kind: 'serviceAccount' | 'user'; serviceAccount: string; scopes: string[] };

const G = 'https://www.googleapis.com/auth/';
/** Scopes that grant each API (any one suffices), as Google's discovery documents list them. */
const SCOPES_FOR: Record<Exclude<SandboxApi, 'oauth2'>, string[]> = {
  chat: [`${G}chat.bot`, `${G}chat.app.memberships`, `${G}chat.memberships`, `${G}chat.memberships.readonly`, `${G}chat.messages`, `${G}chat.messages.create`, `${G}chat.spaces`, `${G}chat.spaces.readonly`, `${G}chat.messages.readonly`],
  drive: [`${G}drive`, `${G}drive.file`, `${G}drive.readonly`],
  sheets: [`${G}spreadsheets`, `${G}spreadsheets.readonly`, `${G}drive`, `${G}drive.file`],
  docs: [`${G}documents`, `${G}documents.readonly`, `${G}drive`, `${G}drive.file`],
  gmail: ['https://mail.google.com/', `${G}gmail.modify`, `${G}gmail.readonly`, `${G}gmail.compose`, `${G}gmail.labels`],
  calendar: [`${G}calendar`, `${G}calendar.events`],
};

function invalidGrant(description: string): GoogleError & { oauth: true } {
  return Object.assign(new GoogleError(400, description), { oauth: true as const });
}

export function oauthRouter(opts: { issuer: LocalIssuer; state: SandboxState; tokenAudiences: () => string[]; isUser: (email: string) => boolean }): Router {
  const router = express.Router();
  const sa = opts.issuer.runtimeServiceAccountKey();
  const publicKey = importSPKI(opts.issuer.runtimeServiceAccountPublicKey(), 'RS256');

  router.get('/v3/certs', async (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.json(await opts.issuer.jwks());
  });

  router.post('/token', express.urlencoded({ extended: false, limit: '64kb' }), async (req, res) => {
    try {
      const body = (req.body ?? {}) as Record<string, string | undefined>;
      if (body.grant_type !== JWT_BEARER_GRANT) {
        res.status(400).json({ error: 'unsupported_grant_type', error_description: `Invalid grant_type: ${body.grant_type ?? '(missing)'}; the sandbox supports ${JWT_BEARER_GRANT}` });
        return;
      }
      if (!body.assertion) throw invalidGrant('Missing required parameter: assertion');
      const principal = await verifyAssertion(body.assertion);
      const token = `ya29.sandbox-${randomBytes(24).toString('base64url')}`;
      opts.state.putToken(token, JSON.stringify(principal), principal.scopes, Date.now() + TOKEN_TTL_SECONDS * 1000);
      res.json({ access_token: token, expires_in: TOKEN_TTL_SECONDS, token_type: 'Bearer' });
    } catch (err) {
      const description = err instanceof Error ? err.message : String(err);
      res.status(400).json({ error: 'invalid_grant', error_description: description });
    }
  });

  async function verifyAssertion(assertion: string): Promise<Principal> {
    let header;
    try {
      header = decodeProtectedHeader(assertion);
    } catch {
      throw invalidGrant('Invalid JWT: the assertion is not a JWS');
    }
    if (header.alg !== 'RS256') throw invalidGrant(`Invalid JWT: alg must be RS256, got ${String(header.alg)}`);
    let payload;
    try {
      ({ payload } = await jwtVerify(assertion, await publicKey, { algorithms: ['RS256'], clockTolerance: 60 }));
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ERR_JWT_EXPIRED') throw invalidGrant('Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.');
      throw invalidGrant('Invalid JWT Signature.');
    }
    if (payload.iss !== sa.client_email) throw invalidGrant(`Invalid JWT: iss ${String(payload.iss)} is not a service account of this sandbox (expected ${sa.client_email})`);
    const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    const accepted = opts.tokenAudiences();
    if (!aud.some((a) => typeof a === 'string' && accepted.includes(a))) {
      throw invalidGrant(`Invalid JWT: aud must be ${accepted[0]}, got ${String(payload.aud)}`);
    }
    if (typeof payload.exp !== 'number' || typeof payload.iat !== 'number' || payload.exp - payload.iat > 3600 + 60) {
      throw invalidGrant('Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.');
    }
    const scope = typeof payload.scope === 'string' ? payload.scope.trim() : '';
    if (!scope) throw invalidGrant('Invalid JWT: the scope claim is missing or empty; name the OAuth scopes the token is for');
    const scopes = scope.split(/\s+/);
    if (payload.sub !== undefined && payload.sub !== sa.client_email) {
      const sub = String(payload.sub);
      if (!opts.isUser(sub)) throw invalidGrant(`Invalid email or User ID: ${sub} is not a user of the sandbox's domain`);
      return { email: sub, kind: 'user', serviceAccount: sa.client_email, scopes };
    }
    return { email: sa.client_email, kind: 'serviceAccount', serviceAccount: sa.client_email, scopes };
  }

  return router;
}

/** Guards an API router: valid bearer token with a scope for `api`; logs the call with its caller. */
export function requireAuth(api: Exclude<SandboxApi, 'oauth2'>, state: SandboxState): RequestHandler {
  return (req, res, next) => {
    const started = new Date().toISOString();
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const unauthenticated = (detail: string) =>
      new GoogleError(401, `Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. (${detail})`, {
        headers: { 'WWW-Authenticate': 'Bearer realm="https://accounts.google.com/"' },
        reason: 'authError',
      });
    if (!match) return next(unauthenticated('no bearer token'));
    const token = state.token(match[1]!);
    if (!token) return next(new GoogleError(401, 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.', { reason: 'authError' }));
    if (token.expires < Date.now()) return next(new GoogleError(401, 'Request had invalid authentication credentials: the access token expired.', { reason: 'authError' }));
    const principal = JSON.parse(token.principal) as Principal;
    if (!principal.scopes.some((s) => SCOPES_FOR[api].includes(s))) {
      return next(new GoogleError(403, 'Request had insufficient authentication scopes.', { reason: 'insufficientPermissions' }));
    }
    res.locals.principal = principal;
    res.on('finish', () => {
      state.recordCall({ at: started, api, method: req.method, path: req.originalUrl.slice(0, 500), principal: principal.email, status: res.statusCode });
    });
    next();
  };
}
