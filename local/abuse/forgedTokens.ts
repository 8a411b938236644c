/**
 * The forged-token matrix for both doors of the service, each case with the answer it must get:
 * the Authorization header to send and the 401/403 and error code the verifier must give. Used by
 * the auth tests (each code checked) and by `npm run abuse` (none may be accepted).
 *
 * /v1/jobs (the add-on's Google ID token): none, not Bearer, not a JWT, another issuer's keys, a
 * tampered payload, expired, iat in the future, older than an hour with exp still ahead, wrong
 * audience, HS256 signed with the public key, alg none, another key under the trusted kid, an
 * unverified e-mail, a foreign domain, and a Cloud Tasks token replayed here.
 * /tasks/run (Cloud Tasks' OIDC token): the same forgeries, the add-on's token replayed there,
 * another service account and a person with the right audience.
 */
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { generateKeyPair, SignJWT } from 'jose';
import type { LocalIssuer } from '../issuer.js';

export type Door = 'jobs' | 'tasks';

export type ForgedToken = {
  name: string;
  door: Door;
  /** The Authorization header, or undefined for none. */
  authorization: string | undefined;
  status: 401 | 403;
  code: string;
};

export type TokenSetting = {
  /** The issuer the service trusts, and one it does not. */
  issuer: LocalIssuer;
  stranger: LocalIssuer;
  /** Its `iss` (local/issuer.ts LOCAL_ISSUER). */
  issuerId: string;
  scriptClientId: string;
  serviceUrl: string;
  invokerServiceAccount: string;
  /** An allowed user's e-mail. */
  user: string;
};

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A valid token with its payload changed: the signature no longer matches. */
export function tamper(token: string, change: Record<string, unknown>): string {
  const [h, p, sig] = token.split('.') as [string, string, string];
  const payload = { ...JSON.parse(Buffer.from(p, 'base64url').toString()), ...change };
  return `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${sig}`;
}

/** A token naming the trusted issuer and its kid, signed however the attack needs. */
async function claimingIssuer(t: TokenSetting, aud: string, email: string, alg: 'HS256' | 'RS256', key: Parameters<SignJWT['sign']>[0]): Promise<string> {
  const [jwk] = (await t.issuer.jwks()).keys;
  return new SignJWT({ email, email_verified: true })
    .setProtectedHeader({ alg, kid: jwk!.kid })
    .setIssuer(t.issuerId)
    .setAudience(aud)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key);
}

/** The classic algorithm confusion: HS256 with the issuer's public key (PEM) as the HMAC secret. */
async function hs256WithPublicKey(t: TokenSetting, aud: string, email: string): Promise<string> {
  const [jwk] = (await t.issuer.jwks()).keys;
  const pem = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
  return claimingIssuer(t, aud, email, 'HS256', new TextEncoder().encode(String(pem)));
}

function algNone(t: TokenSetting, aud: string, email: string): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = nowSeconds();
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ iss: t.issuerId, aud, email, email_verified: true, iat: now, exp: now + 300 })}.x`;
}

/** Forgeries that are the same on both doors, for the door's audience and caller. */
async function common(t: TokenSetting, door: Door, aud: string, email: string): Promise<ForgedToken[]> {
  const bearer = (token: string) => `Bearer ${token}`;
  const mint = (o: { issuedAt?: number; ttlSeconds?: number; aud?: string } = {}) => t.issuer.mintIdToken({ ...o, aud: o.aud ?? aud, email });
  const cases: Array<Omit<ForgedToken, 'door'>> = [
    { name: 'no token', authorization: undefined, status: 401, code: 'missing_token' },
    { name: 'not Bearer', authorization: 'Basic dXNlcjpwYXNz', status: 401, code: 'malformed_token' },
    { name: 'not a JWT', authorization: 'Bearer abc.def.ghi', status: 401, code: 'malformed_token' },
    { name: "another issuer's keys", authorization: bearer(await t.stranger.mintIdToken({ aud, email })), status: 401, code: 'invalid_signature' },
    { name: 'tampered payload', authorization: bearer(tamper(await t.issuer.mintIdToken({ aud, email: 'ken@other.example' }), { email })), status: 401, code: 'invalid_signature' },
    { name: 'expired', authorization: bearer(await mint({ ttlSeconds: -120 })), status: 401, code: 'token_expired' },
    { name: 'iat in the future', authorization: bearer(await mint({ issuedAt: nowSeconds() + 600 })), status: 401, code: 'invalid_token' },
    { name: 'older than an hour, exp still ahead', authorization: bearer(await mint({ issuedAt: nowSeconds() - 7200, ttlSeconds: 3 * 3600 })), status: 401, code: 'token_expired' },
    { name: 'wrong audience', authorization: bearer(await mint({ aud: 'https://elsewhere.example' })), status: 401, code: 'wrong_audience' },
    { name: 'HS256 signed with the public key', authorization: bearer(await hs256WithPublicKey(t, aud, email)), status: 401, code: 'malformed_token' },
    { name: 'alg none', authorization: bearer(algNone(t, aud, email)), status: 401, code: 'malformed_token' },
    { name: "another key under the issuer's kid", authorization: bearer(await claimingIssuer(t, aud, email, 'RS256', (await generateKeyPair('RS256')).privateKey)), status: 401, code: 'invalid_signature' },
  ];
  return cases.map((c) => ({ ...c, door }));
}

export async function forgedTokens(t: TokenSetting): Promise<ForgedToken[]> {
  const bearer = (token: string) => `Bearer ${token}`;
  const jobs: ForgedToken[] = [
    ...(await common(t, 'jobs', t.scriptClientId, t.user)),
    { name: 'unverified e-mail', door: 'jobs', authorization: bearer(await t.issuer.mintIdToken({ aud: t.scriptClientId, email: t.user, emailVerified: false })), status: 403, code: 'email_not_verified' },
    { name: 'foreign domain', door: 'jobs', authorization: bearer(await t.issuer.mintIdToken({ aud: t.scriptClientId, email: 'mallory@evil.example' })), status: 403, code: 'email_not_allowed' },
    { name: 'a Cloud Tasks token replayed', door: 'jobs', authorization: bearer(await t.issuer.mintIdToken({ aud: t.serviceUrl, email: t.invokerServiceAccount })), status: 401, code: 'wrong_audience' },
  ];
  const tasks: ForgedToken[] = [
    ...(await common(t, 'tasks', t.serviceUrl, t.invokerServiceAccount)),
    { name: "the add-on's token replayed", door: 'tasks', authorization: bearer(await t.issuer.mintIdToken({ aud: t.scriptClientId, email: t.user })), status: 401, code: 'wrong_audience' },
    { name: 'another service account', door: 'tasks', authorization: bearer(await t.issuer.mintIdToken({ aud: t.serviceUrl, email: 'intruder@tasuki-local.iam.gserviceaccount.com' })), status: 403, code: 'wrong_service_account' },
    { name: 'a person with the right audience', door: 'tasks', authorization: bearer(await t.issuer.mintIdToken({ aud: t.serviceUrl, email: t.user })), status: 403, code: 'wrong_service_account' },
  ];
  return [...jobs, ...tasks];
}
