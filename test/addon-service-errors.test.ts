/**
 * How the add-on tells people what went wrong with the service, in their language: every HTTP
 * status class the service client maps (400 with field issues, 401, 403, 404, 409, 429, 5xx,
 * an unreadable body), and, for every entry point that calls the service (the Gmail card's
 * actions, the homepage, every Chat command that reaches the service, the job cards' buttons, the
 * Chat dialog, the Sheets side panel and menu), a service that answers `200 {}`, an HTML page,
 * a 500 or nothing at all (a timeout): always a friendly text in the user's language, never a
 * JavaScript error or the service's own English. Driven through the real bundle in the shim;
 * the answers come from a small HTTP server here (the real service cannot be made to answer each
 * on demand); a real 401 (wrong token audience) comes from the real service.
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
import { buttonEvent, gmailEvent, hostEvent, slashCommandEvent, startAddonEnv } from './support/addonEnv.js';

type AnyJson = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const JOB = 'j-0123456789abcdef0123456789abcdef';

const ANSWERS: Record<string, [number, string]> = {
  '400': [400, JSON.stringify({ error: { code: 'invalid_request', message: 'bad', issues: [{ path: 'input.projectNumber', message: 'must look like P-2026-014' }] } })],
  '400-unknown-field': [400, JSON.stringify({ error: { code: 'invalid_request', message: 'bad', issues: [{ path: 'idempotencyKey', message: 'too long' }] } })],
  '401': [401, JSON.stringify({ error: { code: 'unauthenticated', message: 'no' } })],
  '404': [404, JSON.stringify({ error: { code: 'not_found', message: 'no such job' } })],
  '409': [409, JSON.stringify({ error: { code: 'idempotency_key_reused', message: 'idempotencyKey chat:x was already used for a different request (job j-1)' } })],
  '429': [429, JSON.stringify({ error: { code: 'rate_limited', message: 'slow down' } })],
  '503': [503, '<html>Service Unavailable</html>'],
  '200-garbage': [200, 'not json'],
  '200-empty-object': [200, '{}'],
  '200-html': [200, '<!doctype html><html><body>Sign in to continue</body></html>'],
  '500': [500, JSON.stringify({ error: { code: 'internal', message: 'internal error; it has been logged' } })],
  timeout: [0, ''],
};

/** A user-facing text must not carry these: JavaScript errors, the service's English, internals. */
const LEAKS = /Cannot read|undefined|TypeError|Exception|idempotencyKey|j-1\b|internal error|Sign in to continue|at .*\.js:\d+/;

