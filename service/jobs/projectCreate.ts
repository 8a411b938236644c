/**
 * `project.create`: a request (Gmail, Chat /new, Sheets, a portal intake, the console) becomes a
 * project.
 *
 * Input: ProjectCreateInput (shared/kinds/projectCreate.ts): client, title, optional due and
 * amount, the originating request (e-mail text, sender, attachments), optional intakeId, and
 * `newClient` when the user confirmed the client is new.
 *
 * The client: resolved against the client directory (service/clients/clientDirectory.ts: Ledger
 * + Clients sheet) by the sender's domain first, then the name with legal forms, width and spaces
 * ignored; a match gives the project the directory's one name (みどり不動産株式会社 → みどり不動産).
 * No match and no `newClient` → a permanent failure asking the user to pick or confirm; with
 * `newClient` the client is appended to the Clients sheet.
 *
 * Office columns this job owns: it creates the Ledger row, so it writes every column of it once
 * (the Status column's first value is 受付 / Received, in TASUKI_SHEET_LOCALE); on the Intake row
 * it owns Status and Project (案件化 / Project created, the number). Nothing else of the office's
 * is written.
 *
 * Reads: the template folder (TASUKI_TEMPLATE_FOLDER_ID); the client directory (Ledger, Clients
 * sheet); the add-on's staged uploads of the mail's attachments (workspace/attachmentUploads.ts);
 * only for an attachment without an upload, and only with TASUKI_GMAIL_DELEGATION on, the
 * requester's Gmail message; the Intake sheet when intakeId is given.
 * Writes: a project folder under TASUKI_PROJECTS_FOLDER_ID (copy of the template tree with
 * {{number}} {{client}} {{title}} {{due}} replaced in names and Docs), a request brief Doc, and
 * the mail's attachments in its materials folder (the template's 資料/Materials/Brief folder); a
 * Ledger row; Schedule rows and their Calendar events (the due-date milestone; the work period
 * when configured); the Intake row's status; a `requests` record in the store (the summary
 * database that ledger.search reads); an announcement in the team Chat space (unless the job's
 * own reply already goes there).
 *
 * Steps and why each is safe to run again:
 * 0. client     reads only, except a confirmed new client's Clients row (keyed by name).
 * 1. number     claimSequence('project-YYYY', job id) above the ledger's highest number
 *               (workspace/ledgerNumbers.ts): the same job always gets the same number, numbers
 *               are dense and never shared (the store guarantees it).
 * 2. folder     project folder tagged {tasukiJob, tasukiKey:'root'}; looked up before creating.
 * 3. template   template items tagged `tpl:<source id>`; one query finds what exists.
 * 4. brief      brief Doc tagged 'brief'; its text is written only if the project number is not
 *               in it yet.
 * 5. attachments the materials folder (found in the copied template, else made, tagged); then one
 *               step per file, `attachment:<index>`: a staged upload is moved there (same file,
 *               tagged `att:<index>`; already there → nothing), or read through delegation into a
 *               tagged upload; a file that cannot be filed is a per-file problem in the result
 *               (attachments.problems), never a failed job.
 * 6. ledger     Ledger row keyed by job id (find before append).
 * 7. schedule   Schedule rows keyed by row key: `project-<number>-due`, the due date as a one-day
 *               milestone titled with the client and title (納期: … / Due: … by TASUKI_SHEET_LOCALE); with
 *               TASUKI_PROJECT_WORK_PERIOD also `project-<number>`, request day → due date.
 * 7b. calendar  each dated row's event, upserted under the id schedule.sync derives from the row
 *               key (workspace/scheduleEvents.ts): a later sync finds it "unchanged".
 * 8. intake     Intake row status/number overwritten (same values each time); store doc CAS.
 * 9. record     `requests/<number>` put-if-absent.
 * 10. announce  messages.patch(allowMissing) on a client id derived from the job id.
 */
