/**
 * The console's add-on backend over HTTP (supertest on the real router), with the real bundle,
 * service and sandbox: open a sandbox e-mail, click Create project, type slash commands, open
 * and submit the /new dialog, read and run the Sheets menu; bad bodies get `{ error: { message } }`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import request from 'supertest';
import { createAddonRouter, type AddonRouter } from '../local/console/addonRoutes.js';
import { SEED_IDS } from '../local/sandbox/seedData.js';
import { assertValidCards, SATO, SPACE, startAddonEnv, type AddonEnv } from './support/addonEnv.js';

type AnyJson = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('console add-on routes', () => {
  let env: AddonEnv;
  let router: AddonRouter;
  let app: express.Express;

  before(async () => {
    env = await startAddonEnv();
    router = createAddonRouter({
      dataDir: env.spine.dataDir,
      serviceUrl: env.spine.url,
      sandboxUrl: env.sandbox.url,
      scriptClientId: env.spine.config.scriptClientId,
      issuer: env.spine.issuer,
      bundlePath: env.build.codePath,
    });
    app = express().use('/console/api/addon', router);
  });
  after(async () => {
    await router?.close();
    await env?.close();
  });

  it('opens a sandbox e-mail in the sidebar and creates the project from it', async () => {
    const messageId = await env.messageId(SATO, '物件チラシ');
    const open = await request(app).post('/console/api/addon/gmail/open').send({ user: SATO, messageId }).expect(200);
    const card = open.body.response as AnyJson;
    assertValidCards(card);
    const inputs = Object.fromEntries(card.sections[0].widgets.filter((w: AnyJson) => w.textInput).map((w: AnyJson) => [w.textInput.name, [w.textInput.value ?? '']]));
    assert.equal(inputs.client[0], 'みどり不動産株式会社');
    assert.equal(inputs.due[0], '2026-12-04');
    assert.equal(inputs.amount[0], '120000');

    const action = card.fixedFooter.primaryButton.onClick.action;
    const clicked = await request(app)
      .post('/console/api/addon/action')
      .send({ user: SATO, host: 'GMAIL', functionName: action.function, parameters: Object.fromEntries(action.parameters.map((p: AnyJson) => [p.key, p.value])), formInputs: inputs })
      .expect(200);
    const jobCard = clicked.body.response.action.navigations[0].pushCard;
    const job = await env.spine.store.getJob(jobCard.name.replace(/^job-/, ''));
    assert.equal((job?.input as AnyJson).title, '物件チラシ 1月号 制作依頼');
    assert.equal((job?.input as AnyJson).request.gmailMessageId, messageId);
    // The console sets the team space as a deployment's Script Property would: the job reports in Chat too.
    assert.deepEqual(job?.reply, { chat: { space: SPACE } });
  });

  it('turns composer text into slash commands, plain messages and dialog steps', async () => {
    const help = await request(app).post('/console/api/addon/chat/message').send({ user: SATO, space: SPACE, text: '/help' }).expect(200);
    assert.ok(help.body.response.hostAppDataAction.chatDataAction.createMessageAction.message.cardsV2[0].card);
    const search = await request(app).post('/console/api/addon/chat/message').send({ user: SATO, space: SPACE, text: '/search  看板' }).expect(200);
    assert.match(search.body.response.hostAppDataAction.chatDataAction.createMessageAction.message.text, /台帳検索を受け付けました（ジョブ [0-9a-f]{8}）/);
    const hello = await request(app).post('/console/api/addon/chat/message').send({ user: 'emma@example.co.jp', space: SPACE, text: 'hello tasuki' }).expect(200);
    assert.equal(hello.body.response.hostAppDataAction.chatDataAction.createMessageAction.message.text, 'tasuki commands');

    const dialog = await request(app).post('/console/api/addon/chat/message').send({ user: SATO, space: SPACE, text: '/new' }).expect(200);
    const submit = dialog.body.response.action.navigations[0].pushCard.fixedFooter.primaryButton.onClick.action.function;
    const submitted = await request(app)
      .post('/console/api/addon/action')
      .send({ user: SATO, host: 'CHAT', functionName: submit, formInputs: { client: ['北斗書店'], title: ['年始フェア 看板'] }, chat: { space: SPACE, dialogEventType: 'SUBMIT_DIALOG' } })
      .expect(200);
    assert.match(submitted.body.response.hostAppDataAction.chatDataAction.createMessageAction.message.text, /案件作成を受け付けました（ジョブ [0-9a-f]{8}）/);
  });

  it('offers and runs the Sheets menu', async () => {
    const menu = await request(app).get('/console/api/addon/sheets/menu').query({ user: 'emma@example.co.jp' }).expect(200);
    assert.deepEqual(menu.body.items.map((i: AnyJson) => i.label), ['Sync schedule', 'Generate invoices for selected rows', 'Reissue the selected document…', 'Summarize ledger', 'Job status']);
    const run = await request(app)
      .post('/console/api/addon/sheets/menu')
      .send({ user: SATO, spreadsheetId: (SEED_IDS as AnyJson).ledgerSpreadsheet, sheetName: 'Ledger', selectedRows: [3], functionName: 'menuGenerateInvoices' })
      .expect(200);
    assert.match(run.body.response.ui[0].message, /^請求書 1件を受け付けました（ジョブ [0-9a-f]{8}）/);
  });

  it("runs a menu item's prompt: asked first (no answer), then run again with the person's answer", async () => {
    // The seeded Documents sheet: row 3 is I-2026-001 of P-2026-001.
    const item = { user: SATO, spreadsheetId: (SEED_IDS as AnyJson).ledgerSpreadsheet, sheetName: 'Documents', selectedRows: [3], functionName: 'menuReissueDocument' };
    const asked = await request(app).post('/console/api/addon/sheets/menu').send(item).expect(200);
    assert.deepEqual(asked.body.response.ui.map((u: AnyJson) => [u.type, u.title, u.answered]), [['prompt', 'I-2026-001 を再発行', 'CLOSE']]);
    const answered = await request(app).post('/console/api/addon/sheets/menu').send({ ...item, promptAnswers: [{ button: 'OK', text: '宛名訂正' }] }).expect(200);
    assert.deepEqual(answered.body.response.ui.map((u: AnyJson) => u.type), ['prompt', 'toast']);
    assert.match(answered.body.response.ui[1].message, /を受け付けました（ジョブ [0-9a-f]{8}）$/);
    await request(app).post('/console/api/addon/sheets/menu').send({ ...item, promptAnswers: [{ button: 'MAYBE' }] }).expect(400);
  });

  it('answers bad requests with a message naming the field', async () => {
    const bad = await request(app).post('/console/api/addon/action').send({ user: 'nobody', host: 'FAX', functionName: 'x' }).expect(400);
    assert.match(bad.body.error.message, /user: user must be an e-mail address/);
    assert.match(bad.body.error.message, /host: /);
    const noChat = await request(app).post('/console/api/addon/action').send({ user: SATO, host: 'CHAT', functionName: 'onRefreshJob' }).expect(400);
    assert.equal(noChat.body.error.message, 'chat: { space } is required for host CHAT');
    const unknown = await request(app).post('/console/api/addon/action').send({ user: SATO, host: 'SHEETS', functionName: 'doesNotExist' }).expect(500);
    assert.match(unknown.body.error.message, /Script function not found: doesNotExist/);
  });
});
