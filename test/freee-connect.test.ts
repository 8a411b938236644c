// `npm run freee:connect`, the operator's one-time authorization, run as the operator runs it
// (the script in a child process) against the freee stand-in: it prints freee's authorization
// URL, takes the code pasted on stdin (redirect urn:ietf:wg:oauth:2.0:oob), checks the company
// and its invoice templates, and stores tokens the service can use; a wrong client secret ends
// with freee's refusal and stores nothing.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import express from 'express';
import { createFreeeStandIn } from '../local/freee/freeeStandIn.js';
import { STANDIN_APP, STANDIN_COMPANY_ID } from '../local/freee/freeeState.js';
import { approveStandInConsent } from '../local/freee/standInConsent.js';
import { FREEE_TOKEN_FILE } from '../service/billing/providers.js';

const dir = mkdtempSync(join(tmpdir(), 'tasuki-freee-connect-'));
let url = '';
let close = () => {};
before(async () => {
  const app = express().use('/freee', createFreeeStandIn({ dataDir: join(dir, 'standin') }).router);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/freee`;
  close = () => server.close();
});
after(() => {
  close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the script; when it prints the authorization URL, `answer` gives what the operator pastes. */
function connect(dataDir: string, secret: string, answer: (authorizeUrl: string) => Promise<string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/freee-connect.ts'], {
    env: { ...process.env, TASUKI_FREEE_API_URL: url, TASUKI_FREEE_ACCOUNTS_URL: url, TASUKI_FREEE_CLIENT_ID: STANDIN_APP.clientId, TASUKI_FREEE_CLIENT_SECRET: secret, TASUKI_DATA_DIR: dataDir, TASUKI_FREEE_TOKEN_SECRET_ID: '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let answered = false;
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    const authorizeUrl = /(http:\/\/\S+\/public_api\/authorize\?\S+)/.exec(stdout)?.[1];
    if (authorizeUrl && !answered) {
      answered = true;
      void answer(authorizeUrl).then((code) => child.stdin.end(`${code}\n`));
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr }))));
}

test('npm run freee:connect: authorize in freee, paste the code, the tokens are stored for the company', { timeout: 90_000 }, async () => {
  const dataDir = join(dir, 'ok');
  const run = await connect(dataDir, STANDIN_APP.clientSecret, async (authorizeUrl) => {
    const asked = new URL(authorizeUrl);
    assert.deepEqual(
      [asked.searchParams.get('response_type'), asked.searchParams.get('client_id'), asked.searchParams.get('redirect_uri'), asked.searchParams.get('prompt')],
      ['code', STANDIN_APP.clientId, 'urn:ietf:wg:oauth:2.0:oob', 'select_company'],
    );
    return (await approveStandInConsent(authorizeUrl)).code;
  });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, new RegExp(`Connected to freee company アトリエ襷 \\(id ${STANDIN_COMPANY_ID}\\)`));
  assert.match(run.stdout, /Invoice templates: 501 標準の請求書テンプレート/);
  const stored = JSON.parse(readFileSync(join(dataDir, FREEE_TOKEN_FILE), 'utf8')) as { accessToken: string; refreshToken: string; companyId: number };
  assert.equal(stored.companyId, STANDIN_COMPANY_ID);
  const companies = await fetch(`${url}/api/1/companies`, { headers: { authorization: `Bearer ${stored.accessToken}` } });
  assert.equal(companies.status, 200, 'the stored access token works');
});

test('a wrong client secret: freee refuses, the command says so and stores nothing', { timeout: 90_000 }, async () => {
  const dataDir = join(dir, 'refused');
  const run = await connect(dataDir, 'not-the-secret', async (authorizeUrl) => (await approveStandInConsent(authorizeUrl)).code);
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.match(run.stderr, /^freee:connect: .*invalid_client/m);
  assert.equal(existsSync(join(dataDir, FREEE_TOKEN_FILE)), false);
});
