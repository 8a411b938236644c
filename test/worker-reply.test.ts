// What the worker posts back: the job card (valid Card v2 for every state, in the job's
// language, buttons naming the add-on's functions), the per-space write throttle, and the
// Workspace reply port against the sandbox (one upserted Chat message, the sheet status cell).
import { ReplyFailure } from '../service/reply/replyPort.js';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { LocalIssuer } from '../local/issuer.js';
import { startSandbox, type Sandbox } from '../local/sandbox/sandbox.js';
import { SEED_IDS } from '../local/sandbox/seedData.js';
import { loadConfig } from '../service/config.js';
import { createGoogleClients } from '../service/google/createGoogleClients.js';
import { createLogger } from '../service/logger.js';
import type { JobRecord } from '../shared/job.js';
import { LEDGER, TASUKI_JOB_HEADER, TASUKI_STATUS_HEADER } from '../shared/sheetLayouts.js';
import { tempDir } from './support/spine.js';
import { ADDON_FUNCTIONS } from '../shared/addonFunctions.js';
import { buildJobCard, jobChatMessage, jobStatusText, type JobCardJob } from '../shared/cards/jobCard.js';
import { progressBar } from '../shared/cards/jobDisplay.js';
import { validateCardV2 } from '../shared/cardV2.js';
import { ThrottleBusy, WriteThrottle } from '../service/reply/writeThrottle.js';
import { WorkspaceReply, clientMessageId } from '../service/reply/workspaceReply.js';
import { columnLetter, placeHeaders } from '../service/workspace/tasukiColumns.js';

const base: JobCardJob = { id: 'j-0123456789abcdef0123456789abcdef', kind: 'project.create', status: 'queued', locale: 'ja', cancelRequested: false };

function buttons(job: JobCardJob): Array<{ text: string; fn?: string; url?: string }> {
  const card = buildJobCard(job);
  return (card.sections ?? []).flatMap((s) => s.widgets ?? []).flatMap((w) => w.buttonList?.buttons ?? []).map((b) => ({
    text: b.text ?? '',
    ...(b.onClick?.action?.function ? { fn: b.onClick.action.function } : {}),
    ...(b.onClick?.openLink?.url ? { url: b.onClick.openLink.url } : {}),
  }));
}

