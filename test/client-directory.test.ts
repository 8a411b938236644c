// One client, one name: name keys (legal forms, width, spaces), the directory built from the
// Ledger and the Clients sheet, matching by sender domain first; then against the sandbox:
// project.create gives a known client its one name, refuses an unconfirmed new one and records a
// confirmed one; /summary groups 山田製菓 and 山田製菓株式会社 as one client; GET /v1/clients/match.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildDirectory, matchClient, readClientDirectory } from '../service/clients/clientDirectory.js';
import { clientKey } from '../service/clients/clientNames.js';
import { ledgerSummarize } from '../service/jobs/ledgerSummarize.js';
import { projectCreate } from '../service/jobs/projectCreate.js';
import { JobFailure } from '../service/jobFailure.js';
import type { LedgerSummarizeResult } from '../shared/kinds/ledgerSummarize.js';
import type { ProjectCreateResult } from '../shared/kinds/projectCreate.js';
import { CLIENTS, LEDGER } from '../shared/sheetLayouts.js';
import { startJobsEnv, type JobsEnv } from './support/jobsHarness.js';
import { sheetRows } from './support/jobsInspect.js';

describe('client names and the directory (pure)', () => {
  test('legal forms, width and spaces do not make another client', () => {
    const same = ['みどり不動産株式会社', '株式会社みどり不動産', '㈱みどり不動産', '（株）みどり不動産', '(株) みどり不動産', 'みどり　不動産'];
    for (const name of same) assert.equal(clientKey(name), clientKey('みどり不動産'), name);
    assert.equal(clientKey('有限会社 北斗書店'), clientKey('北斗書店'));
    assert.equal(clientKey('Blue Harbor Coffee, Inc.'), clientKey('ＢＬＵＥ　ＨＡＲＢＯＲ　ＣＯＦＦＥＥ'));
    assert.equal(clientKey('ACME Co., Ltd.'), clientKey('Acme'));
    assert.equal(clientKey('Northwind Travel K.K.'), clientKey('Northwind Travel'));
    assert.notEqual(clientKey('みどり不動産'), clientKey('みどり建設'));
    assert.equal(clientKey('株式会社'), '株式会社', 'a bare legal form keys to itself');
  });

  const directory = buildDirectory(
    {
      clientsSheet: [{ name: 'Blue Harbor Coffee', aliases: 'Blue Harbor, BHC', domains: 'blueharbor.example' }],
      ledger: [
        { client: 'みどり不動産', clientEmail: 'kimura@midori-fudosan.example' },
        { client: 'みどり不動産株式会社', clientEmail: 'kimura@midori-fudosan.example' },
        { client: 'みどり不動産', clientEmail: '' },
        { client: 'Blue Harbor', clientEmail: 'olivia@blueharbor.example' },
        { client: '北斗書店', clientEmail: 'hokuto.tencho@gmail.com' },
        { client: '株式会社アクメ', clientEmail: 'tanaka@acme.example' },
        { client: 'アクメ物流', clientEmail: 'sato@acme.example' },
        { client: '佐藤 個人', clientEmail: 'sato@example.co.jp' },
      ],
    },
    ['example.co.jp'],
  );

  test('built from the Ledger (most used spelling) and the Clients sheet (its name and aliases)', () => {
    const names = directory.clients.map((c) => c.name);
    assert.deepEqual(names, ['Blue Harbor Coffee', 'みどり不動産', '北斗書店', '株式会社アクメ', 'アクメ物流', '佐藤 個人']);
    const midori = directory.clients.find((c) => c.name === 'みどり不動産')!;
    assert.equal(midori.projects, 3);
    assert.deepEqual(midori.domains, ['midori-fudosan.example']);
    assert.deepEqual(directory.clients.find((c) => c.name === '北斗書店')!.domains, [], 'a free-mail domain says nothing');
    assert.deepEqual(directory.clients.find((c) => c.name === '佐藤 個人')!.domains, [], "the office's own domain says nothing");
    assert.equal(directory.clients.find((c) => c.name === 'Blue Harbor Coffee')!.projects, 1, 'the Ledger spelling joined the listed client');
  });

  test('matching: the sender domain first, then the name; ambiguous domains fall back to names', () => {
    const m = (q: Parameters<typeof matchClient>[1]) => {
      const r = matchClient(directory, q, ['example.co.jp']);
      return [r.client?.name ?? null, r.by ?? null];
    };
    assert.deepEqual(m({ name: 'みどり不動産株式会社', email: 'kimura@midori-fudosan.example' }), ['みどり不動産', 'domain']);
    assert.deepEqual(m({ name: 'みどり不動産株式会社' }), ['みどり不動産', 'name']);
    // An English mail from a person: the company, not the person, by the domain.
    assert.deepEqual(m({ name: 'Olivia Brown', email: 'olivia@blueharbor.example' }), ['Blue Harbor Coffee', 'domain']);
    assert.deepEqual(m({ name: 'Olivia Brown', email: 'olivia@mail.blueharbor.example' }), ['Blue Harbor Coffee', 'domain']);
    assert.deepEqual(m({ name: 'BHC' }), ['Blue Harbor Coffee', 'alias']);
    // acme.example has two clients: the name decides; without one there is no match.
    assert.deepEqual(m({ name: 'アクメ物流株式会社', email: 'x@acme.example' }), ['アクメ物流', 'name']);
    assert.deepEqual(m({ name: '田中 健', email: 'tanaka@acme.example' }), [null, null]);
    assert.deepEqual(matchClient(directory, { name: '田中 健', email: 'tanaka@acme.example' }).candidates, ['株式会社アクメ', 'アクメ物流']);
    // Free mail is never a match by domain.
    assert.deepEqual(m({ name: 'Someone', email: 'hokuto.tencho@gmail.com' }), [null, null]);
    assert.deepEqual(m({ name: '北斗書店', email: 'other@gmail.com' }), ['北斗書店', 'name']);
    // A new client: no match, similar names offered.
    const fresh = matchClient(directory, { name: 'みどり不動産管理' });
    assert.equal(fresh.client, null);
    assert.deepEqual(fresh.candidates, ['みどり不動産']);
  });
});

