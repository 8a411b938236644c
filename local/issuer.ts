/**
 * The local token issuer: stands in for Google's OIDC issuer on a laptop. Its RSA key pair is
 * generated on first use and kept in the data folder, so tokens stay valid across restarts.
 *
 * It signs (1) ID tokens like ScriptApp.getIdentityToken() (aud = script client id), (2) OIDC
 * tokens like Cloud Tasks' (aud = service URL, email = invoker service account), and (3) it owns
 * the local runtime service-account key that the service exchanges at the sandbox's OAuth token
 * endpoint. The sandbox serves the public keys as a JWKS at /oauth2/v3/certs, the same path as
 * Google's, so the service verifies local tokens with exactly the code it uses for Google's.
 *
 * Only local code imports this module; production configuration has no way to point the verifier
 * at it (TASUKI_GOOGLE_ROOT_URL is refused in production).
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, exportJWK, importPKCS8, type JWK } from 'jose';

export const LOCAL_ISSUER = 'https://tasuki-local-issuer.invalid';
export const LOCAL_RUNTIME_SA = 'tasuki-runtime@tasuki-local.iam.gserviceaccount.com';

type KeyFile = { kid: string; privateKeyPem: string; publicKeyPem: string };

export type ServiceAccountKey = {
  type: 'service_account';
  client_email: string;
  private_key: string;
  private_key_id: string;
};

export class LocalIssuer {
  private constructor(
    private readonly key: KeyFile,
    private readonly runtimeKey: KeyFile,
  ) {}

  /** Loads the keys from `dataDir`, creating them on first start. Safe when two processes race. */
  static open(dataDir: string): LocalIssuer {
    mkdirSync(dataDir, { recursive: true });
    return new LocalIssuer(loadOrCreateKey(join(dataDir, 'issuer-key.json')), loadOrCreateKey(join(dataDir, 'runtime-sa-key.json')));
  }

  /** A Google-shaped ID token (RS256, kid in header), valid for an hour from its iat unless told otherwise. */
  async mintIdToken(claims: { aud: string; email: string; sub?: string; emailVerified?: boolean; ttlSeconds?: number; issuedAt?: number; extra?: Record<string, unknown> }): Promise<string> {
    // issuedAt (epoch seconds) lets tests mint tokens dated in the past or the future.
    const now = claims.issuedAt ?? Math.floor(Date.now() / 1000);
    const key = await importPKCS8(this.key.privateKeyPem, 'RS256');
    return new SignJWT({ email: claims.email, email_verified: claims.emailVerified ?? true, ...claims.extra })
      .setProtectedHeader({ alg: 'RS256', kid: this.key.kid, typ: 'JWT' })
      .setIssuer(LOCAL_ISSUER)
      .setAudience(claims.aud)
      .setSubject(claims.sub ?? stableSub(claims.email))
      .setIssuedAt(now)
      .setExpirationTime(now + (claims.ttlSeconds ?? 3600))
      .setJti(randomUUID())
      .sign(key);
  }

  /** Public keys in JWKS form (served at /oauth2/v3/certs by the sandbox). */
  async jwks(): Promise<{ keys: JWK[] }> {
    const { createPublicKey } = await import('node:crypto');
    const jwk = await exportJWK(createPublicKey(this.key.publicKeyPem));
    return { keys: [{ ...jwk, kid: this.key.kid, alg: 'RS256', use: 'sig' }] };
  }

  /** The local runtime service account's key, in the JSON shape of a downloaded SA key. */
  runtimeServiceAccountKey(): ServiceAccountKey {
    return { type: 'service_account', client_email: LOCAL_RUNTIME_SA, private_key: this.runtimeKey.privateKeyPem, private_key_id: this.runtimeKey.kid };
  }

  /** Public key (PEM) of the runtime service account, for the sandbox's token endpoint. */
  runtimeServiceAccountPublicKey(): string {
    return this.runtimeKey.publicKeyPem;
  }
}

function loadOrCreateKey(path: string): KeyFile {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key: KeyFile = {
    kid: randomUUID().replace(/-/g, ''),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
  try {
    // 'wx': if another process created it first, use theirs so both agree on one key.
    writeFileSync(path, JSON.stringify(key), { flag: 'wx', mode: 0o600 });
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
  }
}

/** Google `sub` values are opaque digit strings; derive a stable one from the e-mail. */
function stableSub(email: string): string {
  let h = 0n;
  for (const c of email) h = (h * 131n + BigInt(c.codePointAt(0)!)) % 10n ** 21n;
  return h.toString().padStart(21, '1');
}