import { ADDON_FUNCTIONS } from '../../shared/addonFunctions.js';
import { ProjectCreateInput, type ClientResolution, type ProjectCreateResult } from '../../shared/kinds/projectCreate.js';
import type { Link } from '../../shared/kinds/common.js';
import { INTAKE, LEDGER, SCHEDULE } from '../../shared/sheetLayouts.js';
import { SHEET_TEXTS } from '../../shared/messages.js';
import { formatJapaneseDate } from '../billing/japaneseDates.js';
import { isoDateIn } from '../isoDates.js';
import { addConfirmedClient, matchClient, readClientDirectory } from '../clients/clientDirectory.js';
import { mailDomain, PERSONAL_MAIL_DOMAINS } from '../clients/clientNames.js';
import { formatYen } from '../billing/tax.js';
import { type JobContext, type JobHandler } from '../worker/jobHandler.js';
import { JobFailure } from '../jobFailure.js';
import { clientMessageId, linksCard, upsertChatMessage } from '../workspace/chatMessages.js';
import { writeTextOnce } from '../workspace/docsContent.js';
import type { gmail_v1 } from '@googleapis/gmail';
import { fileUpload, MAX_UPLOAD_BYTES } from '../workspace/attachmentUploads.js';
import { ensureDoc, ensureFolder, ensureUpload, findTagged, FOLDER_MIME } from '../workspace/driveFiles.js';
import { callGoogle } from '../workspace/googleCall.js';
import { claimLedgerNumber } from '../workspace/ledgerNumbers.js';
import { parseSpan } from '../workspace/scheduleDates.js';
import { upsertRowEvent } from '../workspace/scheduleEvents.js';
import { SheetTable } from '../workspace/sheetTable.js';
import { copyTemplateTree, fillName, readTemplateTree } from '../workspace/templateCopy.js';
import { PROJECT_FOLDER_NAME, templateValues } from '../workspace/projectFolder.js';
import { say } from '../workspace/say.js';
import { forChatText } from '../../shared/userText.js';

type Ctx = JobContext<ProjectCreateInput>;

export const PROJECT_STEPS = ['client', 'number', 'folder', 'template', 'brief', 'attachments', 'ledger', 'schedule', 'calendar', 'intake', 'record', 'announce'] as const;

function briefText(input: ProjectCreateInput, clientName: string, number: string, requestedAt: string): string {
  const r = input.request;
  const lines = [
    `依頼概要 Request brief — ${number}`,
    '',
    `案件番号 Project: ${number}`,
    `受付日 Requested: ${formatJapaneseDate(requestedAt)} (${requestedAt})`,
    `クライアント Client: ${clientName}${input.client.company && input.client.company !== clientName ? ` / ${input.client.company}` : ''}${input.client.email ? ` <${input.client.email}>` : ''}`,
    `件名 Title: ${input.title}`,
    `納期 Due: ${input.due ? `${formatJapaneseDate(input.due)} (${input.due})` : '未定 not set'}`,
    `金額 Amount: ${input.amount !== undefined ? formatYen(input.amount) : '未定 not set'}`,
    `受付経路 Source: ${input.source}`,
  ];
  if (r) {
    lines.push('', '--- 依頼メール Request e-mail ---');
    if (r.from) lines.push(`差出人 From: ${r.from}`);
    if (r.receivedAt) lines.push(`受信日時 Received: ${r.receivedAt}`);
    if (r.subject) lines.push(`件名 Subject: ${r.subject}`);
    if (r.attachments.length) {
      lines.push('添付 Attachments:');
      for (const a of r.attachments) lines.push(`  - ${a.name} (${a.mimeType}, ${a.size} bytes)`);
    }
    if (r.body) lines.push('', r.body);
  }
  return lines.join('\n') + '\n';
}

function templateMissing(id: string): JobFailure {
  return new JobFailure({
    code: 'template_missing',
    retryable: false,
    // For the administrator (the job record's detail and the log); staff are told to ask them.
    message: `The template folder ${id} was not found. Restore it or set TASUKI_TEMPLATE_FOLDER_ID to the right folder.`,
    userMessage: {
      ja: '案件フォルダのテンプレートが見つかりません。管理者に連絡してください。',
      en: 'The project folder template is missing. Ask your administrator.',
    },
  });
}

function projectsFolderMissing(id: string): JobFailure {
  return new JobFailure({
    code: 'projects_folder_missing',
    retryable: false,
    message: `The projects folder ${id} was not found. Check TASUKI_PROJECTS_FOLDER_ID and share it with tasuki's service account.`,
    userMessage: {
      ja: '案件フォルダの保存先が見つかりません。管理者に連絡してください。',
      en: 'The folder that holds the projects is missing. Ask your administrator.',
    },
  });
}

const MATERIALS_FOLDER = /資料|materials?\b|brief/i;

