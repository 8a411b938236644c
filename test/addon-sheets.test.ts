/**
 * Sheets through the real bundle in the Apps Script shim: the Editor add-on menu from onOpen
 * (bilingual in AuthMode.NONE, localized otherwise), the menu items on a selection of the
 * sandbox's seeded Ledger (values read over the Sheets REST API), and the Workspace add-on's
 * Sheets homepage card and its buttons, against the real service.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SEED_IDS } from '../local/sandbox/seedData.js';
import { LEDGER } from '../shared/sheetLayouts.js';
import { assertValidCards, hostEvent, SATO, startAddonEnv, type AddonEnv } from './support/addonEnv.js';

type AnyJson = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const LEDGER_ID: string = (SEED_IDS as AnyJson).ledgerSpreadsheet;

describe('Sheets add-on', () => {
  let env: AddonEnv;
  /** The requester's job a short reference (first 8 characters of the id) names. */
  const jobByRef = async (ref: string) => {
    const found = (await env.spine.store.listJobs({ requestedBy: SATO, limit: 100 })).filter((j) => j.id.startsWith(`j-${ref}`));
    assert.equal(found.length, 1, ref);
    return found[0]!;
  };
  before(async () => {
    env = await startAddonEnv();
  });
  after(async () => env?.close());

  it('onOpen adds the tasuki menu: bilingual in AuthMode.NONE, localized with authorization', async () => {
    const none = await env.addon.menu.items({ authMode: 'NONE' });
    assert.deepEqual(none.map((i) => i.functionName), ['menuSyncSchedule', 'menuGenerateInvoices', 'menuSummarizeLedger', 'menuJobStatus']);
    assert.equal(none[1]!.label, '選択行の請求書を作成 / Generate invoices for selected rows');
    const en = await env.addon.menu.items({ locale: 'en' });
    assert.deepEqual(en.map((i) => i.label), ['Sync schedule', 'Generate invoices for selected rows', 'Summarize ledger', 'Job status']);
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

  it('Generate invoices outside the Ledger sheet says where to select', async () => {
    const run = await env.addon.menu.run('menuGenerateInvoices', { spreadsheetId: LEDGER_ID, sheetName: 'Summary', selectedRows: [2] }, { locale: 'en' });
    assert.deepEqual(run.ui, [{ type: 'alert', message: 'Select rows in the "Ledger" sheet to generate invoices.' }]);
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
