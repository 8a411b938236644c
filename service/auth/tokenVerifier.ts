/**
 * The one token verification code path of the service (jose `jwtVerify` against a JWKS). Both
 * the add-on's Google ID tokens (/v1/jobs*) and Cloud Tasks' OIDC tokens (/tasks/run) go through
 * `verifyBearer`; only the expected audience and the checks on the verified claims differ.
 *
 * jose is imported on the first verification (`loadJose`, also called by deps.warm() once the
 * server listens), keeping it off the cold-start path.
 *
 * Failures are `AuthFailure`s carrying the HTTP status (401: no usable token; 403: a valid token
 * of someone who may not call this endpoint; 503: the signing keys could not be fetched, so the
 * caller should try again rather than get a new token) and a specific `code` so callers can tell
 * an expired token from a forged one.
 */
import type { JWTPayload, JWTVerifyGetKey } from 'jose';

export type AuthErrorCode =
  | 'missing_token'
  | 'malformed_token'
  | 'token_expired'
  | 'invalid_signature'
  | 'wrong_audience'
  | 'wrong_issuer'
  | 'invalid_token'
  | 'email_not_verified'
  | 'email_not_allowed'
  | 'wrong_service_account'
  | 'auth_unavailable';

export class AuthFailure extends Error {
  constructor(
    readonly status: 401 | 403 | 503,
    readonly code: AuthErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AuthFailure';
  }
}

/**
 * The signing keys could not be obtained (the JWKS endpoint refused, timed out, answered 5xx or
 * something that is not a key set). Thrown by key sources (trust.ts); it says nothing about the
 * token, so it becomes 503 auth_unavailable, never 401: a valid user must not be told to sign in
 * again because Google's key server (or the local issuer) had a bad minute.
 */
export class KeysUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeysUnavailable';
  }
}

/** Whom a verifier trusts: issuers and where their signing keys come from. */
export type TokenTrust = {
  issuers: string[];
  keys: JWTVerifyGetKey;
  /** Tokens already verified against this trust (see VerifiedTokenCache); made on first use. */
  cache?: VerifiedTokenCache;
};

/**
 * The add-on reuses one ID token for a whole Apps Script execution and Cloud Tasks signs many
 * deliveries per token, so a verified token is remembered (by its exact text and audience) until
 * it expires: a repeat costs a map lookup instead of an RSA verification. Bounded; oldest first out.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, VerifiedClaims>();
  constructor(private readonly max = 1000) {}

  get(key: string, nowSeconds: number): VerifiedClaims | undefined {
    const claims = this.entries.get(key);
    if (!claims) return undefined;
    if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds || typeof claims.iat !== 'number' || claims.iat + MAX_TOKEN_AGE_SECONDS + CLOCK_TOLERANCE_SECONDS < nowSeconds) {
      this.entries.delete(key);
      return undefined;
    }
    return claims;
  }

  set(key: string, claims: VerifiedClaims): void {
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, claims);
  }
}

export type VerifiedClaims = JWTPayload & { email?: unknown; email_verified?: unknown };

type Jose = typeof import('jose');
let jose: Promise<Jose> | undefined;

export function loadJose(): Promise<Jose> {
  jose ??= import('jose').catch((err: unknown) => {
    jose = undefined;
    throw err;
  });
  return jose;
}

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

/** Google signs ID and OIDC tokens with RS256; refusing anything else closes alg-confusion doors. */
const ALGORITHMS = ['RS256'];

/** A little leeway for clock skew between the issuer and this instance. */
const CLOCK_TOLERANCE_SECONDS = 30;

/**
 * Google's ID and OIDC tokens live one hour (exp = iat + 3600). A token older than that, whatever
 * its exp says, or one issued in the future beyond the clock skew above, did not come from Google
 * as Google issues tokens: refused (jose's maxTokenAge checks both sides of iat).
 */
export const MAX_TOKEN_AGE_SECONDS = 3600;

export async function verifyBearer(authorization: string | undefined, trust: TokenTrust, audience: string): Promise<VerifiedClaims> {
  if (!authorization) throw new AuthFailure(401, 'missing_token', 'Authorization header with a Bearer token is required');
  const match = BEARER.exec(authorization.trim());
  if (!match) throw new AuthFailure(401, 'malformed_token', 'Authorization header must be "Bearer <JWT>"');
  const cacheKey = `${audience}\n${match[1]!}`;
  trust.cache ??= new VerifiedTokenCache();
  const cached = trust.cache.get(cacheKey, Math.floor(Date.now() / 1000));
  if (cached) return cached;
  const { jwtVerify, errors } = await loadJose();
  try {
    const { payload } = await jwtVerify(match[1]!, trust.keys, {
      issuer: trust.issuers,
      audience,
      algorithms: ALGORITHMS,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      maxTokenAge: MAX_TOKEN_AGE_SECONDS,
      requiredClaims: ['exp', 'iat'],
    });
    trust.cache.set(cacheKey, payload as VerifiedClaims);
    return payload as VerifiedClaims;
  } catch (err) {
    throw toAuthFailure(err, errors);
  }
}

function toAuthFailure(err: unknown, errors: Jose['errors']): AuthFailure {
  if (err instanceof errors.JWTExpired) return new AuthFailure(401, 'token_expired', 'the token has expired; get a fresh one');
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return new AuthFailure(401, 'wrong_audience', 'the token was issued for another audience');
    if (err.claim === 'iss') return new AuthFailure(401, 'wrong_issuer', 'the token was not issued by a trusted issuer');
    if (err.claim === 'iat') return new AuthFailure(401, 'invalid_token', "the token's iat is in the future beyond the allowed clock skew; get a fresh token (or check this server's clock)");
    return new AuthFailure(401, 'invalid_token', `the token's "${err.claim}" claim is not acceptable: ${err.reason}`);
  }
  if (err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JWKSNoMatchingKey) {
    return new AuthFailure(401, 'invalid_signature', 'the token signature does not verify against the trusted keys');
  }
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid || err instanceof errors.JOSEAlgNotAllowed) {
    return new AuthFailure(401, 'malformed_token', 'the token is not a well-formed RS256 JWT');
  }
  if (err instanceof KeysUnavailable || err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || (err instanceof TypeError && /fetch/i.test(err.message))) {
    return new AuthFailure(503, 'auth_unavailable', `the token signing keys could not be fetched (${err.message}); try again shortly`);
  }
  // Anything else jose refuses: the request cannot be authenticated.
  return new AuthFailure(401, 'invalid_token', `the token could not be verified: ${err instanceof Error ? err.message : String(err)}`);
}

/** The verified, lowercased e-mail, or a 403 when the issuer has not verified it. */
export function verifiedEmail(claims: VerifiedClaims): string {
  if (typeof claims.email !== 'string' || claims.email === '') {
    throw new AuthFailure(403, 'email_not_verified', 'the token carries no e-mail address');
  }
  if (claims.email_verified !== true && claims.email_verified !== 'true') {
    throw new AuthFailure(403, 'email_not_verified', `the e-mail ${claims.email} is not verified by the issuer`);
  }
  return claims.email.toLowerCase();
}