/**
 * Where the mail's attachments go: the copied template's materials folder (a top-level folder
 * named like 資料 / Materials / Brief, e.g. "01_資料 Brief"), else a folder made for them.
 */
async function materialsFolder(ctx: Ctx, projectFolderId: string, copied: Array<{ id: string; mimeType: string; path: string; name: string }>): Promise<string> {
  const fromTemplate = copied.find((c) => c.mimeType === FOLDER_MIME && !c.path.includes('/') && MATERIALS_FOLDER.test(c.name));
  if (fromTemplate) return fromTemplate.id;
  return (await ensureFolder(ctx.google.drive, { parentId: projectFolderId, name: '資料 Materials', tag: { jobId: ctx.job.id, key: 'materials' } })).id;
}

type Attachment = NonNullable<ProjectCreateInput['request']>['attachments'][number];
type AttachmentOutcome = { name: string; url?: string; problem?: AttachmentProblem };
type AttachmentProblem = 'too_large' | 'not_sent' | 'missing' | 'not_yours' | 'not_in_mail';

function problemText(problem: AttachmentProblem, a: Attachment): { ja: string; en: string } {
  const mb = `${(a.size / 1024 / 1024).toFixed(1)} MB`;
  const limit = `${MAX_UPLOAD_BYTES / 1024 / 1024} MB`;
  switch (problem) {
    case 'too_large':
      return { ja: `${mb} で上限 ${limit} を超えるため保存できませんでした。メールから手動で保存してください。`, en: `${mb} is over the ${limit} limit; save it from the mail by hand.` };
    case 'not_sent':
      return { ja: 'アドオンから届きませんでした（時間切れ）。メールから手動で保存してください。', en: 'the add-on could not send it in time; save it from the mail by hand.' };
    case 'missing':
      return { ja: '受け取った添付が見つかりません（削除されました）。メールから手動で保存してください。', en: 'the received copy is gone (deleted); save it from the mail by hand.' };
    case 'not_yours':
      return { ja: '別のユーザーが送った添付のため保存しませんでした。', en: 'it was sent by another user, so it was not filed.' };
    case 'not_in_mail':
      return { ja: 'メールに見つかりません（削除されたか、名前が変わりました）。', en: 'it is no longer in the mail (deleted or renamed).' };
  }
}

/**
 * One attachment into the materials folder: the add-on's upload (moved, not copied), else, with
 * Gmail delegation on, the message part read as the requester (users.messages.attachments.get),
 * else a problem saying why it is not there. Tagged `att:<index>` either way.
 */
async function fileAttachment(ctx: Ctx, a: Attachment, index: number, folderId: string): Promise<AttachmentOutcome> {
  const { google, job, config } = ctx;
  const tag = { jobId: job.id, key: `att:${index}` };
  if (a.uploadId) {
    const filed = await fileUpload(google.drive, { uploadId: a.uploadId, uploader: job.requestedBy, folderId, tag });
    return 'problem' in filed ? { name: a.name, problem: filed.problem } : { name: a.name, url: filed.url };
  }
  const messageId = ctx.input.request?.gmailMessageId;
  const gmail = config.gmailDelegation && messageId ? google.gmailFor(job.requestedBy) : null;
  if (!gmail || !messageId) return { name: a.name, problem: a.size > MAX_UPLOAD_BYTES ? 'too_large' : 'not_sent' };
  const done = await findTagged(google.drive, tag);
  if (done) return { name: a.name, url: done.url };
  const message = await callGoogle('gmail.users.messages.get', () => gmail.users.messages.get({ userId: 'me', id: messageId, format: 'full' }), {
    notFound: { ja: '依頼メールが見つかりません。メールが削除されていないか確認してください。', en: 'The request e-mail was not found; check it still exists.' },
  });
  const parts: gmail_v1.Schema$MessagePart[] = [];
  const walk = (p: gmail_v1.Schema$MessagePart | undefined) => {
    if (!p) return;
    parts.push(p);
    p.parts?.forEach(walk);
  };
  walk(message.data.payload);
  const part = parts.find((p) => p.filename === a.name && p.body?.attachmentId && (!a.size || p.body.size === a.size));
  if (!part) return { name: a.name, problem: 'not_in_mail' };
  const file = await ensureUpload(google.drive, {
    parentId: folderId,
    name: a.name,
    mimeType: a.mimeType || 'application/octet-stream',
    bytes: async () => {
      const res = await callGoogle('gmail.users.messages.attachments.get', () => gmail.users.messages.attachments.get({ userId: 'me', messageId, id: part.body!.attachmentId! }));
      return Buffer.from(res.data.data ?? '', 'base64url');
    },
    tag,
  });
  return { name: a.name, url: file.url };
}

