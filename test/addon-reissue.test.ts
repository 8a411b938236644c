/**
 * Reissuing a document from its card, through the real add-on bundle in the Apps Script shim
 * against the real service: the Reissue… button opens a form (a dialog in Chat, a pushed card in
 * Gmail and Sheets) that says what happens and asks for the reason; an empty reason keeps the form
 * open; the confirm enqueues billing.document with the reason and the number it replaces, once
 * however often (and from whichever host) it is pressed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addonCaller, buttonEvent, formInputs, gmailEvent, SATO, SPACE, startAddonEnv, type AddonEnv } from './support/addonEnv.js';

type AnyJson = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const TARGET = { type: 'invoice', projectNumber: 'P-2026-004', documentNumber: 'I-2026-004' };

describe('Reissue from a card', () => {
  let env: AddonEnv;
  before(async () => {
    env = await startAddonEnv();
  });
  after(async () => env?.close());
  const call = addonCaller(() => env);
  const reissueJobs = async () =>
    (await env.spine.store.listJobs({ requestedBy: SATO, limit: 100 })).filter((j) => j.kind === 'billing.document' && (j.input as AnyJson).reissue);

  it('Chat: a dialog with the consequence and a required reason; empty → asked again; confirmed → one reissue job replying in the space', async () => {
    const opened = await call('onReissueDocument', buttonEvent(TARGET));
    const dialog = opened.action.navigations[0].pushCard;
    assert.equal(dialog.header.title, 'I-2026-004 を再発行');
    const json = JSON.stringify(dialog);
    assert.match(json, /I-2026-004 を取消にして、新しい番号で請求書を発行し直します。取消にした番号と理由は書類台帳に残ります。/);
    assert.match(json, /"textInput":\{"name":"reissueReason","label":"理由（必須）"/);
    const confirm = dialog.sections[0].widgets.at(-1).buttonList.buttons[0];
    assert.equal(confirm.onClick.action.function, 'onConfirmReissue');
    assert.deepEqual(confirm.onClick.action.requiredWidgets, ['reissueReason']);
    assert.deepEqual(Object.fromEntries(confirm.onClick.action.parameters.map((p: AnyJson) => [p.key, p.value])), TARGET);

    const empty = await call('onConfirmReissue', buttonEvent(TARGET, { dialog: 'SUBMIT_DIALOG', form: { reissueReason: '  ' } }));
    assert.match(JSON.stringify(empty.action.navigations[0].updateCard), /⚠️ 再発行の理由を入力してください。/);
    assert.equal((await reissueJobs()).length, 0, 'nothing enqueued without a reason');

    const done = await call('onConfirmReissue', buttonEvent(TARGET, { dialog: 'SUBMIT_DIALOG', form: { reissueReason: '金額訂正のため' } }));
    const text = done.hostAppDataAction.chatDataAction.createMessageAction.message.text;
    assert.match(text, /受け付けました/);
    const jobs = await reissueJobs();
    assert.equal(jobs.length, 1);
    assert.deepEqual(jobs[0]!.input, { type: 'invoice', projectNumber: 'P-2026-004', reissue: { reason: '金額訂正のため', replaces: 'I-2026-004' } });
    assert.equal(jobs[0]!.reply?.chat?.space, SPACE);

    // Pressed again (a double submit): the same job.
    const again = await call('onConfirmReissue', buttonEvent(TARGET, { dialog: 'SUBMIT_DIALOG', form: { reissueReason: '金額訂正のため' } }));
    assert.match(again.hostAppDataAction.chatDataAction.createMessageAction.message.text, /すでに/);
    assert.equal((await reissueJobs()).length, 1);

    const closed = await call('onConfirmReissue', buttonEvent(TARGET, { dialog: 'CANCEL_DIALOG' }));
    assert.equal(closed.action.navigations[0].endNavigation.action, 'CLOSE_DIALOG');
  });

  it('Gmail and Sheets: the form as a pushed card in the user\'s language; confirming shows the job', async () => {
    const mail = await env.messageId(SATO, '');
    const target = { ...TARGET, projectNumber: 'P-2026-005', documentNumber: 'I-2026-005' };
    const form: AnyJson = await call('onReissueDocument', gmailEvent(mail, { locale: 'en', parameters: target }), 'en');
    const card = form.action.navigations[0].pushCard;
    assert.equal(card.name, 'reissue-I-2026-005');
    const json = JSON.stringify(card);
    assert.match(json, /I-2026-005 will be marked void and the invoice issued again under a new number/);
    assert.match(json, /Reason \(required\)/);
    assert.doesNotMatch(json, /[ぁ-んァ-ン一-龯]/, 'no Japanese on the English form');

    const empty: AnyJson = await call('onConfirmReissue', gmailEvent(mail, { locale: 'en', parameters: target, form: { reissueReason: '' } }), 'en');
    assert.equal(empty.action.notification.text, 'Enter the reason for reissuing.');
    const done: AnyJson = await call('onConfirmReissue', gmailEvent(mail, { locale: 'en', parameters: target, form: { reissueReason: 'wrong recipient' } }), 'en');
    assert.match(done.action.notification.text, /^Job queued/);
    const jobId = done.action.navigations[0].pushCard.name.replace(/^job-/, '');
    assert.deepEqual((await env.spine.store.getJob(jobId))!.input, { type: 'invoice', projectNumber: 'P-2026-005', reissue: { reason: 'wrong recipient', replaces: 'I-2026-005' } });

    // The same reissue confirmed from the Sheets side panel is the same job.
    const sheets = { commonEventObject: { hostApp: 'SHEETS', platform: 'WEB', userLocale: 'ja', timeZone: { id: 'Asia/Tokyo', offset: 32400000 }, parameters: target, formInputs: formInputs({ reissueReason: 'wrong recipient' }) } };
    const fromSheets: AnyJson = await call('onConfirmReissue', sheets);
    assert.equal(fromSheets.action.navigations[0].pushCard.name, `job-${jobId}`);
    assert.match(fromSheets.action.notification.text, /すでにあります/);
  });
});
