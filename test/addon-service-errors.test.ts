/**
 * How the add-on tells people what went wrong with the service, in their language: every HTTP
 * status class the service client maps (400 with field issues, 401, 403, 404, 409, 429, 5xx,
 * an unreadable body), driven through the real bundle in the shim. The statuses come from a small
 * HTTP server here (the real service cannot be made to answer each on demand); a real 401 (wrong
 * token audience) comes from the real service.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadAddon, type LoadedAddon } from '../local/apps-script-shim/loadAddon.js';
import { LocalIssuer } from '../local/issuer.js';
import { buildAddon, type AddonBuild } from '../scripts/build-addon.js';
import { slashCommandEvent, startAddonEnv } from './support/addonEnv.js';

type AnyJson = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const ANSWERS: Record<string, [number, string]> = {
  '400': [400, JSON.stringify({ error: { code: 'invalid_request', message: 'bad', issues: [{ path: 'input.projectNumber', message: 'must look like P-2026-014' }] } })],
  '401': [401, JSON.stringify({ error: { code: 'unauthenticated', message: 'no' } })],
  '404': [404, JSON.stringify({ error: { code: 'not_found', message: 'no such job' } })],
  '409': [409, JSON.stringify({ error: { code: 'conflict', message: 'the job is still running' } })],
  '429': [429, JSON.stringify({ error: { code: 'rate_limited', message: 'slow down' } })],
  '503': [503, '<html>Service Unavailable</html>'],
  '200-garbage': [200, 'not json'],
};

describe('add-on service errors', () => {
  let dir: string;
  let build: AddonBuild;
  let server: http.Server;
  let addon: LoadedAddon;
  let mode = '400';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tasuki-errors-'));
    build = await buildAddon({ outDir: dir });
    server = http.createServer((req, res) => {
      if (mode === 'target') {
        // The service answers a refused reply target in the locale the request was sent with.
        let raw = '';
        req.on('data', (c: Buffer) => (raw += c.toString()));
        req.on('end', () => {
          const locale = (JSON.parse(raw || '{}') as { locale?: string }).locale;
          const message = locale === 'ja' ? '返信先のスペース spaces/X には送れません。' : 'tasuki cannot reply in spaces/X.';
          res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'target_forbidden', message, issues: [{ path: 'reply.chat.space', message: 'not a member' }] } }));
        });
        return;
      }
      const [status, body] = ANSWERS[mode]!;
      res.writeHead(status, { 'content-type': body.startsWith('{') ? 'application/json' : 'text/html' }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    addon = await loadAddon({ bundlePath: build.codePath, serviceUrl: url, sandboxUrl: url, issuer: LocalIssuer.open(dir), scriptClientId: 'x.apps.googleusercontent.com', user: 'sato@example.co.jp' });
  });
  after(async () => {
    await addon?.close();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  const expected: Array<[string, string, string]> = [
    ['400', '⚠️ 入力に誤りがあります: input.projectNumber: must look like P-2026-014', '⚠️ Please correct the input: input.projectNumber: must look like P-2026-014'],
    ['401', '⚠️ サービスにログインできませんでした (401)。アドオンを再承認してください。', '⚠️ The service did not accept your sign-in (401). Please re-authorize the add-on.'],
    ['404', '⚠️ ジョブ j-1 が見つかりません。', '⚠️ Job j-1 was not found.'],
    ['409', '⚠️ この操作は今はできません: the job is still running', '⚠️ That cannot be done now: the job is still running'],
    ['429', '⚠️ サービスが一時的に利用できません (429)。しばらくしてから再度お試しください。', '⚠️ The service is temporarily unavailable (429). Please try again in a moment.'],
    ['503', '⚠️ サービスが一時的に利用できません (503)。しばらくしてから再度お試しください。', '⚠️ The service is temporarily unavailable (503). Please try again in a moment.'],
    ['200-garbage', '⚠️ サービスの応答を読めませんでした (200)。', '⚠️ The service sent a response tasuki could not read (200).'],
  ];
  for (const [status, ja, en] of expected) {
    it(`${status} → a clear message in Japanese and English`, async () => {
      mode = status;
      for (const [locale, text] of [['ja', ja], ['en', en]] as const) {
        const response = (await addon.call('onAppCommand', slashCommandEvent(5, 'j-1', { locale }), { locale })) as AnyJson;
        assert.equal(response.hostAppDataAction.chatDataAction.createMessageAction.message.text, text);
      }
    });
  }

  it('403 for a refused reply target → the service\'s message in the user\'s language, not "may not use tasuki"', async () => {
    mode = 'target';
    for (const [locale, text] of [['ja', '⚠️ 返信先のスペース spaces/X には送れません。 (403)'], ['en', '⚠️ tasuki cannot reply in spaces/X. (403)']] as const) {
      const response = (await addon.call('onAppCommand', slashCommandEvent(6, 'P-2026-014', { locale }), { locale })) as AnyJson;
      assert.equal(response.hostAppDataAction.chatDataAction.createMessageAction.message.text, text);
    }
  });

  it('the real service answers a token for another audience with 401, shown as such', async () => {
    const env = await startAddonEnv();
    const wrongAudience = await loadAddon({
      bundlePath: env.build.codePath,
      serviceUrl: env.spine.url,
      sandboxUrl: env.sandbox.url,
      issuer: env.spine.issuer,
      scriptClientId: 'some-other-script.apps.googleusercontent.com',
      user: 'sato@example.co.jp',
    });
    try {
      const response = (await wrongAudience.call('onAppCommand', slashCommandEvent(2, '', { locale: 'en' }))) as AnyJson;
      assert.equal(response.hostAppDataAction.chatDataAction.createMessageAction.message.text, '⚠️ The service did not accept your sign-in (401). Please re-authorize the add-on.');
    } finally {
      await wrongAudience.close();
      await env.close();
    }
  });
});