function clientUnconfirmed(name: string, candidates: string[]): JobFailure {
  const ja = candidates.length ? `候補: ${candidates.join('、')}。` : '';
  const en = candidates.length ? ` Close names: ${candidates.join(', ')}.` : '';
  return new JobFailure({
    code: 'client_unconfirmed',
    retryable: false,
    userMessage: {
      ja: `「${name}」は顧客一覧（台帳と Clients シート）にありません。${ja}既存の顧客ならその名前を選び、新しい顧客なら「新しい顧客として登録」を選んでから、もう一度作成してください。`,
      en: `"${name}" is not in the client list (the Ledger and the Clients sheet).${en} Pick the existing client, or choose "Register as a new client", then create the project again.`,
    },
  });
}

/** The directory's name for the input's client, or the confirmed new client (added to the Clients sheet). */
async function resolveClient(ctx: Ctx): Promise<ClientResolution> {
  const { input, config, google } = ctx;
  const directory = await readClientDirectory(google.sheets, config.ledgerSpreadsheetId, config.allowedDomains);
  const match = matchClient(directory, { name: input.client.name, company: input.client.company, email: input.client.email }, config.allowedDomains);
  // A confirmed new client keeps the name the user gave, unless the directory has that very name.
  if (match.client && (!input.newClient || match.by !== 'domain')) return { name: match.client.name, matchedBy: match.by! };
  if (!input.newClient) throw clientUnconfirmed(input.client.name, match.candidates);
  const domain = mailDomain(input.client.email);
  const sharedDomain = match.client !== null || PERSONAL_MAIL_DOMAINS.has(domain) || config.allowedDomains.includes(domain);
  await addConfirmedClient(google.sheets, config.ledgerSpreadsheetId, {
    name: input.client.name,
    ...(domain && !sharedDomain ? { domain } : {}),
    note: `${isoDateIn(config.timezone, new Date(ctx.job.createdAt))} ${ctx.job.requestedBy}`,
  });
  return { name: input.client.name, matchedBy: 'new' };
}