describe('job card', () => {
  const states: JobCardJob[] = [
    base,
    { ...base, status: 'running', progress: { done: 2, total: 5, label: 'フォルダをコピー中', updatedAt: '2026-11-27T00:00:00Z' } },
    { ...base, status: 'running', cancelRequested: true },
    { ...base, status: 'queued', error: { code: 'google_503', message: 'Drive が一時的に利用できません', retryable: true } },
    {
      ...base,
      status: 'succeeded',
      result: {
        projectNumber: 'P-2026-014', folderId: 'f1', folderUrl: 'https://drive.google.com/drive/folders/f1', briefDocId: 'd1', ledgerRow: 7, scheduleRow: 3,
        links: [{ title: 'フォルダ', url: 'https://drive.google.com/drive/folders/f1' }, { title: 'bad', url: 'javascript:alert(1)' }],
      },
    },
    { ...base, status: 'failed', error: { code: 'template_missing', message: 'テンプレートフォルダが見つかりません', retryable: false } },
    { ...base, status: 'canceled', locale: 'en' },
  ];

  test('every state builds a valid Card v2 and a Chat message', () => {
    for (const job of states) {
      const verdict = validateCardV2(buildJobCard(job));
      assert.deepEqual(verdict, { ok: true }, `${job.status}: ${JSON.stringify(verdict)}`);
      const message = jobChatMessage(job);
      assert.equal(message.cardsV2[0]?.cardId, `job-${job.id}`);
      assert.ok(message.text.length > 0);
    }
  });

  test('buttons: Cancel while queued/running, Retry only where it helps, Refresh always; add-on function names', () => {
    const names = (job: JobCardJob) => buttons(job).filter((b) => b.fn).map((b) => b.fn);
    assert.deepEqual(names(states[0]!), [ADDON_FUNCTIONS.cancelJob, ADDON_FUNCTIONS.refreshJob]);
    assert.deepEqual(names(states[2]!), [ADDON_FUNCTIONS.refreshJob], 'no second cancel once requested');
    assert.deepEqual(names(states[3]!), [ADDON_FUNCTIONS.cancelJob, ADDON_FUNCTIONS.refreshJob], 'retrying: no Retry, the queue retries');
    assert.deepEqual(names(states[5]!), [ADDON_FUNCTIONS.refreshJob], 'a missing template is configuration: Retry cannot help');
    assert.deepEqual(names(states[6]!), [ADDON_FUNCTIONS.retryJob, ADDON_FUNCTIONS.refreshJob]);
    const finalTransient: JobCardJob = { ...base, status: 'failed', attempts: 8, error: { code: 'google_unavailable', message: 'x', retryable: true } };
    assert.deepEqual(names(finalTransient), [ADDON_FUNCTIONS.retryJob, ADDON_FUNCTIONS.refreshJob]);
    const params = buildJobCard(finalTransient).sections!.at(-1)!.widgets![0]!.buttonList!.buttons![0]!.onClick!.action!.parameters;
    assert.deepEqual(params, [{ key: 'jobId', value: base.id }]);
  });

  test("results show their fields and only http(s) links; text is in the job's language", () => {
    const done = buttons(states[4]!);
    assert.deepEqual(done.filter((b) => b.url).map((b) => b.url), ['https://drive.google.com/drive/folders/f1']);
    const json = JSON.stringify(buildJobCard(states[4]!));
    assert.match(json, /P-2026-014/);
    assert.doesNotMatch(json, /"folderId"/);
    assert.match(JSON.stringify(buildJobCard(states[0]!)), /案件作成/);
    assert.match(JSON.stringify(buildJobCard(states[6]!)), /Create project/);
  });

  test('status text and progress bar for sheet cells and message text', () => {
    assert.equal(progressBar({ done: 2, total: 5 }), '▓▓▓▓░░░░░░ 2/5');
    assert.equal(progressBar({ done: 0, total: 0 }), '░░░░░░░░░░ 0/0');
    assert.equal(jobStatusText(states[1]!), '🔄 実行中 · 2/5 フォルダをコピー中');
    assert.equal(jobStatusText(states[5]!), '⚠️ 失敗 · tasuki が使うテンプレート（フォルダまたは文書）が見つかりません。 · 設定の問題です。管理者に連絡してください（ジョブ 01234567）。');
    assert.equal(jobStatusText(states[3]!), '🔁 再試行待ち · Google のサービスがしばらく応答しませんでした。 · 自動で再試行します（1回目が失敗）。操作は不要です。');
    assert.equal(jobStatusText({ ...states[4]!, locale: 'en' }), '✅ Done');
  });
});

describe('reply helpers', () => {
  test('client message ids are Chat-valid: client-, lowercase, digits, hyphens, ≤ 63', () => {
    const id = clientMessageId(base.id);
    assert.match(id, /^client-[a-z0-9-]+$/);
    assert.ok(id.length <= 63);
    assert.equal(clientMessageId(base.id), id, 'stable per job');
  });

  test('column letters', () => {
    assert.deepEqual([0, 6, 25, 26, 27, 51, 52].map(columnLetter), ['A', 'G', 'Z', 'AA', 'AB', 'AZ', 'BA']);
  });

  test("tasuki's columns: found by header, missing ones placed right of the last header", () => {
    const office = ['案件番号 Project', 'ステータス Status', '', 'メモ Notes'];
    assert.deepEqual(placeHeaders(office, [TASUKI_STATUS_HEADER, TASUKI_JOB_HEADER]), {
      indexes: [4, 5],
      added: [{ index: 4, header: TASUKI_STATUS_HEADER }, { index: 5, header: TASUKI_JOB_HEADER }],
    });
    // Already there (typed by hand, other case and spacing): found, nothing added.
    assert.deepEqual(placeHeaders([...office, 'TASUKI 状態  Tasuki Status', 'tasuki ジョブ tasuki job'], [TASUKI_STATUS_HEADER, TASUKI_JOB_HEADER]), { indexes: [4, 5], added: [] });
    // The office's own Status column is never taken for tasuki's.
    assert.equal(placeHeaders(['Status', 'ステータス'], [TASUKI_STATUS_HEADER]).indexes[0], 2);
  });
});

