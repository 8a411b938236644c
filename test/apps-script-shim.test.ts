/**
 * The Apps Script runtime shim on a small script of its own: synchronous UrlFetchApp against an
 * HTTP server in this very process (the worker-thread bridge keeps it answering), the
 * muteHttpExceptions contract, CardService → Card v2 JSON, per-user properties, Utilities, the
 * Gmail token rule, ID tokens with the script's audience, and errors for missing functions.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { LocalIssuer } from '../local/issuer.js';
import { loadAddon, type LoadedAddon } from '../local/apps-script-shim/loadAddon.js';
import { validateCardV2 } from '../shared/cardV2.js';

type AnyJson = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const SCRIPT = String.raw`
function fetchIt(e) {
  var res = UrlFetchApp.fetch(e.url, { method: e.method || 'get', muteHttpExceptions: e.mute, contentType: 'application/json',
    payload: e.body ? JSON.stringify(e.body) : undefined, headers: { 'X-Test': 'yes' } });
  return { code: res.getResponseCode(), text: res.getContentText(), type: res.getHeaders()['content-type'] };
}
function tryFetch(e) {
  try { UrlFetchApp.fetch(e.url, { muteHttpExceptions: false }); return 'no error'; } catch (err) { return String(err.message); }
}
function card() {
  return CardService.newCardBuilder()
    .setHeader(CardService.newCardHeader().setTitle('T').setSubtitle('S'))
    .addSection(CardService.newCardSection().setHeader('H')
      .addWidget(CardService.newTextInput().setFieldName('f').setTitle('Field').setValue('v').setMultiline(true))
      .addWidget(CardService.newDecoratedText().setTopLabel('top').setText('text')
        .setButton(CardService.newTextButton().setText('Go').setOpenLink(CardService.newOpenLink().setUrl('https://example.com/'))))
      .addWidget(CardService.newButtonSet().addButton(CardService.newTextButton().setText('Act')
        .setTextButtonStyle(CardService.TextButtonStyle.FILLED)
        .setOnClickAction(CardService.newAction().setFunctionName('act').setParameters({ id: '7' })))))
    .setFixedFooter(CardService.newFixedFooter().setPrimaryButton(CardService.newTextButton().setText('P')
      .setOnClickAction(CardService.newAction().setFunctionName('p'))))
    .build();
}
function respond() {
  return CardService.newActionResponseBuilder().setNavigation(CardService.newNavigation().pushCard(card()))
    .setNotification(CardService.newNotification().setText('done')).build();
}
function props(e) {
  var p = PropertiesService.getUserProperties();
  if (e.set) p.setProperty('k', e.set);
  return { user: p.getProperty('k'), script: PropertiesService.getScriptProperties().getProperty('TASUKI_SERVICE_URL'),
           email: Session.getActiveUser().getEmail(), locale: Session.getActiveUserLocale() };
}
function utils() {
  return { date: Utilities.formatDate(new Date(Date.UTC(2026, 11, 31, 16, 30)), 'Asia/Tokyo', "yyyy-MM-dd'T'HH:mm"),
           digest: Utilities.computeDigest(Utilities.DigestAlgorithm.SHA_256, 'abc').slice(0, 4),
           b64: Utilities.base64EncodeWebSafe('?>?'), uuid: Utilities.getUuid().length };
}
function gmailWithoutToken() { try { GmailApp.getMessageById('m1'); return 'read'; } catch (err) { return err.message; } }
function token() { return ScriptApp.getIdentityToken(); }
function globalsSeen() { return [typeof require, typeof process, typeof setTimeout, typeof CardService]; }
`;

describe('Apps Script shim', () => {
  let dir: string;
  let server: http.Server;
  let url: string;
  let addon: LoadedAddon;
  const seen: Array<{ method?: string; headers: http.IncomingHttpHeaders; body: string }> = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tasuki-shim-'));
    writeFileSync(join(dir, 'Code.js'), SCRIPT);
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method, headers: req.headers, body });
        if (req.url === '/missing') return res.writeHead(404, { 'content-type': 'text/plain' }).end('nope');
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ echo: body ? JSON.parse(body) : null }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    addon = await loadAddon({
      bundlePath: join(dir, 'Code.js'),
      serviceUrl: url,
      sandboxUrl: url,
      issuer: LocalIssuer.open(dir),
      scriptClientId: 'test-client.apps.googleusercontent.com',
      user: 'sato@example.co.jp',
      locale: 'ja',
    });
  });
  after(async () => {
    await addon?.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('UrlFetchApp.fetch is synchronous and really reaches a server in this process', async () => {
    const r = (await addon.call('fetchIt', { url: `${url}/x`, method: 'post', body: { a: 1 }, mute: true })) as AnyJson;
    assert.deepEqual(r, { code: 200, text: '{"echo":{"a":1}}', type: 'application/json' });
    const last = seen.at(-1)!;
    assert.equal(last.method, 'POST');
    assert.equal(last.headers['x-test'], 'yes');
    assert.equal(last.headers['content-type'], 'application/json');
  });

  it('muteHttpExceptions decides whether a 404 throws; an unreachable host always throws', async () => {
    assert.deepEqual(await addon.call('fetchIt', { url: `${url}/missing`, mute: true }), { code: 404, text: 'nope', type: 'text/plain' });
    assert.match(String(await addon.call('tryFetch', { url: `${url}/missing` })), /^Request failed for .*\/missing returned code 404/);
    assert.match(String(await addon.call('tryFetch', { url: 'http://127.0.0.1:9/' })), /^Address unavailable: http:\/\/127\.0\.0\.1:9\//);
  });

  it('CardService builds Card v2 JSON; action responses are { action: { navigations, notification } }', async () => {
    const card = (await addon.call('card', {})) as AnyJson;
    assert.deepEqual(validateCardV2(card), { ok: true });
    assert.deepEqual(card.sections[0].widgets[0], { textInput: { name: 'f', label: 'Field', value: 'v', type: 'MULTIPLE_LINE' } });
    assert.deepEqual(card.sections[0].widgets[2].buttonList.buttons[0], {
      text: 'Act',
      type: 'FILLED',
      onClick: { action: { function: 'act', parameters: [{ key: 'id', value: '7' }] } },
    });
    assert.deepEqual(card.sections[0].widgets[1].decoratedText.button.onClick, { openLink: { url: 'https://example.com/' } });
    const response = (await addon.call('respond', {})) as AnyJson;
    assert.deepEqual(Object.keys(response.action), ['navigations', 'notification']);
    assert.deepEqual(response.action.notification, { text: 'done' });
    assert.deepEqual(response.action.navigations[0].pushCard, card);
  });

  it('user properties are per user; script properties carry the service URL; Session is the caller', async () => {
    await addon.call('props', { set: 'sato-value' });
    const emma = (await addon.call('props', {}, { user: 'emma@example.co.jp', locale: 'en' })) as AnyJson;
    assert.deepEqual(emma, { user: null, script: url, email: 'emma@example.co.jp', locale: 'en' });
    const sato = (await addon.call('props', {})) as AnyJson;
    assert.equal(sato.user, 'sato-value');
  });

  it('Utilities format in a time zone, digest as signed bytes, encode base64', async () => {
    assert.deepEqual(await addon.call('utils', {}), { date: '2027-01-01T01:30', digest: [-70, 120, 22, -65], b64: 'Pz4_', uuid: 36 });
  });

  it('GmailApp needs the per-message token first; ID tokens carry the script audience and the user', async () => {
    assert.match(String(await addon.call('gmailWithoutToken', {})), /setCurrentMessageAccessToken/);
    const claims = decodeJwt(String(await addon.call('token', {}, { user: 'emma@example.co.jp' })));
    assert.equal(claims.aud, 'test-client.apps.googleusercontent.com');
    assert.equal(claims.email, 'emma@example.co.jp');
  });

  it('a shim member the real platform lacks does not compile', async () => {
    const ts = (await import('typescript')).default;
    const file = join(dir, 'subset-check.ts');
    const shim = new URL('../local/apps-script-shim/cardService.js', import.meta.url).pathname;
    writeFileSync(
      file,
      [
        '/// <reference types="google-apps-script" />',
        `import type { SubsetOf } from ${JSON.stringify(shim)};`,
        'class Good { setText(_t: string) { return this; } }',
        'class Invented { setText(_t: string) { return this; } setSparkles() { return this; } }',
        'export const good: SubsetOf<GoogleAppsScript.Card_Service.TextButton, Good> = true;',
        'export const invented: SubsetOf<GoogleAppsScript.Card_Service.TextButton, Invented> = true;',
      ].join('\n'),
    );
    const root = new URL('..', import.meta.url).pathname;
    const program = ts.createProgram([file], {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      typeRoots: [join(root, 'node_modules/@types')],
      types: [],
    });
    const errors = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file);
    assert.equal(errors.length, 1, errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('\n'));
    assert.match(ts.flattenDiagnosticMessageText(errors[0]!.messageText, '\n'), /membersTheRealPlatformLacks: "setSparkles"/);
  });

  it('runs in a bare context and reports a missing function as Apps Script does', async () => {
    assert.deepEqual(await addon.call('globalsSeen', {}), ['undefined', 'undefined', 'undefined', 'object']);
    await assert.rejects(addon.call('nope', {}), /Script function not found: nope/);
  });
});
