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
import { postTokenGrant, signSandboxAssertion } from '../../local/sandbox/tokenGrant.js';

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
      const answer = await postTokenGrant(sandbox.url, await signSandboxAssertion({ sandboxUrl: sandbox.url, issuer, scopes, sub }));
      if (!answer.accessToken) throw new Error(`token exchange failed: ${answer.error}`);
      return answer.accessToken;
    },
    async stop() {
      await sandbox.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