describe('write throttle', () => {
  function fakeClock() {
    let now = 1_000_000;
    const sleeps: number[] = [];
    return {
      now: () => now,
      advance: (ms: number) => (now += ms),
      sleeps,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        now += ms;
      },
    };
  }

  test('progress writes to one space are skipped within a second; other spaces are independent', () => {
    const clock = fakeClock();
    const t = new WriteThrottle({ intervalMs: 1000, now: clock.now, sleep: clock.sleep });
    assert.equal(t.tryAcquire('chat:spaces/A'), true);
    clock.advance(400);
    assert.equal(t.tryAcquire('chat:spaces/A'), false);
    assert.equal(t.tryAcquire('chat:spaces/B'), true);
    clock.advance(600);
    assert.equal(t.tryAcquire('chat:spaces/A'), true);
  });

  test('final writes wait for their turn instead of being skipped', async () => {
    const clock = fakeClock();
    const t = new WriteThrottle({ intervalMs: 1000, now: clock.now, sleep: clock.sleep });
    await t.acquire('chat:spaces/A');
    clock.advance(250);
    await t.acquire('chat:spaces/A');
    assert.deepEqual(clock.sleeps, [750]);
    await t.acquire('chat:spaces/A');
    assert.deepEqual(clock.sleeps, [750, 1000]);
    assert.equal(t.tryAcquire('chat:spaces/A'), false, 'a progress write right after is skipped');
  });

  test('concurrent final writes get consecutive slots; too long a queue is refused with a retry hint', async () => {
    const clock = fakeClock();
    const waits: number[] = [];
    const t = new WriteThrottle({ intervalMs: 1000, maxWaitMs: 2500, now: clock.now, sleep: async (ms) => void waits.push(ms) });
    await Promise.all([t.acquire('chat:spaces/A'), t.acquire('chat:spaces/A'), t.acquire('chat:spaces/A')]);
    assert.deepEqual(waits, [1000, 2000], 'slots 0 s, 1 s, 2 s from now');
    await assert.rejects(t.acquire('chat:spaces/A'), (err: unknown) => err instanceof ThrottleBusy && err.retryAfterSeconds === 3);
    await t.acquire('chat:spaces/B');
    assert.deepEqual(waits, [1000, 2000], 'other spaces are not held up');
  });
});

describe('WorkspaceReply ordering', () => {
  test('a slow progress write never lands after the final one: the final waits for it', async () => {
    const landed: string[] = [];
    // A Chat stand-in where a "running" card takes 200 ms and a final one 10 ms: without ordering,
    // the running card would land last and stay on a finished job.
    const chat = {
      spaces: {
        messages: {
          patch: async (req: { requestBody: { text?: string } }) => {
            const running = /実行中|running/i.test(req.requestBody.text ?? '');
            await new Promise((r) => setTimeout(r, running ? 200 : 10));
            landed.push(running ? 'running' : 'final');
            return { data: { name: 'spaces/X/messages/client-x' } };
          },
        },
      },
    };
    const reply = new WorkspaceReply({ google: async () => ({ chat }) as never, log: createLogger({ level: 'silent' }), throttle: new WriteThrottle({ intervalMs: 0 }) });
    const at = '2026-12-03T00:00:00.000Z';
    const running: JobRecord = {
      id: 'j-0rder000000000000000000000000001', kind: 'system.echo', input: { message: 'x' }, status: 'running', requestedBy: 'sato@example.co.jp',
      locale: 'ja', generation: 1, attempts: 1, steps: {}, cancelRequested: false, createdAt: at, updatedAt: at, version: 1, reply: { chat: { space: 'spaces/X' } },
    };
    const progress = reply.progress(running);
    await reply.finished({ ...running, status: 'succeeded', result: { message: 'x', steps: 1 } });
    await progress;
    assert.deepEqual(landed, ['running', 'final'], 'the final card lands last');
  });
});

