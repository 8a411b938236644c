/**
 * The Chat app, driven through the real bundle in the Apps Script shim against the real service:
 * every slash command, the /new dialog (open, submit, invalid submit, cancel), card buttons
 * (refresh, retry, cancel, create project from intake), plain messages, added-to-space, and bad
 * events. Every card validates as Card v2; work-starting commands carry the reply space/thread.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CHAT_COMMANDS } from '../addon/chat/commands.js';
import { job } from './support/storeConformance.js';
import {
  addedToSpaceEvent,
  assertValidCards,
  buttonEvent,
  chatMessageEvent,
  SATO,
  slashCommandEvent,
  SPACE,
  startAddonEnv,
  type AddonEnv,
} from './support/addonEnv.js';

type AnyJson = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const id = (name: string) => CHAT_COMMANDS.find((c) => c.name === name)!.id;

function messageOf(response: AnyJson): AnyJson {
  return response.hostAppDataAction?.chatDataAction?.createMessageAction?.message ?? response.hostAppDataAction?.chatDataAction?.updateMessageAction?.message;
}

/** The short job reference (first 8 characters of the id) an acknowledgement names. */
function refIn(text: string): string {
  const m = /(?:ジョブ|job) ([0-9a-f]{8})\b/.exec(text);
  assert.ok(m, `no job reference in "${text}"`);
  return m[1]!;
}

const VIEWER = { name: 'users/1001' };

