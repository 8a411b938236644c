/**
 * The Gmail sidebar, driven through the real bundle in the Apps Script shim against the real
 * service and the sandbox's Gmail: message open → request card with the parsed fields; Create
 * project → a project.create job in the service's store with those fields and the mail's
 * content, and a job card; Refresh; Draft estimate; Add to schedule; homepage; and the errors
 * (missing fields, bad form values, service down, 4xx) as localized messages.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadAddon } from '../local/apps-script-shim/loadAddon.js';
import { assertValidCards, EMMA, gmailEvent, hostEvent, SATO, startAddonEnv, type AddonEnv } from './support/addonEnv.js';

type AnyJson = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function widgets(card: AnyJson): AnyJson[] {
  return (card.sections ?? []).flatMap((s: AnyJson) => s.widgets);
}

function inputValue(card: AnyJson, name: string): string | undefined {
  return widgets(card).find((w) => w.textInput?.name === name)?.textInput.value;
}

describe('Gmail add-on', () => {
  let env: AddonEnv;
  let acmeId: string;

  before(async () => {
    env = await startAddonEnv();
    acmeId = await env.messageId(SATO, 'ポスター制作');
  });
  after(async () => env?.close());

  it('opening a request e-mail shows its parsed fields in an editable card', async () => {
    const card: AnyJson = await env.addon.call('onGmailMessage', gmailEvent(acmeId));
    assertValidCards(card);
    assert.equal(inputValue(card, 'client'), '株式会社アクメ');
    assert.equal(inputValue(card, 'clientEmail'), 'tanaka@acme.example');
    assert.equal(inputValue(card, 'title'), '年末セール ポスター制作のお願い');
    assert.equal(inputValue(card, 'due'), '2026-12-20');
    assert.equal(inputValue(card, 'amount'), '300000');
    assert.equal(card.fixedFooter.primaryButton.text, '案件を作成');
    assert.equal(card.fixedFooter.primaryButton.onClick.action.function, 'onGmailCreateProject');
  });

  it('reads English mail in English, with attachments and a foreign-currency hint', async () => {
    const id = await env.messageId(EMMA, 'Spring menu');
    const card: AnyJson = await env.addon.call('onGmailMessage', gmailEvent(id, { locale: 'en' }), { user: EMMA, locale: 'en' });
    assertValidCards(card);
    assert.equal(inputValue(card, 'due'), '2026-12-20');
    assert.equal(inputValue(card, 'amount'), undefined);
    assert.ok(widgets(card).some((w) => /\$2,000 \(USD\)/.test(w.textInput?.hintText ?? '')));
    assert.equal(card.fixedFooter.primaryButton.text, 'Create project');
    const yamada = await env.messageId(SATO, 'バレンタイン');
    const withPdf: AnyJson = await env.addon.call('onGmailMessage', gmailEvent(yamada));
    assert.ok(widgets(withPdf).some((w) => w.decoratedText?.text === '仕様書_バレンタイン2027.pdf'));
    assert.equal(inputValue(withPdf, 'due'), '2027-01-15');
  });

  it('Create project enqueues project.create with the edited fields and the mail content', async () => {
    const form = { client: '株式会社アクメ', clientEmail: 'tanaka@acme.example', title: '年末セール B1ポスター', due: '2026-12-18', amount: '320,000', projectNumber: '' };
    const response: AnyJson = await env.addon.call('onGmailCreateProject', gmailEvent(acmeId, { parameters: { messageId: acmeId }, form }));
    const [card] = assertValidCards(response) as AnyJson[];
    assert.equal(response.action.notification.text, 'ジョブを受け付けました: 案件作成');
    const jobId = card.name.replace(/^job-/, '');
    const job = await env.spine.store.getJob(jobId);
    assert.ok(job, 'the job is in the service store');
    assert.equal(job.kind, 'project.create');
    assert.equal(job.requestedBy, SATO);
    assert.equal(job.idempotencyKey, `gmail:${acmeId}:project`);
    assert.equal(job.reply, undefined, 'no team space configured (Script Property TASUKI_CHAT_SPACE): the card is the only status');
    const input = job.input as AnyJson;
    assert.deepEqual(input.client, { name: '株式会社アクメ', email: 'tanaka@acme.example' });
    assert.equal(input.title, '年末セール B1ポスター');
    assert.equal(input.due, '2026-12-18');
    assert.equal(input.amount, 320000);
    assert.equal(input.source, 'gmail');
    assert.equal(input.request.gmailMessageId, acmeId);
    assert.match(input.request.body, /納期：12月20日/);
    assert.equal(input.request.from, '田中 健 <tanaka@acme.example>');
    assert.doesNotMatch(JSON.stringify(job), /gmail-addon-token/, 'the per-message access token never leaves Apps Script');

    // A second click on the same mail shows the same job.
    const again: AnyJson = await env.addon.call('onGmailCreateProject', gmailEvent(acmeId, { parameters: { messageId: acmeId }, form }));
    assert.equal(again.action.navigations[0].pushCard.name, `job-${jobId}`);
    assert.match(again.action.notification.text, /すでにあります/);

    // Refresh re-reads the job and updates the card in place.
    const refreshed: AnyJson = await env.addon.call('onRefreshJob', gmailEvent(acmeId, { parameters: { jobId } }));
    assertValidCards(refreshed);
    assert.equal(refreshed.action.navigations[0].updateCard.name, `job-${jobId}`);
    assert.equal(refreshed.action.notification.text, '更新しました');
  });

  it('Draft estimate needs a project number, then enqueues billing.document with a draft reply to the open mail', async () => {
    const noNumber: AnyJson = await env.addon.call('onGmailDraftEstimate', gmailEvent(acmeId, { parameters: { messageId: acmeId }, form: { client: 'x', title: 'y' } }));
    assert.equal(noNumber.action.notification.text, '見積には案件番号 (例 P-2026-014) が必要です。');
    const ok: AnyJson = await env.addon.call('onGmailDraftEstimate', gmailEvent(acmeId, { locale: 'en', parameters: { messageId: acmeId }, form: { projectNumber: 'p-2026-004' } }));
    assertValidCards(ok);
    const jobId = ok.action.navigations[0].pushCard.name.replace(/^job-/, '');
    const job = await env.spine.store.getJob(jobId);
    assert.deepEqual(job?.input, { type: 'estimate', projectNumber: 'P-2026-004', emailDraft: { replyToGmailMessageId: acmeId } });
    assert.equal(ok.action.notification.text, 'Job queued: Estimate');
  });

  it('Add to schedule enqueues schedule.sync', async () => {
    const response: AnyJson = await env.addon.call('onGmailAddToSchedule', gmailEvent(acmeId, { parameters: { messageId: acmeId } }));
    assertValidCards(response);
    const job = await env.spine.store.getJob(response.action.navigations[0].pushCard.name.replace(/^job-/, ''));
    assert.equal(job?.kind, 'schedule.sync');
  });

  it('the homepage lists the user’s recent jobs', async () => {
    const card: AnyJson = await env.addon.call('onHomepage', hostEvent('GMAIL'));
    assertValidCards(card);
    const rows = widgets(card).filter((w) => w.decoratedText?.button);
    assert.ok(rows.length >= 3, JSON.stringify(card));
    assert.equal(rows[0].decoratedText.button.onClick.action.function, 'onRefreshJob');
    const universal: AnyJson = await env.addon.call('onRecentJobsAction', hostEvent('GMAIL', { locale: 'en' }));
    assertValidCards(universal);
    assert.equal(universal.action.navigations[0].pushCard.header.subtitle, 'Recent jobs');
  });

  it('bad form values and missing event fields get localized messages', async () => {
    const badDue: AnyJson = await env.addon.call('onGmailCreateProject', gmailEvent(acmeId, { parameters: { messageId: acmeId }, form: { client: 'a', title: 'b', due: '12/20' } }));
    assert.equal(badDue.action.notification.text, '納期は 2026-12-20 の形式で入力してください。');
    const badAmount: AnyJson = await env.addon.call('onGmailCreateProject', gmailEvent(acmeId, { locale: 'en', parameters: { messageId: acmeId }, form: { client: 'a', title: 'b', amount: 'about 30' } }));
    assert.equal(badAmount.action.notification.text, 'Enter the amount as whole yen (e.g. 300000).');
    const badEmail: AnyJson = await env.addon.call('onGmailCreateProject', gmailEvent(acmeId, { locale: 'en', parameters: { messageId: acmeId }, form: { client: 'a', title: 'b', clientEmail: 'not-an-email' } }));
    assert.equal(badEmail.action.notification.text, "Please check the input: Enter the client's e-mail like name@example.co.jp");
    const noMessage: AnyJson = await env.addon.call('onGmailMessage', { commonEventObject: { hostApp: 'GMAIL', userLocale: 'en' } });
    assertValidCards(noMessage);
    assert.match(JSON.stringify(noMessage), /Google sent less than tasuki needs\. Reload and try again\./);
    assert.doesNotMatch(JSON.stringify(noMessage), /gmail\.messageId/);
    assert.doesNotMatch(JSON.stringify(noMessage), /at .*\.js:\d+/);
  });

  it('a 403 from the service and an unreachable service read as such', async () => {
    // A user outside the allowed domains: the service answers 403.
    const stranger: AnyJson = await env.addon.call('onHomepage', hostEvent('GMAIL', { locale: 'en' }), { user: 'mallory@elsewhere.example' });
    assert.match(JSON.stringify(stranger), /This account may not use tasuki\. Ask your administrator to allow it\./);
    const down = await loadAddon({
      bundlePath: env.build.codePath,
      serviceUrl: 'http://127.0.0.1:9',
      sandboxUrl: env.sandbox.url,
      issuer: env.spine.issuer,
      scriptClientId: env.spine.config.scriptClientId,
      user: SATO,
    });
    try {
      const card: AnyJson = await down.call('onGmailCreateProject', gmailEvent(acmeId, { parameters: { messageId: acmeId }, form: { client: 'a', title: 'b' } }));
      assert.equal(card.action.notification.text, 'サービスに接続できませんでした。しばらくしてから再度お試しください。');
    } finally {
      await down.close();
    }
  });
});