describe('WorkspaceReply: a state the user must see', () => {
  const at = '2026-12-03T00:00:00.000Z';
  const base: JobRecord = {
    id: 'j-retry0000000000000000000000000001', kind: 'system.echo', input: { message: 'x' }, status: 'running', requestedBy: 'sato@example.co.jp',
    locale: 'en', generation: 1, attempts: 1, steps: {}, cancelRequested: false, createdAt: at, updatedAt: at, version: 1, reply: { chat: { space: 'spaces/R' } },
  };
  const retrying: JobRecord = { ...base, status: 'queued', error: { code: 'google_unavailable', message: 'Sheets answered 503', retryable: true } };

  function recordingChat(delayMs = 0) {
    const landed: string[] = [];
    const chat = {
      spaces: {
        messages: {
          patch: async (req: { requestBody: { text?: string } }) => {
            await new Promise((r) => setTimeout(r, delayMs));
            landed.push(/retry/i.test(req.requestBody.text ?? '') ? 'retrying' : 'running');
            return { data: { name: 'spaces/R/messages/client-x' } };
          },
        },
      },
    };
    return { chat, landed };
  }

  test('"will retry" written right after "running" waits for the space\'s turn instead of being skipped (Office week Thursday flake)', async () => {
    const { chat, landed } = recordingChat();
    const reply = new WorkspaceReply({ google: async () => ({ chat }) as never, log: createLogger({ level: 'silent' }), throttle: new WriteThrottle({ intervalMs: 300 }) });
    await reply.progress(base);
    await reply.progress(retrying);
    assert.deepEqual(landed, ['running'], 'a plain progress write within the interval is skipped');
    await reply.progress(retrying, { waitMs: 2000 });
    assert.deepEqual(landed, ['running', 'retrying']);
  });

  test('it also waits for the job\'s write in flight, and gives up (skipped) past its wait', async () => {
    const slow = recordingChat(150);
    const reply = new WorkspaceReply({ google: async () => ({ chat: slow.chat }) as never, log: createLogger({ level: 'silent' }), throttle: new WriteThrottle({ intervalMs: 0 }) });
    const first = reply.progress(base);
    await reply.progress(retrying, { waitMs: 2000 });
    await first;
    assert.deepEqual(slow.landed, ['running', 'retrying']);
    const stuck = recordingChat(400);
    const reply2 = new WorkspaceReply({ google: async () => ({ chat: stuck.chat }) as never, log: createLogger({ level: 'silent' }), throttle: new WriteThrottle({ intervalMs: 0 }) });
    const inFlight = reply2.progress(base);
    await reply2.progress(retrying, { waitMs: 50 });
    await inFlight;
    assert.deepEqual(stuck.landed, ['running'], 'past its wait the write is skipped, not queued behind');
  });
});

