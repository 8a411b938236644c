/**
 * Test helper: a Workspace sandbox on a random port with a temp data folder, plus the service's
 * GoogleClients pointed at it exactly as local mode configures them (rootUrl + the local
 * runtime service-account key). `stop()` closes the server and deletes the folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../service/config.js';
import type { GoogleClients } from '../../service/google/clients.js';
import { createGoogleClients } from '../../service/google/createGoogleClients.js';
import { LocalIssuer } from '../../local/issuer.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../local/sandbox/sandbox.js';

export type TestSandbox = {
  sandbox: Sandbox;
  dataDir: string;
  issuer: LocalIssuer;
  config: Config;
  google: GoogleClients;
  /** A fresh token for raw HTTP calls (supertest/fetch) as the app or a delegated user. */
  token(opts?: { scopes?: string[]; sub?: string }): Promise<string>;
  stop(): Promise<void>;
};

export async function startTestSandbox(opts: Partial<SandboxOptions> & { dataDir?: string } = {}): Promise<TestSandbox> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'tasuki-sandbox-'));
  const issuer = LocalIssuer.open(dataDir);
  const sandbox = await startSandbox({ dataDir, issuer, chatLimits: { chatWriteIntervalMs: 0 }, ...opts });
  const config = loadConfig({ TASUKI_DATA_DIR: dataDir, TASUKI_GOOGLE_ROOT_URL: sandbox.url, LOG_LEVEL: 'silent' });
  const google = createGoogleClients(config, { clientOptions: { retry: false } });
  return {
    sandbox,
    dataDir,
    issuer,
    config,
    google,
    async token({ scopes = ['https://www.googleapis.com/auth/chat.bot', 'https://www.googleapis.com/auth/drive', 'https://www.googleapis.com/auth/spreadsheets', 'https://www.googleapis.com/auth/documents', 'https://www.googleapis.com/auth/calendar', 'https://www.googleapis.com/auth/gmail.modify'], sub } = {}) {
      const { SignJWT, importPKCS8 } = await import('jose');
      const key = issuer.runtimeServiceAccountKey();
      const now = Math.floor(Date.now() / 1000);
      const assertion = await new SignJWT({ scope: scopes.join(' '), ...(sub ? { sub } : {}) })
        .setProtectedHeader({ alg: 'RS256', kid: key.private_key_id })
        .setIssuer(key.client_email)
        .setAudience(`${sandbox.url}/oauth2/token`)
        .setIssuedAt(now)
        .setExpirationTime(now + 3600)
        .sign(await importPKCS8(key.private_key, 'RS256'));
      const res = await fetch(`${sandbox.url}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }),
      });
      const body = (await res.json()) as { access_token?: string; error_description?: string };
      if (!body.access_token) throw new Error(`token exchange failed: ${body.error_description}`);
      return body.access_token;
    },
    async stop() {
      await sandbox.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