describe('Chat app', () => {
  let env: AddonEnv;
  before(async () => {
    env = await startAddonEnv();
  });
  after(async () => env?.close());

  const call = async (fn: string, event: unknown, locale = 'ja') => {
    const response = (await env.addon.call(fn, event, { locale })) as AnyJson;
    assertValidCards(response);
    return response;
  };
  /** The job an acknowledgement's short reference names (the requester's newest with that prefix). */
  const jobIdIn = async (text: string): Promise<string> => {
    const ref = refIn(text);
    const jobs = await env.spine.store.listJobs({ requestedBy: SATO, limit: 100 });
    const found = jobs.filter((j) => j.id.startsWith(`j-${ref}`));
    assert.equal(found.length, 1, `one job for ${ref}`);
    return found[0]!.id;
  };

  it('/help, plain messages and @mentions answer with the command list', async () => {
    for (const response of [await call('onAppCommand', slashCommandEvent(id('/help'), '')), await call('onMessage', chatMessageEvent('@tasuki こんにちは'))]) {
      const card = messageOf(response).cardsV2[0].card;
      assert.equal(card.sections[0].widgets.length, CHAT_COMMANDS.length);
      assert.equal(card.sections[0].widgets[0].decoratedText.topLabel, '/new');
    }
  });

  it('added to a space: a welcome with the commands', async () => {
    const response = await call('onAddedToSpace', addedToSpaceEvent('en'), 'en');
    assert.match(messageOf(response).text, /^Thanks for adding tasuki/);
  });

  it('work-starting commands enqueue with the reply space and thread, and acknowledge at once', async () => {
    const cases: Array<[string, string, string, unknown]> = [
      ['/invoice', 'P-2026-004', 'billing.document', { type: 'invoice', projectNumber: 'P-2026-004' }],
      ['/estimate', 'p-2026-005', 'billing.document', { type: 'estimate', projectNumber: 'P-2026-005' }],
      ['/scrape', 'Acme', 'portal.scrape', { portal: 'acme' }],
      ['/summary', '株式会社アクメ', 'ledger.summarize', { client: '株式会社アクメ' }],
      ['/summary', '', 'ledger.summarize', {}],
      ['/search', '看板 ポスター', 'ledger.search', { words: '看板 ポスター' }],
    ];
    for (const [name, args, kind, input] of cases) {
      const event = slashCommandEvent(id(name), args);
      const text: string = messageOf(await call('onAppCommand', event)).text;
      assert.match(text, /を受け付けました（ジョブ [0-9a-f]{8}）/, `${name}: ${text}`);
      const job = await env.spine.store.getJob(await jobIdIn(text));
      assert.equal(job?.kind, kind, name);
      assert.deepEqual(job?.input, input, name);
      assert.equal(job?.requestedBy, SATO);
      // /search concerns only the asker: its result is private to them in the space.
      const privately = name === '/search' ? { viewer: VIEWER.name } : {};
      assert.deepEqual(job?.reply, { chat: { space: SPACE, thread: event.chat.appCommandPayload.message.thread.name, ...privately } });
      assert.equal(job?.idempotencyKey?.startsWith('chat:spaces-AAAAtasukiTeam-messages-'), true);
    }
  });

  describe('a typed reissue names the document it replaces', () => {
    let seq = 0;
    /** A billing.document job of Sato's, as the store would hold it after it ran. */
    const documentJob = async (input: Record<string, unknown>, over: Record<string, unknown> = {}) => {
      seq++;
      const at = new Date(Date.now() - 60_000 + seq * 1000).toISOString();
      await env.spine.store.createJob(job(`j-${String(seq).padStart(4, '0')}feed0000000000000000000000aa`, { kind: 'billing.document', input, requestedBy: SATO, status: 'succeeded', createdAt: at, updatedAt: at, ...over }));
    };
    const issued = (documentNumber: string, extra: Record<string, unknown> = {}) => ({ result: { documentNumber, outcome: 'issued', summary: '', links: [], ...extra } });
    const typed = async (command: string, args: string, locale = 'ja') => messageOf(await call('onAppCommand', slashCommandEvent(id(command), args, { locale }), locale));
    const reissueJob = async (text: string) => (await env.spine.store.getJob(await jobIdIn(text)))!;

    before(async () => {
      // P-2026-021's invoice I-2026-030, then reissued by Sato as I-2026-031 (now current).
      await documentJob({ type: 'invoice', projectNumber: 'P-2026-021' }, issued('I-2026-030'));
      await documentJob({ type: 'invoice', projectNumber: 'P-2026-021', reissue: { reason: '宛名訂正', replaces: 'I-2026-030' } }, issued('I-2026-031', { voidedNumber: 'I-2026-030' }));
      // A failed reissue afterwards changes nothing; an estimate of the same project is another type.
      await documentJob({ type: 'invoice', projectNumber: 'P-2026-021', reissue: { reason: 'x' } }, { status: 'failed', error: { code: 'internal', message: 'x', retryable: false } });
      await documentJob({ type: 'estimate', projectNumber: 'P-2026-021' }, issued('E-2026-021'));
      // P-2026-024's invoice is still being made.
      await documentJob({ type: 'invoice', projectNumber: 'P-2026-024' }, { status: 'running' });
    });

    it("the project's current document (the one this person last saw), or the number typed, is the one replaced", async () => {
      const text: string = (await typed('/invoice', 'P-2026-021 reissue 金額訂正 のため')).text;
      assert.match(text, /を受け付けました（ジョブ [0-9a-f]{8}）/, text);
      const first = await reissueJob(text);
      assert.deepEqual(first.input, { type: 'invoice', projectNumber: 'P-2026-021', reissue: { reason: '金額訂正 のため', replaces: 'I-2026-031' } });
      assert.equal(first.reply?.chat?.space, SPACE);

      // Naming the same number (alone, or after the project) is the same reissue: one job.
      for (const args of ['I-2026-031 reissue 金額訂正 のため', 'p-2026-021 再発行 i-2026-031 金額訂正 のため']) {
        const again: string = (await typed('/invoice', args)).text;
        assert.match(again, /すでに受け付けています（ジョブ/, args);
        assert.equal(await jobIdIn(again), first.id, args);
      }
      // An older number of the project is taken as typed (the service then shows the newer document instead of voiding it).
      const older = await reissueJob((await typed('/invoice', 'I-2026-030 reissue 金額訂正')).text);
      assert.deepEqual(older.input, { type: 'invoice', projectNumber: 'P-2026-021', reissue: { reason: '金額訂正', replaces: 'I-2026-030' } });
      // A number none of Sato's jobs knows, with its project: as typed.
      const other = await reissueJob((await typed('/invoice', 'P-2026-001 reissue I-2026-001 宛名訂正', 'en')).text);
      assert.deepEqual(other.input, { type: 'invoice', projectNumber: 'P-2026-001', reissue: { reason: '宛名訂正', replaces: 'I-2026-001' } });
      const estimate = await reissueJob((await typed('/estimate', 'P-2026-021 再発行 仕様変更')).text);
      assert.deepEqual(estimate.input, { type: 'estimate', projectNumber: 'P-2026-021', reissue: { reason: '仕様変更', replaces: 'E-2026-021' } });
    });

    it("when it cannot tell which document, it refuses privately in the user's language and says what to type", async () => {
      const refusal = async (command: string, args: string, locale = 'ja') => {
        const message = await typed(command, args, locale);
        assert.deepEqual(message.privateMessageViewer, VIEWER, args);
        return message.text as string;
      };
      const before = (await env.spine.store.listJobs({ requestedBy: SATO, limit: 100 })).length;
      assert.equal(
        await refusal('/invoice', 'P-2026-023 reissue 金額訂正'),
        '⚠️ P-2026-023 のどの請求書を取消にするかわかりません（あなたの最近のジョブにこの案件の請求書がありません）。番号を入れてください: `/invoice P-2026-023 再発行 <番号> <理由>`　番号は書類のカード、台帳、書類台帳にあります。',
      );
      assert.equal(
        await refusal('/estimate', 'P-2026-023 reissue wrong amount', 'en'),
        "⚠️ Which estimate of P-2026-023 to void is not clear (none of your recent jobs issued or showed one). Add its number: `/estimate P-2026-023 reissue <number> <reason>` The number is on the document's card, in the Ledger and in the Documents sheet.",
      );
      assert.match(await refusal('/invoice', 'P-2026-024 reissue 金額訂正'), /^⚠️ P-2026-024 の請求書はジョブ 0005feed でまだ作成中です。終わってから再発行してください。$/);
      assert.equal(await refusal('/invoice', 'P-2026-021 reissue E-2026-021 金額訂正'), '⚠️ E-2026-021 は見積書の番号です。/estimate で再発行してください。');
      assert.equal(await refusal('/invoice', 'E-2026-021 reissue wrong', 'en'), '⚠️ E-2026-021 is an estimate number; reissue it with /estimate.');
      assert.equal(
        await refusal('/invoice', 'I-2026-099 reissue wrong amount', 'en'),
        '⚠️ The project of I-2026-099 is not known (none of your recent jobs has it). Add the project number: `/invoice P-2026-013 reissue I-2026-099 <reason>`',
      );
      assert.equal((await env.spine.store.listJobs({ requestedBy: SATO, limit: 100 })).length, before, 'nothing enqueued');
    });
  });

  it('a command with missing arguments answers with its usage and an example, privately', async () => {
    for (const name of ['/invoice', '/status', '/retry', '/cancel', '/scrape', '/search']) {
      const message = messageOf(await call('onAppCommand', slashCommandEvent(id(name), '', { locale: 'en' }), 'en'));
      assert.match(message.text, new RegExp(`^Usage: \`${name} <[a-z ]+>\` {3}Example: \`${name} \\S+`), name);
      assert.deepEqual(message.privateMessageViewer, VIEWER, name);
    }
    assert.equal(messageOf(await call('onAppCommand', slashCommandEvent(id('/invoice'), '2026-4'))).text, '使い方: `/invoice <案件番号>`　例: `/invoice P-2026-014`');
    // A reissue needs its reason: the answer says how to type one, privately.
    const reissue = messageOf(await call('onAppCommand', slashCommandEvent(id('/invoice'), 'P-2026-004 reissue')));
    assert.match(reissue.text, /^再発行の使い方: `\/invoice <案件番号> 再発行 <理由>`/);
    assert.deepEqual(reissue.privateMessageViewer, VIEWER);
    const english = messageOf(await call('onAppCommand', slashCommandEvent(id('/estimate'), 'P-2026-004 reissue E-2026-004', { locale: 'en' }), 'en'));
    assert.match(english.text, /^To reissue: `\/estimate <project number> reissue <reason>`/);
    // Anything else after the project number is the command's usage.
    assert.match(messageOf(await call('onAppCommand', slashCommandEvent(id('/invoice'), 'P-2026-004 please'))).text, /^使い方: `\/invoice <案件番号>`/);
  });

  it('/help lists every command with its argument and an example; `<…>` survives as text', async () => {
    const card = messageOf(await call('onAppCommand', slashCommandEvent(id('/help'), '', { locale: 'en' }), 'en')).cardsV2[0].card;
    const status = card.sections[0].widgets.find((w: AnyJson) => w.decoratedText.topLabel.startsWith('/status'));
    assert.equal(status.decoratedText.topLabel, '/status &lt;job ref or project number&gt;');
    assert.equal(status.decoratedText.bottomLabel, 'Example: /status P-2026-013');
  });

  it('/jobs, /status (by short ref and by project number), /cancel, /retry and the card buttons control a job', async () => {
    const started: string = messageOf(await call('onAppCommand', slashCommandEvent(id('/search'), 'ポスター'))).text;
    const jobId = await jobIdIn(started);
    const ref = jobId.slice(2, 10);

    const jobs = messageOf(await call('onAppCommand', slashCommandEvent(id('/jobs'), '')));
    assert.deepEqual(jobs.privateMessageViewer, VIEWER, '/jobs is private');
    const rows = jobs.cardsV2[0].card.sections[0].widgets;
    const row = rows.find((w: AnyJson) => w.decoratedText?.bottomLabel?.startsWith(ref));
    assert.ok(row, 'the job is listed by its short reference');
    assert.equal(row.decoratedText.topLabel, '台帳検索 · ポスター');
    assert.match(row.decoratedText.bottomLabel, /^[0-9a-f]{8} · (たった今|\d+分前)$/);

    for (const typed of [ref, `j-${ref.slice(0, 6)}`, jobId]) {
      const status = messageOf(await call('onAppCommand', slashCommandEvent(id('/status'), typed)));
      assert.equal(status.cardsV2[0].cardId, `job-${jobId}`, typed);
      assert.deepEqual(status.privateMessageViewer, VIEWER, '/status is private');
    }

    const canceled = messageOf(await call('onAppCommand', slashCommandEvent(id('/cancel'), ref, { locale: 'en' }), 'en')).text;
    assert.match(canceled, new RegExp(`^Asked job ${ref} to cancel`));
    await env.spine.waitForJob(jobId, (j) => j.status === 'canceled' || j.status === 'failed' || j.status === 'succeeded', 'the job to stop');

    const retried = messageOf(await call('onAppCommand', slashCommandEvent(id('/retry'), ref))).text;
    assert.equal(retried, `ジョブ ${ref} を再実行します。`);

    const refreshed = await call('onRefreshJob', buttonEvent({ jobId }));
    assert.equal(refreshed.hostAppDataAction.chatDataAction.updateMessageAction.message.cardsV2[0].cardId, `job-${jobId}`);
    const opened = await call('onRefreshJob', buttonEvent({ jobId, navigation: 'push' }));
    assert.deepEqual(opened.hostAppDataAction.chatDataAction.createMessageAction.message.privateMessageViewer, VIEWER);
    await env.spine.waitForJob(jobId, (j) => j.status !== 'queued', 'the retried job to start or finish');
    const current = (await env.spine.store.getJob(jobId))!;
    if (current.status === 'running') {
      const cancelButton = await call('onCancelJob', buttonEvent({ jobId }));
      assert.ok(messageOf(cancelButton).cardsV2[0].card);
    }
    await env.spine.waitForJob(jobId, (j) => j.status !== 'queued' && j.status !== 'running', 'the job to stop again');
    const finished = (await env.spine.store.getJob(jobId))!;
    // Canceling a finished job is refused in the asker's words, privately, with no service English in it.
    const cancelFinished = messageOf(await call('onAppCommand', slashCommandEvent(id('/cancel'), ref)));
    assert.match(cancelFinished.text, new RegExp(`^⚠️ ジョブ ${ref} はすでに「(完了|失敗|中止)」です。中止するものはありません。$`));
    assert.deepEqual(cancelFinished.privateMessageViewer, VIEWER);
    const retryButton = await call('onRetryJob', buttonEvent({ jobId }));
    if (finished.status === 'succeeded') {
      // Retry cannot help a job that succeeded: refused in words, not re-run.
      assert.match(messageOf(retryButton).text, new RegExp(`^⚠️ ジョブ ${ref} は「完了」です。`));
    } else assert.ok(messageOf(retryButton).cardsV2[0].card);
  });

  it("/status shows the card the service renders in the asker's language, whatever the job's", async () => {
    const started: string = messageOf(await call('onAppCommand', slashCommandEvent(id('/search'), 'ちらし'))).text;
    const ref = (await jobIdIn(started)).slice(2, 10);
    const en = messageOf(await call('onAppCommand', slashCommandEvent(id('/status'), ref, { locale: 'en' }), 'en'));
    assert.equal(en.cardsV2[0].card.header.title, 'Ledger search');
    assert.match(en.text, /^Ledger search: /);
    assert.match(JSON.stringify(en.cardsV2[0].card), /"topLabel":"Status"/);
    const ja = messageOf(await call('onAppCommand', slashCommandEvent(id('/status'), ref)));
    assert.equal(ja.cardsV2[0].card.header.title, '台帳検索');
  });

  it('/status with a project number answers the newest job about that project', async () => {
    const text: string = messageOf(await call('onAppCommand', slashCommandEvent(id('/estimate'), 'P-2026-013'))).text;
    const jobId = await jobIdIn(text);
    const status = messageOf(await call('onAppCommand', slashCommandEvent(id('/status'), 'p-2026-013')));
    assert.equal(status.cardsV2[0].cardId, `job-${jobId}`);
  });

  it('unknown jobs, ambiguous refs and unknown commands are explained, not thrown; no internals', async () => {
    const notFound = messageOf(await call('onAppCommand', slashCommandEvent(id('/status'), 'no-such-job', { locale: 'en' }), 'en'));
    assert.equal(notFound.text, '⚠️ No job "no-such-job" was found. /jobs lists your recent jobs.');
    assert.deepEqual(notFound.privateMessageViewer, VIEWER);
    const unknown = messageOf(await call('onAppCommand', slashCommandEvent(99, 'x', { locale: 'en' }), 'en'));
    assert.equal(unknown.text, 'Unknown command. Type /help for the list.');
    const missing = messageOf(await call('onAppCommand', { commonEventObject: { hostApp: 'CHAT', userLocale: 'ja' }, chat: { appCommandPayload: { space: { name: SPACE } } } }));
    assert.equal(missing.text, '⚠️ Google から届いた情報が足りません。画面を再読み込みしてもう一度お試しください。');
    const noJobId = messageOf(await call('onRetryJob', buttonEvent({}, { locale: 'en' }), 'en'));
    assert.equal(noJobId.text, '⚠️ Google sent less than tasuki needs. Reload and try again.');
  });

  it('/new opens a dialog; submit enqueues project.create; invalid submit keeps it open; cancel closes it', async () => {
    // Configured "opens a dialog": Chat sends a dialog event and gets the dialog.
    const open = await call('onAppCommand', slashCommandEvent(id('/new'), '', { dialog: true }));
    const dialog = open.action.navigations[0].pushCard;
    // Configured without it, the answer is a message whose button opens the dialog.
    const plain = messageOf(await call('onAppCommand', slashCommandEvent(id('/new'), '')));
    const opener = plain.cardsV2[0].card.sections[0].widgets[0].buttonList.buttons[0].onClick.action;
    assert.deepEqual(opener, { function: 'onChatOpenNewProjectDialog', interaction: 'OPEN_DIALOG' });
    const viaButton = await call('onChatOpenNewProjectDialog', buttonEvent({}, { dialog: 'REQUEST_DIALOG' }));
    assert.deepEqual(viaButton.action.navigations[0].pushCard, dialog);
    // A dialog event for a command without a dialog answers with a dialog (its usage), not a message.
    const helpDialog = await call('onAppCommand', slashCommandEvent(id('/status'), '', { dialog: true }));
    assert.ok(helpDialog.action.navigations[0].pushCard.sections);
    assert.deepEqual(
      dialog.sections[0].widgets.map((w: AnyJson) => w.textInput?.name ?? w.selectionInput?.name),
      ['client', 'title', 'due', 'amount', 'newClient'],
    );
    assert.deepEqual(dialog.sections[0].widgets[4].selectionInput.items, [{ text: '新しい顧客として登録', value: 'true', selected: false }]);
    assert.equal(dialog.fixedFooter.primaryButton.onClick.action.function, 'onChatNewProjectSubmit');

    const invalid = await call('onChatNewProjectSubmit', buttonEvent({}, { dialog: 'SUBMIT_DIALOG', form: { client: '北斗書店', title: '店頭POP', due: '来週' } }));
    const again = invalid.action.navigations[0].updateCard;
    assert.equal(again.sections[0].widgets[0].textParagraph.text, '⚠️ 納期は 2026-12-20 の形式で入力してください。');
    assert.equal(again.sections[0].widgets[1].textInput.value, '北斗書店');

    const submitted = await call('onChatNewProjectSubmit', buttonEvent({}, { dialog: 'SUBMIT_DIALOG', form: { client: '北斗書店', title: '店頭POP 5種', due: '2026-12-10', amount: '¥120,000' } }));
    const job = await env.spine.store.getJob(await jobIdIn(messageOf(submitted).text));
    assert.deepEqual(job?.input, { source: 'chat', client: { name: '北斗書店' }, title: '店頭POP 5種', due: '2026-12-10', amount: 120000 });
    assert.deepEqual(job?.reply, { chat: { space: SPACE } });
    // The checkbox confirms a new client.
    const fresh = await call('onChatNewProjectSubmit', buttonEvent({}, { dialog: 'SUBMIT_DIALOG', form: { client: '新星デザイン', title: 'ロゴ', newClient: 'true' } }));
    const freshJob = await env.spine.store.getJob(await jobIdIn(messageOf(fresh).text));
    assert.deepEqual(freshJob?.input, { source: 'chat', client: { name: '新星デザイン' }, title: 'ロゴ', newClient: true });

    const canceled = await call('onChatDialogCancel', buttonEvent({}, { dialog: 'CANCEL_DIALOG', locale: 'en' }), 'en');
    assert.deepEqual(canceled, { action: { navigations: [{ endNavigation: { action: 'CLOSE_DIALOG' } }], notification: { text: 'Canceled' } } });
    const cancelViaSubmit = await call('onChatNewProjectSubmit', buttonEvent({}, { dialog: 'CANCEL_DIALOG' }));
    assert.deepEqual(cancelViaSubmit.action.navigations, [{ endNavigation: { action: 'CLOSE_DIALOG' } }]);
  });

  it('Create project on an intake card makes one project per intake entry', async () => {
    const params = { intakeId: 'acme-ord-1042', client: '株式会社アクメ', title: '春の新商品 チラシ', due: '2027-02-01', amount: '90000' };
    const first = await call('onCreateProjectFromIntake', buttonEvent(params));
    const jobId = await jobIdIn(messageOf(first).text);
    const job = await env.spine.store.getJob(jobId);
    assert.deepEqual(job?.input, { source: 'portal', intakeId: 'acme-ord-1042', client: { name: '株式会社アクメ' }, title: '春の新商品 チラシ', due: '2027-02-01', amount: 90000 });
    const second = await call('onCreateProjectFromIntake', buttonEvent(params));
    assert.equal(await jobIdIn(messageOf(second).text), jobId);
    // A portal's own date notation does not block the project; the fields that read are kept.
    const loose = await call('onCreateProjectFromIntake', buttonEvent({ intakeId: 'acme-ord-1043', client: '株式会社アクメ', title: '看板', due: '12月20日頃', portal: 'acme' }));
    const looseJob = await env.spine.store.getJob(await jobIdIn(messageOf(loose).text));
    assert.deepEqual(looseJob?.input, { source: 'portal', intakeId: 'acme-ord-1043', client: { name: '株式会社アクメ' }, title: '看板' });
  });
});