describe('WorkspaceReply on the Workspace sandbox (real Chat and Sheets REST, real clients)', () => {
  let dir: string;
  let sandbox: Sandbox;
  let reply: WorkspaceReply;
  before(async () => {
    dir = tempDir('tasuki-reply-');
    const issuer = LocalIssuer.open(dir);
    sandbox = await startSandbox({ dataDir: dir, issuer, logger: createLogger({ level: 'silent' }) });
    const config = loadConfig({ TASUKI_DATA_DIR: dir, TASUKI_GOOGLE_ROOT_URL: sandbox.url, LOG_LEVEL: 'silent' });
    const google = createGoogleClients(config, { clientOptions: { retry: false } });
    // A frozen clock makes "too soon" independent of how long the sandbox takes to answer.
    let now = 0;
    const throttle = new WriteThrottle({ now: () => now, sleep: async (ms) => void (now += ms) });
    reply = new WorkspaceReply({ google: async () => google, log: createLogger({ level: 'silent' }), throttle });
  });
  after(async () => {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const at = '2026-11-27T00:00:00.000Z';
  const job = (over: Partial<JobRecord>): JobRecord => ({
    id: 'j-5eed0000000000000000000000000001', kind: 'system.echo', input: { message: 'x' }, status: 'running', requestedBy: 'sato@example.co.jp',
    locale: 'ja', generation: 1, attempts: 1, steps: {}, cancelRequested: false, createdAt: at, updatedAt: at, version: 1,
    reply: { chat: { space: SEED_IDS.chatSpace }, sheet: { spreadsheetId: SEED_IDS.ledgerSpreadsheet, sheetName: LEDGER.sheetName, row: 3 } },
    ...over,
  });

  async function messagesFor(jobId: string) {
    const res = await fetch(`${sandbox.url}/_sandbox/chat/spaces/${SEED_IDS.chatSpace.split('/')[1]}/messages`);
    const body = (await res.json()) as { messages: Array<{ name: string; text?: string; clientAssignedMessageId?: string; cardsV2?: Array<{ card: { header?: { subtitle?: string } } }> }> };
    return body.messages.filter((m) => m.clientAssignedMessageId === clientMessageId(jobId));
  }

  async function ledgerCell(row: number, letter: string): Promise<string> {
    const res = await fetch(`${sandbox.url}/_sandbox/sheets/${SEED_IDS.ledgerSpreadsheet}`);
    const body = (await res.json()) as { sheets: Array<{ properties: { title: string }; values: string[][] }> };
    const sheet = body.sheets.find((s) => s.properties.title === LEDGER.sheetName)!;
    return sheet.values[row - 1]?.[letter.charCodeAt(0) - 65] ?? '';
  }

  async function sheetValues(spreadsheetId: string, name: string): Promise<string[][]> {
    const res = await fetch(`${sandbox.url}/_sandbox/sheets/${spreadsheetId}`);
    const body = (await res.json()) as { sheets: Array<{ properties: { title: string }; values: string[][] }> };
    return body.sheets.find((s) => s.properties.title === name)!.values;
  }

  test("progress then finish: one Chat message per job, upserted; status in tasuki's column, the office's Status untouched", async () => {
    const officeStatus = await ledgerCell(3, LEDGER.letter.status);
    assert.ok(officeStatus, 'the seeded row has an office status');
    const running = job({ progress: { done: 1, total: 3, label: 'コピー中', updatedAt: at } });
    await reply.progress(running);
    await reply.progress({ ...running, progress: { done: 2, total: 3, label: 'コピー中', updatedAt: at } }); // same instant: skipped
    let messages = await messagesFor(running.id);
    assert.equal(messages.length, 1);
    assert.match(messages[0]!.text ?? '', /1\/3/);
    assert.match(await ledgerCell(3, LEDGER.letter.tasukiStatus), /実行中 · 1\/3/);
    assert.equal(await ledgerCell(3, LEDGER.letter.tasukiJob), running.id);

    await reply.finished({ ...running, status: 'succeeded', result: { message: 'x', steps: 3 } });
    messages = await messagesFor(running.id);
    assert.equal(messages.length, 1, 'the same message, patched');
    assert.match(messages[0]!.cardsV2?.[0]?.card.header?.subtitle ?? '', /完了/);
    assert.equal(await ledgerCell(3, LEDGER.letter.tasukiStatus), '✅ 完了');
    assert.equal(await ledgerCell(3, LEDGER.letter.status), officeStatus, "column G is the office's");
  });

  test('a private job (reply.chat.viewer) is created for that viewer only, then updated in place', async () => {
    const viewer = 'users/111111111111111111111';
    const mine = job({ id: 'j-5eed0000000000000000000000000003', reply: { chat: { space: SEED_IDS.chatSpace, viewer } } });
    await reply.progress(mine);
    await reply.finished({ ...mine, status: 'succeeded', result: { message: 'x', steps: 1 } });
    const res = await fetch(`${sandbox.url}/_sandbox/chat/spaces/${SEED_IDS.chatSpace.split('/')[1]}/messages`);
    const all = ((await res.json()) as { messages: Array<{ clientAssignedMessageId?: string; privateMessageViewer?: { name: string }; cardsV2?: Array<{ card: { header?: { subtitle?: string } } }> }> }).messages;
    const messages = all.filter((m) => m.clientAssignedMessageId === clientMessageId(mine.id));
    assert.equal(messages.length, 1, 'one message');
    assert.deepEqual(messages[0]!.privateMessageViewer, { name: viewer });
    assert.match(messages[0]!.cardsV2?.[0]?.card.header?.subtitle ?? '', /完了/);
  });

  test('a space the app is not in makes finished() throw a permanent ReplyFailure (the outbox stops), after still writing the sheet', async () => {
    const lost = job({ id: 'j-5eed0000000000000000000000000002', status: 'failed', error: { code: 'x', message: 'だめでした', retryable: false }, reply: { chat: { space: SEED_IDS.chatOtherSpace }, sheet: { spreadsheetId: SEED_IDS.ledgerSpreadsheet, sheetName: LEDGER.sheetName, row: 4 } } });
    await assert.rejects(reply.finished(lost), (err: unknown) => err instanceof ReplyFailure && err.permanent && err.code === 'reply_not_permitted' && /not a member/.test(err.message));
    assert.equal(await ledgerCell(4, LEDGER.letter.tasukiStatus), '⚠️ 失敗 · だめでした');
  });

  test('a final write to a space busier than the wait fails retryably (rate limited, Retry-After) without holding the call; the sheet is still written', async () => {
    const google = createGoogleClients(loadConfig({ TASUKI_DATA_DIR: dir, TASUKI_GOOGLE_ROOT_URL: sandbox.url, LOG_LEVEL: 'silent' }), { clientOptions: { retry: false } });
    const sleeps: number[] = [];
    const throttle = new WriteThrottle({ now: () => 0, sleep: async (ms) => void sleeps.push(ms) });
    // Five other jobs' final writes already hold the space's next five seconds.
    for (let i = 0; i < 5; i++) await throttle.acquire(`chat:${SEED_IDS.chatSpace}`, Infinity);
    sleeps.length = 0;
    const busy = new WorkspaceReply({ google: async () => google, log: createLogger({ level: 'silent' }), throttle, finalWaitMs: 2000 });
    const done = job({ id: 'j-5eed0000000000000000000000000004', status: 'succeeded', result: { message: 'x', steps: 1 }, reply: { chat: { space: SEED_IDS.chatSpace }, sheet: { spreadsheetId: SEED_IDS.ledgerSpreadsheet, sheetName: LEDGER.sheetName, row: 5 } } });
    await assert.rejects(busy.finished(done), (err: unknown) => err instanceof ReplyFailure && !err.permanent && err.code === 'reply_rate_limited' && err.retryAfterSeconds === 5);
    assert.deepEqual(sleeps, [], 'nothing waited');
    assert.equal((await messagesFor(done.id)).length, 0, 'no Chat write was attempted');
    assert.equal(await ledgerCell(5, LEDGER.letter.tasukiStatus), '✅ 完了', 'the sheet has its own turn');
  });

  test('the sweep may wait longer: the same busy space gets the report written after its turn comes', async () => {
    const google = createGoogleClients(loadConfig({ TASUKI_DATA_DIR: dir, TASUKI_GOOGLE_ROOT_URL: sandbox.url, LOG_LEVEL: 'silent' }), { clientOptions: { retry: false } });
    let now = 0;
    let advance = false;
    const sleeps: number[] = [];
    const throttle = new WriteThrottle({ now: () => now, sleep: async (ms) => void (sleeps.push(ms), advance && (now += ms)) });
    // Five other reports hold the space's next five seconds.
    for (let i = 0; i < 5; i++) await throttle.acquire(`chat:${SEED_IDS.chatDmSpace}`, Infinity);
    sleeps.length = 0;
    advance = true;
    const patient = new WorkspaceReply({ google: async () => google, log: createLogger({ level: 'silent' }), throttle, finalWaitMs: 2000 });
    const done = job({ id: 'j-5eed0000000000000000000000000005', status: 'succeeded', result: { message: 'x', steps: 1 }, reply: { chat: { space: SEED_IDS.chatDmSpace } } });
    await patient.finished(done, { maxWaitMs: 15_000 });
    assert.ok(sleeps.length === 1 && sleeps[0]! >= 4000, `waited for its slot: ${JSON.stringify(sleeps)}`);
    // (A space no earlier test wrote to: the sandbox's own per-space limit runs on real time.)
    const res = await fetch(`${sandbox.url}/_sandbox/chat/spaces/${SEED_IDS.chatDmSpace.split('/')[1]}/messages`);
    const all = ((await res.json()) as { messages: Array<{ clientAssignedMessageId?: string }> }).messages;
    assert.equal(all.filter((m) => m.clientAssignedMessageId === clientMessageId(done.id)).length, 1);
  });

  test("the sheet cell is in the office's sheet language whoever ran the job; the Chat card in the asker's", async () => {
    const clients = createGoogleClients(loadConfig({ TASUKI_DATA_DIR: dir, TASUKI_GOOGLE_ROOT_URL: sandbox.url, LOG_LEVEL: 'silent' }), { clientOptions: { retry: false } });
    const office = (locale: 'ja' | 'en') => new WorkspaceReply({ google: async () => clients, log: createLogger({ level: 'silent' }), sheetLocale: locale });
    await new Promise((r) => setTimeout(r, 1100)); // the sandbox, like Chat, takes about one write per second per space
    const emmas = job({ id: 'j-5eed0000000000000000000000000007', locale: 'en', status: 'succeeded', result: { message: 'x', steps: 1 }, reply: { chat: { space: SEED_IDS.chatSpace }, sheet: { spreadsheetId: SEED_IDS.ledgerSpreadsheet, sheetName: LEDGER.sheetName, row: 7 } } });
    await office('ja').finished(emmas);
    assert.equal(await ledgerCell(7, LEDGER.letter.tasukiStatus), jobStatusText({ ...emmas, locale: 'ja' }));
    assert.equal(await ledgerCell(7, LEDGER.letter.tasukiStatus), '✅ 完了');
    const card = (await messagesFor(emmas.id))[0]!.cardsV2?.[0]?.card.header?.subtitle ?? '';
    assert.ok(card && !/完了/.test(card), `the card stays in English: ${card}`);
    const satos = job({ id: 'j-5eed0000000000000000000000000008', locale: 'ja', status: 'succeeded', result: { message: 'x', steps: 1 }, reply: { sheet: { spreadsheetId: SEED_IDS.ledgerSpreadsheet, sheetName: LEDGER.sheetName, row: 8 } } });
    await office('en').finished(satos);
    assert.equal(await ledgerCell(8, LEDGER.letter.tasukiStatus), jobStatusText({ ...satos, locale: 'en' }));
    assert.doesNotMatch(await ledgerCell(8, LEDGER.letter.tasukiStatus), /完了/);
  });

  test("a sheet made before tasuki's columns gets them appended at the right, once; its own columns stay", async () => {
    const { sheets } = createGoogleClients(loadConfig({ TASUKI_DATA_DIR: dir, TASUKI_GOOGLE_ROOT_URL: sandbox.url, LOG_LEVEL: 'silent' }), { clientOptions: { retry: false } });
    const spreadsheetId = SEED_IDS.ledgerSpreadsheet;
    await sheets.spreadsheets.batchUpdate({ spreadsheetId, requestBody: { requests: [{ addSheet: { properties: { title: 'Orders 2025' } } }] } });
    const header = ['注文 Order', 'ステータス Status', '備考 Notes'];
    await sheets.spreadsheets.values.update({ spreadsheetId, range: "'Orders 2025'!A1", valueInputOption: 'RAW', requestBody: { values: [header, ['O-1', '保留 On hold', 'call first']] } });
    const target = { spreadsheetId, sheetName: 'Orders 2025', row: 2 };
    const first = job({ id: 'j-5eed0000000000000000000000000003', status: 'succeeded', reply: { sheet: target } });
    await reply.finished(first);
    // A second reply port (another instance, no cache) finds the columns the first one added.
    const fresh = new WorkspaceReply({ google: async () => createGoogleClients(loadConfig({ TASUKI_DATA_DIR: dir, TASUKI_GOOGLE_ROOT_URL: sandbox.url, LOG_LEVEL: 'silent' }), { clientOptions: { retry: false } }), log: createLogger({ level: 'silent' }) });
    await fresh.finished({ ...first, id: 'j-5eed0000000000000000000000000004' });
    const values = await sheetValues(spreadsheetId, 'Orders 2025');
    assert.deepEqual(values[0], [...header, TASUKI_STATUS_HEADER, TASUKI_JOB_HEADER]);
    assert.deepEqual(values[1], ['O-1', '保留 On hold', 'call first', '✅ 完了', 'j-5eed0000000000000000000000000004']);
  });

  test("a sheet whose grid has no spare column (trimmed, or imported from CSV) is widened before tasuki's headers are added", async () => {
    const { sheets } = createGoogleClients(loadConfig({ TASUKI_DATA_DIR: dir, TASUKI_GOOGLE_ROOT_URL: sandbox.url, LOG_LEVEL: 'silent' }), { clientOptions: { retry: false } });
    const spreadsheetId = SEED_IDS.ledgerSpreadsheet;
    await sheets.spreadsheets.batchUpdate({ spreadsheetId, requestBody: { requests: [{ addSheet: { properties: { title: 'Imported', gridProperties: { columnCount: 3 } } } }] } });
    const header = ['注文 Order', 'ステータス Status', '備考 Notes'];
    await sheets.spreadsheets.values.update({ spreadsheetId, range: 'Imported!A1', valueInputOption: 'RAW', requestBody: { values: [header, ['O-2', '保留 On hold', '']] } });
    const imported = job({ id: 'j-5eed0000000000000000000000000009', status: 'succeeded', reply: { sheet: { spreadsheetId, sheetName: 'Imported', row: 2 } } });
    await new WorkspaceReply({ google: async () => createGoogleClients(loadConfig({ TASUKI_DATA_DIR: dir, TASUKI_GOOGLE_ROOT_URL: sandbox.url, LOG_LEVEL: 'silent' }), { clientOptions: { retry: false } }), log: createLogger({ level: 'silent' }) }).finished(imported);
    const values = await sheetValues(spreadsheetId, 'Imported');
    assert.deepEqual(values[0], [...header, TASUKI_STATUS_HEADER, TASUKI_JOB_HEADER]);
    assert.deepEqual(values[1], ['O-2', '保留 On hold', '', '✅ 完了', imported.id]);
  });
});
