// "User text is data": a project whose title and client name are made of Chat markup goes through
// project.create and the job's reply against the Workspace sandbox, and every place it lands
// shows it as literal text — the announcement's Chat text (no mention annotation, nothing the
// sandbox's model of Chat formatting reads as markup), its card, the job card, the ledger row,
// the Drive folder name and the brief Doc.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { cardHtmlFields, cardMarkup, chatMarkup, htmlFieldText } from '../local/sandbox/chatFormatting.js';
import { projectCreate } from '../service/jobs/projectCreate.js';
import { createLogger } from '../service/logger.js';
import { WorkspaceReply } from '../service/reply/workspaceReply.js';
import type { ProjectCreateResult } from '../shared/kinds/projectCreate.js';
import { LEDGER } from '../shared/sheetLayouts.js';
import { forDocsValue } from '../shared/userText.js';
import { startJobsEnv, type JobsEnv } from './support/jobsHarness.js';
import { childrenOf, documentPlainText, sheetRows } from './support/jobsInspect.js';

let env: JobsEnv;
before(async () => {
  env = await startJobsEnv();
});
after(() => env.close());

const TITLE = '<users/all> <https://example.com|click> *x*';
const CLIENT = '<a href="https://evil.example">株式会社アクメ</a> _y_ {{amount}}';

type Message = { text?: string; cardsV2?: unknown[]; annotations?: unknown[] };

async function messagesIn(space: string): Promise<Message[]> {
  const res = await env.google.chat.spaces.messages.list({ parent: space, pageSize: 1000 });
  return (res.data.messages ?? []) as Message[];
}

test(`a title of ${TITLE} round-trips as literal text: Chat message, cards, ledger, Drive, Docs`, async () => {
  const reply = { chat: { space: env.config.chatSpace } };
  const job = await env.newJob('project.create', { source: 'chat', client: { name: CLIENT }, newClient: true, title: TITLE, amount: 120_000 }, { reply: { chat: { space: 'spaces/AAAAtasukiDmSato' } } });
  const result = await env.run<ProjectCreateResult>(projectCreate, job.id);

  // The announcement in the team space.
  const announcement = (await messagesIn(env.config.chatSpace)).find((m) => m.text?.includes(result.projectNumber));
  assert.ok(announcement, 'announced');
  assert.equal(announcement.annotations, undefined, 'no USER_MENTION annotation');
  assert.deepEqual(chatMarkup(announcement.text!), [], `plain Chat text: ${announcement.text}`);
  assert.deepEqual(cardMarkup(announcement.cardsV2), [], 'no HTML in the card');
  const card = announcement.cardsV2![0] as { card: { header: { subtitle: string } } };
  assert.equal(card.card.header.subtitle, `${CLIENT} — ${TITLE}`, 'the header (plain text in Chat) holds the exact title');

  // The job's own message: a finished job's card with the title in its progress label and error.
  const finished = { ...(await env.store.getJob(job.id))!, status: 'failed' as const, reply, progress: { done: 1, total: 2, label: TITLE, updatedAt: new Date().toISOString() }, error: { code: 'x', message: `${TITLE} ${CLIENT}`, retryable: false } };
  await new WorkspaceReply({ google: async () => env.google, log: createLogger({ level: 'silent' }) }).finished(finished);
  const jobMessage = (await messagesIn(env.config.chatSpace)).find((m) => JSON.stringify(m.cardsV2 ?? []).includes(`job-${job.id}`));
  assert.ok(jobMessage, 'the job card was posted');
  assert.equal(jobMessage.annotations, undefined);
  assert.deepEqual(chatMarkup(jobMessage.text!), [], `plain Chat text: ${jobMessage.text}`);
  assert.deepEqual(cardMarkup(jobMessage.cardsV2), []);
  const shown = cardHtmlFields(jobMessage.cardsV2).map((f) => htmlFieldText(f.html));
  assert.ok(shown.includes(`${TITLE} ${CLIENT}`), `the error widget shows the exact text: ${JSON.stringify(shown)}`);

  // The ledger keeps the exact strings (values are written RAW: no formula, no markup).
  const row = (await sheetRows(env.google, env.config.ledgerSpreadsheetId, LEDGER)).find((r) => r.jobId === job.id);
  assert.equal(row?.title, TITLE);
  assert.equal(row?.client, CLIENT);

  // Drive and Docs keep it too; the {{amount}} in the client name is not filled in.
  const folder = (await childrenOf(env.google, env.config.projectsFolderId)).find((f) => f.name.startsWith(`${result.projectNumber} `));
  assert.equal(folder?.name, `${result.projectNumber} ${CLIENT} ${TITLE}`);
  const brief = await documentPlainText(env.google, result.briefDocId);
  assert.ok(brief.includes(`件名 Title: ${TITLE}`), brief);
  const memo = (await childrenOf(env.google, result.folderId)).find((f) => f.name === `${TITLE} 制作メモ`);
  assert.ok(memo, 'the template memo Doc, named from the title');
  const memoText = await documentPlainText(env.google, memo.id);
  assert.ok(memoText.includes(`クライアント Client: ${forDocsValue(CLIENT)}`), memoText);
  assert.ok(!memoText.includes('_y_ ¥'), 'the {{amount}} typed in the client name was not filled in by the later amount placeholder');
});