describe('the directory in the jobs (sandbox, real clients)', () => {
  let env: JobsEnv;
  before(async () => {
    env = await startJobsEnv();
  });
  after(() => env.close());

  const mail = (client: { name: string; email?: string; company?: string }, title: string, extra: Record<string, unknown> = {}) => ({
    source: 'gmail' as const, client, title, due: '2027-01-20', ...extra,
  });

  test('みどり不動産株式会社 ↔ みどり不動産: the project gets the ledger\'s name', async () => {
    const job = await env.newJob('project.create', mail({ name: 'みどり不動産株式会社', email: 'kimura@midori-fudosan.example' }, '物件チラシ 1月号'));
    const result = await env.run<ProjectCreateResult>(projectCreate, job.id);
    assert.deepEqual(result.client, { name: 'みどり不動産', matchedBy: 'domain' });
    const row = (await sheetRows(env.google, env.config.ledgerSpreadsheetId, LEDGER)).find((r) => r.jobId === job.id)!;
    assert.equal(row.client, 'みどり不動産');
  });

  test('an English mail from a person files under the company (by domain)', async () => {
    const job = await env.newJob('project.create', mail({ name: 'Olivia Brown', email: 'olivia@blueharbor.example' }, 'Spring menu illustrations'));
    const result = await env.run<ProjectCreateResult>(projectCreate, job.id);
    assert.deepEqual(result.client, { name: 'Blue Harbor Coffee', matchedBy: 'domain' });
  });

  test('an unknown client is refused until the user confirms it; confirmed, it joins the Clients sheet once', async () => {
    const input = mail({ name: 'Northwind Travel K.K.', email: 'sasaki@northwind.example' }, 'Brochure redesign');
    const refused = await env.newJob('project.create', input, { locale: 'en' });
    await assert.rejects(env.run(projectCreate, refused.id), (err: unknown) => {
      assert.ok(err instanceof JobFailure);
      assert.equal(err.code, 'client_unconfirmed');
      assert.equal(err.retryable, false);
      assert.match(err.userMessage!.en, /"Northwind Travel K\.K\." is not in the client list/);
      assert.match(err.userMessage!.ja, /新しい顧客として登録/);
      return true;
    });
    const confirmed = await env.newJob('project.create', { ...input, newClient: true });
    const result = await env.runCrashingEverywhere<ProjectCreateResult>(projectCreate, confirmed.id, ['client', 'number']);
    assert.equal(result.client?.name, 'Northwind Travel K.K.');
    const clients = await sheetRows(env.google, env.config.ledgerSpreadsheetId, CLIENTS);
    assert.deepEqual(clients.filter((c) => c.name === 'Northwind Travel K.K.').map((c) => c.domains), ['northwind.example']);
    // From now on the next mail from Northwind matches it.
    const directory = await readClientDirectory(env.google.sheets, env.config.ledgerSpreadsheetId, env.config.allowedDomains);
    assert.equal(matchClient(directory, { name: 'Hiro Sasaki', email: 'sasaki@northwind.example' }).client?.name, 'Northwind Travel K.K.');
  });

  test('/summary 山田製菓 is one client: rows written 山田製菓 and 山田製菓株式会社 group together', async () => {
    const job = await env.newJob('project.create', mail({ name: '山田製菓' }, 'バレンタイン限定パッケージ', { amount: 450_000 }));
    await env.run<ProjectCreateResult>(projectCreate, job.id);
    // Someone typed the short name into the Ledger by hand, too.
    await env.google.sheets.spreadsheets.values.append({
      spreadsheetId: env.config.ledgerSpreadsheetId, range: 'Ledger!A1', valueInputOption: 'RAW', insertDataOption: 'INSERT_ROWS',
      requestBody: { values: [['P-2026-099', '2026-10-20', '山田製菓', '手書きの行', '', '100000']] },
    });
    const summary = await env.newJob('ledger.summarize', { client: '山田製菓' }, { locale: 'ja' });
    const result = await env.run<LedgerSummarizeResult>(ledgerSummarize, summary.id);
    assert.deepEqual([...new Set(result.rows.map((r) => r.client))], ['山田製菓株式会社']);
    const october = result.rows.find((r) => r.month === '2026-10')!;
    assert.equal(october.count, 2, 'the seeded 山田製菓株式会社 row and the hand-typed 山田製菓 row');
    const all = await env.run<LedgerSummarizeResult>(ledgerSummarize, (await env.newJob('ledger.summarize', {})).id);
    assert.equal(all.rows.filter((r) => r.client.startsWith('山田製菓')).every((r) => r.client === '山田製菓株式会社'), true);
  });
  test("a Clients sheet the office laid out its own way (columns reordered, its own inserted, no notes) is read by header", async () => {
    const id = env.config.ledgerSpreadsheetId;
    const [header, ...rows] = (await env.google.sheets.spreadsheets.values.get({ spreadsheetId: id, range: `'${CLIENTS.sheetName}'` })).data.values ?? [];
    const col = (key: keyof typeof CLIENTS.index) => header!.indexOf(CLIENTS.headers[CLIENTS.index[key]]!);
    const laidOut = [[CLIENTS.headers[CLIENTS.index.domains], '担当 Owner', CLIENTS.headers[CLIENTS.index.aliases], CLIENTS.headers[CLIENTS.index.name]]];
    for (const r of rows) laidOut.push([r[col('domains')] ?? '', 'Emma', r[col('aliases')] ?? '', r[col('name')] ?? '']);
    await env.google.sheets.spreadsheets.values.clear({ spreadsheetId: id, range: `'${CLIENTS.sheetName}'` });
    await env.google.sheets.spreadsheets.values.update({ spreadsheetId: id, range: `'${CLIENTS.sheetName}'!A1`, valueInputOption: 'RAW', requestBody: { values: laidOut } });
    const directory = await readClientDirectory(env.google.sheets, id, env.config.allowedDomains);
    // By the Clients sheet's alias (not the Ledger's spelling) and by its mail domain.
    assert.equal(matchClient(directory, { name: 'BHC' }).client?.name, 'Blue Harbor Coffee');
    assert.equal(matchClient(directory, { name: 'someone', email: 'a@yamada-seika.example' }).client?.name, '山田製菓株式会社');
  });
});
