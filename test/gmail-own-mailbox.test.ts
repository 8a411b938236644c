// A Gmail draft is only ever created in the requester's own mailbox: billing.document acts as the
// job's requestedBy (the verified token's e-mail), so Emma's draft lands in Emma's mailbox, and a
// message id from Sato's mailbox is simply not found from Emma's. Against the Workspace sandbox
// with domain-wide delegation, as in production.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SEED_USERS } from '../local/sandbox/seedData.js';
import { accountingProviderFor } from '../service/billing/providers.js';
import { createBillingDocumentHandler } from '../service/jobs/billingDocument.js';
import { projectCreate } from '../service/jobs/projectCreate.js';
import { JobFailure } from '../service/jobFailure.js';
import type { BillingDocumentResult } from '../shared/kinds/billingDocument.js';
import type { ProjectCreateResult } from '../shared/kinds/projectCreate.js';
import { startJobsEnv, type JobsEnv } from './support/jobsHarness.js';

const billingDocument = createBillingDocumentHandler(accountingProviderFor);

let env: JobsEnv;
before(async () => {
  env = await startJobsEnv();
});
after(() => env.close());

const SATO = SEED_USERS.sato.email;
const EMMA = SEED_USERS.emma.email;

async function drafts(email: string): Promise<string[]> {
  const gmail = env.google.gmailFor(email)!;
  const list = await gmail.users.messages.list({ userId: 'me', labelIds: ['DRAFT'], maxResults: 500 });
  return (list.data.messages ?? []).map((m) => m.id!);
}

test("drafts go to the requester's mailbox only; another person's message cannot be replied to", async () => {
  const created = await env.newJob('project.create', { source: 'chat', client: { name: 'Blue Harbor Coffee', email: 'olivia@blueharbor.example' }, title: 'Spring menu', amount: 80_000 }, { requestedBy: EMMA });
  const project = await env.run<ProjectCreateResult>(projectCreate, created.id);
  const satoBefore = await drafts(SATO);
  const emmaBefore = await drafts(EMMA);

  const job = await env.newJob('billing.document', { type: 'estimate', projectNumber: project.projectNumber, emailDraft: {} }, { requestedBy: EMMA, locale: 'en' });
  const result = await env.run<BillingDocumentResult>(billingDocument, job.id);
  assert.ok(result.draftMessageId);
  assert.deepEqual((await drafts(EMMA)).filter((id) => !emmaBefore.includes(id)), [result.draftMessageId], "in Emma's mailbox");
  assert.deepEqual(await drafts(SATO), satoBefore, "nothing in Sato's");

  const satosMessage = (await env.google.gmailFor(SATO)!.users.messages.list({ userId: 'me', maxResults: 1 })).data.messages![0]!.id!;
  const reply = await env.newJob('billing.document', { type: 'estimate', projectNumber: project.projectNumber, emailDraft: { replyToGmailMessageId: satosMessage } }, { requestedBy: EMMA, locale: 'en' });
  await assert.rejects(env.run(billingDocument, reply.id), (err: unknown) => err instanceof JobFailure && !err.retryable && /not found/.test(err.userMessage.en));
  assert.deepEqual(await drafts(SATO), satoBefore, "still nothing in Sato's");
});
