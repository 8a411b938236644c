/**
 * Sheets through the real bundle in the Apps Script shim: the Editor add-on menu from onOpen
 * (bilingual in AuthMode.NONE, localized otherwise), the menu items on a selection of the
 * sandbox's seeded Ledger (values read over the Sheets REST API), and the Workspace add-on's
 * Sheets homepage card and its buttons, against the real service.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SEED_IDS } from '../local/sandbox/seedData.js';
import { postTokenGrant, signSandboxAssertion } from '../local/sandbox/tokenGrant.js';
import { DOCUMENTS } from '../shared/kinds/billingDocumentSheet.js';
import { LEDGER } from '../shared/sheetLayouts.js';
import { assertValidCards, hostEvent, SATO, startAddonEnv, type AddonEnv } from './support/addonEnv.js';

type AnyJson = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const LEDGER_ID: string = (SEED_IDS as AnyJson).ledgerSpreadsheet;
const SCHEDULE_ID: string = SEED_IDS.scheduleSpreadsheet;

describe('Sheets add-on', () => {
  let env: AddonEnv;
  /** The requester's job a short reference (first 8 characters of the id) names. */
  const jobByRef = async (ref: string) => {
    const found = (await env.spine.store.listJobs({ requestedBy: SATO, limit: 100 })).filter((j) => j.id.startsWith(`j-${ref}`));
    assert.equal(found.length, 1, ref);
    return found[0]!;
  };
  /** Writes `rows` (row 1 = headers) into a new sheet of the ledger spreadsheet, through the sandbox's Sheets API. */
  const writeSheet = async (title: string, rows: unknown[][], spreadsheetId = LEDGER_ID, mode: 'add' | 'replace' = 'add') => {
    const token = (await postTokenGrant(env.sandbox.url, await signSandboxAssertion({ sandboxUrl: env.sandbox.url, issuer: env.spine.issuer, scopes: ['https://www.googleapis.com/auth/spreadsheets'] }))).accessToken;
    const api = (path: string, body: unknown) =>
      fetch(`${env.sandbox.url}/v4/spreadsheets/${spreadsheetId}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(async (r) => {
        assert.ok(r.ok, `${path}: ${r.status} ${await r.text()}`);
      });
    if (mode === 'add') await api(':batchUpdate', { requests: [{ addSheet: { properties: { title } } }] });
    else await api('/values:batchClear', { ranges: [`'${title}'`] });
    await api('/values:batchUpdate', { valueInputOption: 'RAW', data: [{ range: `'${title}'!A1`, values: rows }] });
  };
  before(async () => {
    env = await startAddonEnv();
  });
  after(async () => env?.close());

  it('onOpen adds the tasuki menu: bilingual in AuthMode.NONE, localized with authorization', async () => {
    const none = await env.addon.menu.items({ authMode: 'NONE' });
    assert.deepEqual(none.map((i) => i.functionName), ['menuSyncSchedule', 'menuGenerateInvoices', 'menuReissueDocument', 'menuSummarizeLedger', 'menuJobStatus']);
    assert.equal(none[1]!.label, '選択行の請求書を作成 / Generate invoices for selected rows');
    assert.equal(none[2]!.label, '選択行の書類を再発行… / Reissue the selected document…');
    const en = await env.addon.menu.items({ locale: 'en' });
    assert.deepEqual(en.map((i) => i.label), ['Sync schedule', 'Generate invoices for selected rows', 'Reissue the selected document…', 'Summarize ledger', 'Job status']);
  });

  it('Generate invoices enqueues one invoice per selected ledger row, replying into that row', async () => {
    // Rows 2 and 4–5: three seeded projects (header is row 1).
    const run = await env.addon.menu.run('menuGenerateInvoices', { spreadsheetId: LEDGER_ID, sheetName: LEDGER.sheetName, selectedRows: [1, 2, 4, 5] });
    const alert = run.ui.find((u) => u.type === 'alert') as AnyJson;
    assert.ok(alert, JSON.stringify(run));
    const refs = /（ジョブ (.+)）$/.exec(alert.message.split('\n')[0])![1]!.split(', ');
    assert.match(alert.message, /^請求書 3件を受け付けました/);
    const jobs = await Promise.all(refs.map((ref) => jobByRef(ref)));
    assert.deepEqual(
      jobs.map((j) => [j?.kind, (j?.input as AnyJson).type, (j?.input as AnyJson).projectNumber, j?.reply?.sheet?.row]),
      [
        ['billing.document', 'invoice', 'P-2026-001', 2],
        ['billing.document', 'invoice', 'P-2026-003', 4],
        ['billing.document', 'invoice', 'P-2026-004', 5],
      ],
    );
    assert.equal(jobs[0]?.requestedBy, SATO);
  });

  it('Generate invoices on an unchanged row names the same job; once the row changed (納品日 filled in) it is a new request', async () => {
    const run = async () => {
      const result = await env.addon.menu.run('menuGenerateInvoices', { spreadsheetId: LEDGER_ID, sheetName: LEDGER.sheetName, selectedRows: [12] });
      const alert = result.ui.find((u) => u.type === 'alert') as AnyJson;
      return /（ジョブ (.+)）$/.exec(alert.message.split('\n')[0])![1]!;
    };
    const first = await run();
    assert.equal(await run(), first, 'a second click on the same row is the same job');
    const token = (await postTokenGrant(env.sandbox.url, await signSandboxAssertion({ sandboxUrl: env.sandbox.url, issuer: env.spine.issuer, scopes: ['https://www.googleapis.com/auth/spreadsheets'] }))).accessToken;
    const cell = `'${LEDGER.sheetName}'!${LEDGER.letter.deliveredAt}12`;
    const put = await fetch(`${env.sandbox.url}/v4/spreadsheets/${LEDGER_ID}/values/${encodeURIComponent(cell)}?valueInputOption=USER_ENTERED`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ values: [['2026-12-02']] }),
    });
    assert.ok(put.ok, await put.text());
    const second = await run();
    assert.notEqual(second, first, 'the changed row is a new request');
    assert.deepEqual((await jobByRef(second)).input, { type: 'invoice', projectNumber: 'P-2026-011' });
  });

  it('Generate invoices outside the Ledger sheet says where to select', async () => {
    const run = await env.addon.menu.run('menuGenerateInvoices', { spreadsheetId: LEDGER_ID, sheetName: 'Summary', selectedRows: [2] }, { locale: 'en' });
    assert.deepEqual(run.ui, [{ type: 'alert', message: 'Select rows in the "Ledger" sheet to generate invoices.' }]);
  });

  describe('Reissue the selected document', () => {
    // The office keeps its Documents sheet its own way: columns reordered, one of its own inserted.
    const h = (key: keyof typeof DOCUMENTS.index) => DOCUMENTS.headers[DOCUMENTS.index[key]]!;
    const header = [h('status'), 'メモ Office notes', h('projectNumber'), h('documentNumber'), h('replacedBy'), h('type'), h('voidReason')];
    const docs = { spreadsheetId: LEDGER_ID, sheetName: DOCUMENTS.sheetName };
    const reissueJobs = async () =>
      (await env.spine.store.listJobs({ requestedBy: SATO, limit: 100 })).filter((j) => j.kind === 'billing.document' && (j.input as AnyJson).reissue);
    before(async () => {
      await writeSheet(DOCUMENTS.sheetName, [
        header,
        ['発行', '', 'P-2026-006', 'I-2026-006', '', '請求書', ''],
        ['取消', '', 'P-2026-007', 'I-2026-007', 'I-2026-012', '請求書', '宛名訂正'],
        ['', '見出しだけの行', '', '', '', '', ''],
        ['発行', '', 'P-2026-008', 'E-2026-008', '', '見積書', ''],
      ], LEDGER_ID, 'replace');
    });

    it("opens the reissue form for the selected row's document; OK with a reason enqueues the card's reissue (one job from menu and card)", async () => {
      const run = await env.addon.menu.run('menuReissueDocument', { ...docs, selectedRows: [2], promptAnswers: [{ button: 'OK', text: '  金額訂正のため ' }] });
      const prompt = run.ui.find((u) => u.type === 'prompt') as AnyJson;
      assert.ok(prompt, JSON.stringify(run.ui));
      assert.equal(prompt.title, 'I-2026-006 を再発行');
      assert.match(prompt.message, /^I-2026-006 を取消にして、新しい番号で請求書を発行し直します。取消にした番号と理由は書類台帳に残ります。/);
      assert.match(prompt.message, /理由（必須）/);
      assert.equal(prompt.buttons, 'OK_CANCEL');
      const toast = run.ui.find((u) => u.type === 'toast') as AnyJson;
      assert.match(toast?.message ?? '', /を受け付けました（ジョブ [0-9a-f]{8}）$/, JSON.stringify(run.ui));
      const jobs = await reissueJobs();
      assert.equal(jobs.length, 1);
      assert.deepEqual(jobs[0]!.input, { type: 'invoice', projectNumber: 'P-2026-006', reissue: { reason: '金額訂正のため', replaces: 'I-2026-006' } });
      assert.equal(jobs[0]!.locale, 'ja');

      // The same number reissued from its card in the side panel is the same job.
      const target = { type: 'invoice', projectNumber: 'P-2026-006', documentNumber: 'I-2026-006' };
      const card = (await env.addon.call('onConfirmReissue', { commonEventObject: { hostApp: 'SHEETS', platform: 'WEB', userLocale: 'ja', parameters: target, formInputs: { reissueReason: { stringInputs: { value: ['金額訂正のため'] } } } } })) as AnyJson;
      assert.equal(card.action.navigations[0].pushCard.name, `job-${jobs[0]!.id}`);
      assert.equal((await reissueJobs()).length, 1);
    });

    it('an estimate row reissues the estimate, in English for an English user', async () => {
      const run = await env.addon.menu.run('menuReissueDocument', { ...docs, selectedRows: [5], promptAnswers: [{ button: 'OK', text: 'wrong amount' }] }, { locale: 'en' });
      const prompt = run.ui.find((u) => u.type === 'prompt') as AnyJson;
      assert.equal(prompt.title, 'Reissue E-2026-008');
      assert.match(prompt.message, /^E-2026-008 will be marked void and the estimate issued again under a new number/);
      assert.doesNotMatch(JSON.stringify(run.ui), /[ぁ-んァ-ン一-龯]/, 'no Japanese for an English user');
      assert.match((run.ui.find((u) => u.type === 'toast') as AnyJson).message, /queued \(job [0-9a-f]{8}\)$/);
      const job = (await reissueJobs()).find((j) => (j.input as AnyJson).projectNumber === 'P-2026-008');
      assert.deepEqual(job?.input, { type: 'estimate', projectNumber: 'P-2026-008', reissue: { reason: 'wrong amount', replaces: 'E-2026-008' } });
    });

    it('Cancel, a closed prompt or an empty reason enqueue nothing (an empty reason says so)', async () => {
      const before = (await reissueJobs()).length;
      const canceled = await env.addon.menu.run('menuReissueDocument', { ...docs, selectedRows: [2], promptAnswers: [{ button: 'CANCEL', text: 'x' }] });
      assert.deepEqual(canceled.ui.map((u) => u.type), ['prompt']);
      const closed = await env.addon.menu.run('menuReissueDocument', { ...docs, selectedRows: [2] });
      assert.deepEqual(closed.ui.map((u) => u.type), ['prompt']);
      const empty = await env.addon.menu.run('menuReissueDocument', { ...docs, selectedRows: [2], promptAnswers: [{ button: 'OK', text: '   ' }] }, { locale: 'en' });
      assert.deepEqual(empty.ui.at(-1), { type: 'alert', message: 'Enter the reason for reissuing.' });
      assert.equal((await reissueJobs()).length, before);
    });

    it("a selection that is not one document row is refused in the user's language, naming what to select", async () => {
      const alert = async (sheet: { sheetName: string; selectedRows: number[] }, locale = 'ja') => {
        const run = await env.addon.menu.run('menuReissueDocument', { spreadsheetId: LEDGER_ID, ...sheet }, { locale });
        assert.deepEqual(run.ui.map((u) => u.type), ['alert'], JSON.stringify(run.ui));
        return (run.ui[0] as AnyJson).message as string;
      };
      assert.equal(await alert({ sheetName: LEDGER.sheetName, selectedRows: [4] }), 'tasuki: 再発行は「Documents」シートで書類の行を1行だけ選択してから実行してください。');
      assert.equal(await alert({ sheetName: DOCUMENTS.sheetName, selectedRows: [2, 5] }, 'en'), 'tasuki: To reissue, select one document row in the "Documents" sheet first.');
      assert.equal(await alert({ sheetName: DOCUMENTS.sheetName, selectedRows: [1] }, 'en'), 'tasuki: To reissue, select one document row in the "Documents" sheet first.');
      assert.equal(await alert({ sheetName: DOCUMENTS.sheetName, selectedRows: [4] }), 'tasuki: 4行目には見積書・請求書の番号（E-2026-001 や I-2026-001 の形）がありません。書類の行を選択してください。');
      assert.equal(await alert({ sheetName: DOCUMENTS.sheetName, selectedRows: [3] }), 'tasuki: I-2026-007 はすでに取消済みです。再発行後の番号は I-2026-012 です。その行を選択して再発行してください。');
      assert.equal(await alert({ sheetName: DOCUMENTS.sheetName, selectedRows: [3] }, 'en'), 'tasuki: I-2026-007 is already void. It was replaced by I-2026-012: select that row to reissue it.');
    });

  });

  it('Generate invoices finds the project number by its header in a reordered Ledger; a Ledger without it says which header is missing', async () => {
    // The schedule spreadsheet gets a Ledger of its own (the menu works on the active spreadsheet), laid out the office's way.
    const ledger = (key: keyof typeof LEDGER.index) => LEDGER.headers[LEDGER.index[key]]!;
    await writeSheet(LEDGER.sheetName, [[ledger('title'), '担当 Owner', ledger('client'), ledger('projectNumber')], ['ポスター', '佐藤', '株式会社アクメ', 'P-2026-002']], SCHEDULE_ID);
    const run = await env.addon.menu.run('menuGenerateInvoices', { spreadsheetId: SCHEDULE_ID, sheetName: LEDGER.sheetName, selectedRows: [2] });
    const alert = run.ui.find((u) => u.type === 'alert') as AnyJson;
    assert.match(alert?.message ?? '', /^請求書 1件を受け付けました/, JSON.stringify(run.ui));
    const job = await jobByRef(/（ジョブ (.+)）$/.exec(alert.message)![1]!);
    assert.deepEqual(job.input, { type: 'invoice', projectNumber: 'P-2026-002' });

    // The same spreadsheet's Ledger with its project column deleted: the alert names the header.
    await writeSheet('Ledger', [[ledger('title'), '担当 Owner', ledger('client'), '']], SCHEDULE_ID, 'replace');
    const missing = await env.addon.menu.run('menuGenerateInvoices', { spreadsheetId: SCHEDULE_ID, sheetName: LEDGER.sheetName, selectedRows: [2] }, { locale: 'en' });
    assert.deepEqual(missing.ui, [{ type: 'alert', message: `tasuki: Row 1 of the "Ledger" sheet has no "${ledger('projectNumber')}" column. If the column was deleted or its heading changed, put the heading "${ledger('projectNumber')}" back (the columns may be in any order).` }]);
  });

  it('Sync schedule and Summarize ledger enqueue and toast; Job status opens a dialog', async () => {
    const sync = await env.addon.menu.run('menuSyncSchedule', { spreadsheetId: LEDGER_ID, sheetName: LEDGER.sheetName, selectedRows: [] });
    const toast = sync.ui.find((u) => u.type === 'toast') as AnyJson;
    assert.match(toast.message, /^スケジュール同期を受け付けました（ジョブ [0-9a-f]{8}）$/);
    const syncJob = await jobByRef(/ジョブ ([0-9a-f]{8})/.exec(toast.message)![1]!);
    assert.equal(syncJob?.kind, 'schedule.sync');

    const summary = await env.addon.menu.run('menuSummarizeLedger', { spreadsheetId: LEDGER_ID, sheetName: LEDGER.sheetName, selectedRows: [] }, { locale: 'en' });
    assert.match((summary.ui[0] as AnyJson).message, /^Ledger summary queued \(job [0-9a-f]{8}\)$/);

    const status = await env.addon.menu.run('menuJobStatus', { spreadsheetId: LEDGER_ID, sheetName: LEDGER.sheetName, selectedRows: [] });
    const dialog = status.ui.find((u) => u.type === 'dialog') as AnyJson;
    assert.equal(dialog.title, 'ジョブの状態');
    assert.ok(dialog.html.includes(syncJob!.id.slice(2, 10)), 'jobs are listed by their short reference');
    assert.ok(dialog.html.includes('<th align="left">種類</th>'));
  });

  it('a menu item with the service down shows an alert, not a stack trace', async () => {
    const { loadAddon } = await import('../local/apps-script-shim/loadAddon.js');
    const down = await loadAddon({ bundlePath: env.build.codePath, serviceUrl: 'http://127.0.0.1:9', sandboxUrl: env.sandbox.url, issuer: env.spine.issuer, scriptClientId: env.spine.config.scriptClientId, user: SATO, locale: 'en' });
    try {
      const run = await down.menu.run('menuSummarizeLedger', { spreadsheetId: LEDGER_ID, sheetName: LEDGER.sheetName, selectedRows: [] });
      assert.deepEqual(run.ui, [{ type: 'alert', message: 'tasuki: Could not reach the service. Please try again in a moment.' }]);
    } finally {
      await down.close();
    }
  });

  it('the Workspace add-on Sheets homepage offers the actions and recent jobs', async () => {
    const card = (await env.addon.call('onSheetsHomepage', hostEvent('SHEETS', { locale: 'en' }), { locale: 'en' })) as AnyJson;
    assertValidCards(card);
    const buttons = card.sections[0].widgets[1].buttonList.buttons.map((b: AnyJson) => b.onClick.action.function);
    assert.deepEqual(buttons, ['onSheetsSyncSchedule', 'onSheetsSummarizeLedger']);
    const clicked = (await env.addon.call('onSheetsSummarizeLedger', hostEvent('SHEETS', { locale: 'en' }))) as AnyJson;
    assertValidCards(clicked);
    assert.match(clicked.action.notification.text, /^Job (queued|already)/);
  });
});