describe('add-on service errors', () => {
  let dir: string;
  let build: AddonBuild;
  let server: http.Server;
  let addon: LoadedAddon;
  let mode = '400';
  const hanging: http.ServerResponse[] = [];

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
      if (mode === 'timeout') {
        hanging.push(res);
        return;
      }
      res.writeHead(status, { 'content-type': body.startsWith('{') ? 'application/json' : 'text/html' }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    addon = await loadAddon({ bundlePath: build.codePath, serviceUrl: url, sandboxUrl: url, issuer: LocalIssuer.open(dir), scriptClientId: 'x.apps.googleusercontent.com', user: 'sato@example.co.jp', fetchTimeoutMs: 1500 });
  });
  after(async () => {
    await addon?.close();
    for (const res of hanging) res.destroy();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  const expected: Array<[string, string, string]> = [
    ['400', '⚠️ 入力を確認してください: 案件番号は P-2026-014 の形で入力してください', '⚠️ Please check the input: Enter the project number like P-2026-014'],
    ['400-unknown-field', '⚠️ 依頼の内容を確認してください。', '⚠️ Please check what you entered.'],
    ['401', '⚠️ サービスにログインできませんでした。アドオンを再承認してください。', '⚠️ The service did not accept your sign-in. Please re-authorize the add-on.'],
    ['404', '⚠️ ジョブ「01234567」が見つかりません。/jobs で最近のジョブを確かめてください。', '⚠️ No job "01234567" was found. /jobs lists your recent jobs.'],
    ['409', '⚠️ この依頼は別の内容ですでに受け付けています。内容を変えた場合は新しい依頼として送ってください。', '⚠️ This request was already sent with different content. Send a changed request as a new one.'],
    ['429', '⚠️ サービスが一時的に利用できません。しばらくしてから再度お試しください。', '⚠️ The service is temporarily unavailable. Please try again in a moment.'],
    ['503', '⚠️ サービスが一時的に利用できません。しばらくしてから再度お試しください。', '⚠️ The service is temporarily unavailable. Please try again in a moment.'],
    ['200-garbage', '⚠️ サービスから想定外の応答がありました (HTTP 200)。サービスとアドオンの版が合っていない可能性があります。管理者に連絡してください。', '⚠️ The service answered something unexpected (HTTP 200); the service and the add-on may be different versions. Ask your administrator.'],
  ];
  for (const [status, ja, en] of expected) {
    it(`${status} → a clear message in Japanese and English`, async () => {
      mode = status;
      for (const [locale, text] of [['ja', ja], ['en', en]] as const) {
        // /status with a full id goes straight to GET /v1/jobs/:id; /invoice enqueues (400, 409).
        const event = status.startsWith('400') || status === '409' ? slashCommandEvent(6, 'P-2026-014', { locale }) : slashCommandEvent(3, JOB, { locale });
        const response = (await addon.call('onAppCommand', event, { locale })) as AnyJson;
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

  /** The friendly text each entry point shows, whatever shape its answer has. */
  const entryPoints: Array<[string, (locale: string) => Promise<unknown>]> = [
    // Without the per-message token the action enqueues from the form alone (no Gmail read).
    ['Gmail Create project', (locale) => addon.call('onGmailCreateProject', { ...gmailEvent('m-1', { locale, parameters: { messageId: 'm-1' }, form: { client: 'a', title: 'b' } }), gmail: { messageId: 'm-1' } }, { locale })],
    ['homepage', (locale) => addon.call('onHomepage', hostEvent('GMAIL', { locale }), { locale })],
    ['Sheets side panel', (locale) => addon.call('onSheetsHomepage', hostEvent('SHEETS', { locale }), { locale })],
    ['Chat /jobs', (locale) => addon.call('onAppCommand', slashCommandEvent(2, '', { locale }), { locale })],
    ['Chat /status', (locale) => addon.call('onAppCommand', slashCommandEvent(3, 'P-2026-013', { locale }), { locale })],
    ['Chat /invoice', (locale) => addon.call('onAppCommand', slashCommandEvent(6, 'P-2026-013', { locale }), { locale })],
    ['Chat /retry', (locale) => addon.call('onAppCommand', slashCommandEvent(4, '90a8f5c1', { locale }), { locale })],
    ['Chat /cancel', (locale) => addon.call('onAppCommand', slashCommandEvent(5, JOB, { locale }), { locale })],
    ['Chat /estimate', (locale) => addon.call('onAppCommand', slashCommandEvent(7, 'P-2026-013', { locale }), { locale })],
    ['Chat /scrape', (locale) => addon.call('onAppCommand', slashCommandEvent(8, 'acme', { locale }), { locale })],
    ['Chat /summary', (locale) => addon.call('onAppCommand', slashCommandEvent(9, '', { locale }), { locale })],
    ['Chat /search', (locale) => addon.call('onAppCommand', slashCommandEvent(10, '看板', { locale }), { locale })],
    ['Chat card Refresh', (locale) => addon.call('onRefreshJob', buttonEvent({ jobId: JOB }, { locale }), { locale })],
    ['Chat card Retry', (locale) => addon.call('onRetryJob', buttonEvent({ jobId: JOB }, { locale }), { locale })],
    ['Chat card Cancel', (locale) => addon.call('onCancelJob', buttonEvent({ jobId: JOB }, { locale }), { locale })],
    ['Gmail Draft estimate', (locale) => addon.call('onGmailDraftEstimate', { ...gmailEvent('m-1', { locale, parameters: { messageId: 'm-1' }, form: { projectNumber: 'P-2026-013' } }), gmail: { messageId: 'm-1' } }, { locale })],
    ['Gmail Add to schedule', (locale) => addon.call('onGmailAddToSchedule', { ...gmailEvent('m-1', { locale, parameters: { messageId: 'm-1' } }), gmail: { messageId: 'm-1' } }, { locale })],
    ['Gmail job card Retry', (locale) => addon.call('onRetryJob', { ...hostEvent('GMAIL', { locale, parameters: { jobId: JOB } }) }, { locale })],
    ['Sheets side panel Summarize', (locale) => addon.call('onSheetsSummarizeLedger', hostEvent('SHEETS', { locale }), { locale })],
    ['Chat dialog submit', (locale) => addon.call('onChatNewProjectSubmit', buttonEvent({}, { locale, dialog: 'SUBMIT_DIALOG', form: { client: 'a', title: 'b' } }), { locale })],
    ['Sheets menu Summarize', async (locale) => (await addon.menu.run('menuSummarizeLedger', { spreadsheetId: 's', sheetName: 'Ledger', selectedRows: [] }, { locale })).ui],
    ['Sheets menu Job status', async (locale) => (await addon.menu.run('menuJobStatus', { spreadsheetId: 's', sheetName: 'Ledger', selectedRows: [] }, { locale })).ui],
  ];
  const FRIENDLY: Record<string, Record<string, RegExp>> = {
    '200-empty-object': { ja: /サービスから想定外の応答がありました \(HTTP 200\)/, en: /The service answered something unexpected \(HTTP 200\)/ },
    '200-html': { ja: /サービスから想定外の応答がありました \(HTTP 200\)/, en: /The service answered something unexpected \(HTTP 200\)/ },
    '500': { ja: /サービスが一時的に利用できません/, en: /The service is temporarily unavailable/ },
    timeout: { ja: /サービスに接続できませんでした/, en: /Could not reach the service/ },
  };
  for (const [answer, texts] of Object.entries(FRIENDLY)) {
    it(`a service answering ${answer}: every entry point says so, in the user's language`, async () => {
      mode = answer;
      for (const [name, run] of entryPoints) {
        for (const locale of ['ja', 'en']) {
          const shown = JSON.stringify(await run(locale));
          assert.match(shown, texts[locale]!, `${name} (${locale}): ${shown.slice(0, 400)}`);
          assert.doesNotMatch(shown, LEAKS, `${name} (${locale}) leaks: ${shown.slice(0, 400)}`);
          if (locale === 'en') assert.doesNotMatch(shown.replace(/"name":"[^"]*"/g, ''), /[\u3040-\u30ff\u4e00-\u9fff]/, `${name}: Japanese in English`);
        }
      }
    });
  }

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
      assert.equal(response.hostAppDataAction.chatDataAction.createMessageAction.message.text, '⚠️ The service did not accept your sign-in. Please re-authorize the add-on.');
    } finally {
      await wrongAudience.close();
      await env.close();
    }
  });
});