async function run(ctx: Ctx): Promise<ProjectCreateResult> {
  const { input, job, config, google } = ctx;
  const total = PROJECT_STEPS.length;
  const requestedAt = isoDateIn(config.timezone, new Date(job.createdAt));
  const year = requestedAt.slice(0, 4);
  let done = 0;
  const progress = async (label: string) => {
    done++;
    await ctx.progress(done, total, label);
  };

  const client = await ctx.step('client', () => resolveClient(ctx));
  const clientName = client.name;
  await progress(say(ctx, `クライアント ${clientName}`, `Client ${clientName}`));

  const number = await ctx.step('number', () =>
    claimLedgerNumber({ store: ctx.store, sheets: google.sheets, ledgerSpreadsheetId: config.ledgerSpreadsheetId }, { prefix: 'P', year, owner: job.id }),
  );
  await progress(say(ctx, `案件番号 ${number}`, `Project number ${number}`));

  const { docValues: values, nameValues } = templateValues({
    number,
    client: clientName,
    title: input.title,
    ...(input.due ? { due: input.due } : {}),
    requestedAt,
    ...(input.amount !== undefined ? { amount: input.amount } : {}),
    request: input.request?.body ?? input.request?.subject ?? '',
  });

  const folder = await ctx.step('folder', async () => {
    if (!(await readTemplateTree(google.drive, config.templateFolderId))) throw templateMissing(config.templateFolderId);
    const name = fillName(PROJECT_FOLDER_NAME, nameValues);
    try {
      return await ensureFolder(google.drive, { parentId: config.projectsFolderId, name, tag: { jobId: job.id, key: 'root' } });
    } catch (err) {
      // Drive answers 404 for a parent that does not exist (or is not shared with us).
      if (err instanceof JobFailure && err.code === 'google_not_found') throw projectsFolderMissing(config.projectsFolderId);
      throw err;
    }
  });
  await progress(say(ctx, 'フォルダを作成', 'Folder created'));

  const copied = await ctx.step('template', async () => {
    const items = await copyTemplateTree(google, { templateFolderId: config.templateFolderId, targetFolderId: folder.id, jobId: job.id, nameValues, docValues: values });
    return items.map((i) => ({ id: i.id, name: i.name, mimeType: i.mimeType, path: i.path }));
  });
  await progress(say(ctx, `テンプレート ${copied.length} 件をコピー`, `${copied.length} template items copied`));

  const brief = await ctx.step('brief', async () => {
    const doc = await ensureDoc(google.drive, { parentId: folder.id, name: `${number} 依頼概要 Request brief`, tag: { jobId: job.id, key: 'brief' } });
    await writeTextOnce(google.docs, doc.id, briefText(input, clientName, number, requestedAt), number);
    return doc;
  });
  await progress(say(ctx, '依頼概要を作成', 'Brief written'));

  const attachmentList = input.request?.attachments ?? [];
  const materials = await ctx.step('attachments', async () => (attachmentList.length ? materialsFolder(ctx, folder.id, copied) : null));
  // One step per file: a crash between two files resumes after the first, and each file is
  // found again by its tag, so every attachment lands once.
  const attachments: AttachmentOutcome[] = [];
  for (const [index, a] of attachmentList.entries()) {
    attachments.push(await ctx.step(`attachment:${index}`, () => fileAttachment(ctx, a, index, materials!)));
  }
  const filedCount = attachments.filter((a) => a.url).length;
  const problems = attachmentList.flatMap((a, i) => (attachments[i]?.problem ? [{ name: a.name, reason: problemText(attachments[i]!.problem!, a) }] : []));
  await progress(say(ctx, `添付 ${filedCount}/${attachmentList.length} 件を保存`, `${filedCount} of ${attachmentList.length} attachments filed`));

  const ledgerRow = await ctx.step('ledger', async () => {
    const ledger = new SheetTable(google.sheets, config.ledgerSpreadsheetId, LEDGER, 'TASUKI_LEDGER_SPREADSHEET_ID');
    const { row } = await ledger.appendKeyed('jobId', {
      projectNumber: number,
      requestedAt,
      client: clientName,
      title: input.title,
      due: input.due ?? '',
      amount: input.amount ?? '',
      status: SHEET_TEXTS.received[config.sheetLocale],
      folderUrl: folder.url,
      clientEmail: input.client.email ?? '',
      jobId: job.id,
    });
    return row;
  });
  await progress(say(ctx, `台帳 ${ledgerRow} 行目`, `Ledger row ${ledgerRow}`));

  // The Schedule: the due date as its own one-day milestone (the office sees it on the day), and
  // the work period from request to due date only when the office wants it (TASUKI_PROJECT_WORK_PERIOD).
  const scheduleRows = await ctx.step('schedule', async () => {
    const schedule = new SheetTable(google.sheets, config.scheduleSpreadsheetId, SCHEDULE, 'TASUKI_SCHEDULE_SPREADSHEET_ID');
    const wanted = [
      { rowKey: `project-${number}-due`, title: `${SHEET_TEXTS.due[config.sheetLocale]}: ${clientName} ${input.title}`, start: input.due ?? '', end: input.due ?? '', notes: input.due ? '' : SHEET_TEXTS.dueNotSet[config.sheetLocale] },
      ...(config.projectWorkPeriod ? [{ rowKey: `project-${number}`, title: `${clientName} ${input.title}`, start: requestedAt, end: input.due ?? requestedAt, notes: '' }] : []),
    ];
    const rows: Array<(typeof wanted)[number] & { row: number }> = [];
    for (const r of wanted) {
      const { row } = await schedule.appendKeyed('rowKey', { projectNumber: number, title: r.title, start: r.start, end: r.end, assignee: '', notes: r.notes, rowKey: r.rowKey, jobId: job.id });
      rows.push({ ...r, row });
    }
    return rows;
  });
  const scheduleRow = scheduleRows[0]!.row;
  await progress(say(ctx, `スケジュール ${scheduleRow} 行目`, `Schedule row ${scheduleRow}`));

  const calendarLinks = await ctx.step('calendar', async () => {
    const links: Link[] = [];
    for (const r of scheduleRows) {
      // No due date: nothing to put on a day; the row says so and schedule.sync reports it.
      const parsed = parseSpan(r.start, r.end, config.timezone);
      if (!parsed.ok) continue;
      const event = await upsertRowEvent(google.calendar, config.calendarId, { rowKey: r.rowKey, projectNumber: number, title: r.title, assignee: '', notes: r.notes }, parsed.span, job.id, config.sheetLocale);
      if (event.link) links.push({ title: r.rowKey.endsWith('-due') ? say(ctx, 'カレンダー: 納期', 'Calendar: due date') : say(ctx, 'カレンダー: 作業期間', 'Calendar: work period'), url: event.link });
    }
    return links;
  });
  await progress(say(ctx, `カレンダー ${calendarLinks.length} 件`, `${calendarLinks.length} calendar events`));

  await ctx.step('intake', async () => {
    if (!input.intakeId) return null;
    const intake = new SheetTable(google.sheets, config.ledgerSpreadsheetId, INTAKE, 'TASUKI_LEDGER_SPREADSHEET_ID');
    const row = await intake.findRow('intakeId', input.intakeId);
    if (row !== null) await intake.updateRow(row, { status: SHEET_TEXTS.projectCreated[config.sheetLocale], projectNumber: number });
    // Compare-and-set; a concurrent change (another scrape touching the record) means read again.
    for (;;) {
      const doc = await ctx.store.getDoc<Record<string, unknown>>('intake', input.intakeId);
      if (!doc || doc.data.projectNumber === number) break;
      const next = { ...doc.data, status: 'project', projectNumber: number, projectJobId: job.id };
      if (await ctx.store.updateDoc('intake', input.intakeId, doc.version, next)) break;
    }
    return row;
  });
  await progress(say(ctx, '受付を更新', 'Intake updated'));

  await ctx.step('record', async () => {
    await ctx.store.putIfAbsent('requests', number, {
      projectNumber: number,
      client: clientName,
      title: input.title,
      requestedAt,
      due: input.due ?? '',
      amount: input.amount ?? null,
      subject: input.request?.subject ?? '',
      from: input.request?.from ?? '',
      body: (input.request?.body ?? '').slice(0, 20_000),
      folderUrl: folder.url,
      jobId: job.id,
    });
    return true;
  });
  await progress(say(ctx, '記録を保存', 'Request recorded'));

  const links: Link[] = [
    { title: `${number} フォルダ Folder`, url: folder.url },
    { title: '依頼概要 Brief', url: brief.url },
    ...calendarLinks,
    ...attachments.flatMap((a) => (a.url ? [{ title: a.name, url: a.url }] : [])),
  ];

  await ctx.step('announce', async () => {
    const space = config.chatSpace;
    if (job.reply?.chat?.space === space) return null;
    const title = ctx.locale === 'ja' ? `新しい案件 ${number}` : `New project ${number}`;
    const text = `${title}: ${forChatText(clientName)} — ${forChatText(input.title)}${input.due ? ` (${ctx.locale === 'ja' ? '納期' : 'due'} ${input.due})` : ''}`;
    const card = linksCard({
      cardId: `project-${number}`,
      title,
      subtitle: `${clientName} — ${input.title}`,
      lines: [
        `${ctx.locale === 'ja' ? '納期' : 'Due'}: ${input.due ? formatJapaneseDate(input.due) : '—'}`,
        `${ctx.locale === 'ja' ? '金額' : 'Amount'}: ${input.amount !== undefined ? formatYen(input.amount) : '—'}`,
      ],
      links: links.slice(0, 2),
      actions: [{ text: ctx.locale === 'ja' ? '状態を更新' : 'Refresh', function: ADDON_FUNCTIONS.refreshJob, parameters: { jobId: job.id } }],
    });
    const { name } = await upsertChatMessage(google.chat, { space, messageId: clientMessageId('project.create', job.id), text, cardsV2: [card], signal: ctx.signal });
    return name;
  });
  await progress(say(ctx, 'Chat に通知', 'Announced in Chat'));

  return {
    projectNumber: number,
    client,
    ...(attachmentList.length ? { attachments: { filed: filedCount, total: attachmentList.length, problems } } : {}),
    folderId: folder.id,
    folderUrl: folder.url,
    briefDocId: brief.id,
    ledgerRow,
    scheduleRow,
    links,
  };
}

export const projectCreate: JobHandler<'project.create'> = {
  kind: 'project.create',
  input: ProjectCreateInput,
  run,
};
