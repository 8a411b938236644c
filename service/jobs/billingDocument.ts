/**
 * `billing.document`: a numbered estimate (E-YYYY-NNN) or invoice (I-YYYY-NNN) for a project.
 *
 * Input: BillingDocumentInput: type, projectNumber, optional items (default: one line from the
 * ledger row's title and amount), optional issue/due dates (default: the job's day in the office
 * time zone; due = +30 days for an estimate, end of next month for an invoice).
 * Reads: the project's Ledger row; the estimate/invoice Docs template.
 * Writes (through an AccountingProvider; built in: Google Docs + PDF): a filled Doc and its PDF
 * in the project's folder; the ledger row's estimate/invoice cell. When the ledger row has no
 * folder (projects from before tasuki), the project's folder is found by number in the projects
 * folder, or made there (tagged) and written back to the row.
 *
 * Steps:
 * 1. project   ledger row read; folder found or made (tagged 'project-folder'), URL written back.
 * 2. number    claimSequence('estimate-YYYY'|'invoice-YYYY', job id) above the ledger's highest.
 * 3. doc/fill/pdf  the provider's own idempotent steps (googleDocsProvider.ts).
 * 4. ledger    the row's estimate/invoice cell set to the number (an overwrite).
 * 5. draft     (when emailDraft is given) a Gmail draft with the PDF in the requester's mailbox,
 *              found by the document number in its subject before one is saved.
 * Tax: computed once on the subtotal, TASUKI_TAX_RATE_PERCENT and TASUKI_TAX_ROUNDING.
 */
import { BillingDocumentInput, type BillingDocumentResult } from '../../shared/kinds/billingDocument.js';
import { LEDGER } from '../../shared/sheetLayouts.js';
import type { AccountingProvider } from '../billing/accountingProvider.js';
import { GoogleDocsPdfProvider } from '../billing/googleDocsProvider.js';
import { formatJapaneseDate } from '../billing/japaneseDates.js';
import { addDays, endOfNextMonth, isIsoDate, isoDateIn } from '../isoDates.js';
import { computeTotals, formatYen } from '../billing/tax.js';
import { type JobContext, type JobHandler } from '../worker/jobHandler.js';
import { JobFailure } from '../jobFailure.js';
import { ensureFolder, getFile, idFromDriveUrl, listChildren, FOLDER_MIME } from '../workspace/driveFiles.js';
import { buildMimeMessage, ensureDraft, replyContext } from '../workspace/gmailDraft.js';
import { callGoogle } from '../workspace/googleCall.js';
import { claimLedgerNumber } from '../workspace/ledgerNumbers.js';
import { SheetTable } from '../workspace/sheetTable.js';
import { say } from '../workspace/say.js';

type Ctx = JobContext<BillingDocumentInput>;

function projectNotFound(number: string): JobFailure {
  return new JobFailure({
    code: 'project_not_found',
    retryable: false,
    userMessage: {
      ja: `案件 ${number} が台帳（Ledger シート）に見つかりません。案件番号を確認してください。`,
      en: `Project ${number} is not in the ledger (Ledger sheet). Check the project number.`,
    },
  });
}

function badInput(ja: string, en: string): JobFailure {
  return new JobFailure({ code: 'invalid_input', retryable: false, userMessage: { ja, en } });
}

async function projectFolder(ctx: Ctx, ledger: SheetTable<(typeof LEDGER.columns)[number]['key']>, row: number, values: Record<string, string>): Promise<{ id: string; url: string }> {
  const { google, config, job } = ctx;
  const fromUrl = values.folderUrl ? idFromDriveUrl(values.folderUrl) : null;
  if (fromUrl) {
    const file = await getFile(google.drive, fromUrl);
    if (file) return file;
  }
  const number = values.projectNumber!;
  const existing = (await listChildren(google.drive, config.projectsFolderId)).find((f) => f.mimeType === FOLDER_MIME && f.name.startsWith(`${number} `));
  const folder =
    existing ??
    (await ensureFolder(google.drive, {
      parentId: config.projectsFolderId,
      name: `${number} ${values.client} ${values.title}`.trim(),
      tag: { jobId: job.id, key: 'project-folder' },
    }));
  await ledger.updateRow(row, { folderUrl: folder.url });
  return folder;
}

const DOC_TITLES = { estimate: { ja: '御見積書', en: 'Estimate' }, invoice: { ja: '御請求書', en: 'Invoice' } } as const;

async function saveDraft(
  ctx: Ctx,
  doc: { documentNumber: string; title: string; client: string; clientEmail: string; pdfFileId: string; totals: { total: number }; dueDate: string },
): Promise<string> {
  const { input, google, config, job } = ctx;
  const gmail = config.gmailDelegation ? google.gmailFor(job.requestedBy) : null;
  if (!gmail) {
    throw new JobFailure({
      code: 'gmail_not_configured',
      retryable: false,
      message: 'Saving a Gmail draft needs Gmail access (TASUKI_GMAIL_DELEGATION=true and domain-wide delegation).',
      userMessage: {
        ja: 'この環境では Gmail の下書きを作れません。PDF は案件フォルダに保存済みです。下書きが必要なら管理者に連絡してください。',
        en: 'Gmail drafts are not set up here. The PDF is saved in the project folder. Ask your administrator if you need drafts.',
      },
    });
  }
  const replyTo = input.emailDraft!.replyToGmailMessageId;
  const context = replyTo ? await replyContext(gmail, replyTo) : undefined;
  const to = input.emailDraft!.to ?? (doc.clientEmail || context?.from);
  if (!to) {
    throw new JobFailure({
      code: 'no_recipient',
      retryable: false,
      userMessage: {
        ja: `宛先がわかりません。台帳の ${input.projectNumber} にメールアドレスを入力するか、宛先を指定してください。`,
        en: `No recipient: fill in the e-mail of ${input.projectNumber} in the ledger, or give an address.`,
      },
    });
  }
  const kind = DOC_TITLES[input.type];
  const pdf = await callGoogle('drive.files.get (pdf)', () => google.drive.files.get({ fileId: doc.pdfFileId, alt: 'media', supportsAllDrives: true }, { responseType: 'arraybuffer' }));
  const subject = `${kind.ja} ${doc.documentNumber} ${doc.title}`;
  const text = [
    `${doc.client} 御中`,
    '',
    `${doc.title} の${kind.ja.replace('御', '')}（${doc.documentNumber}）をお送りいたします。`,
    `合計 ${formatYen(doc.totals.total)}（税込） / ${input.type === 'invoice' ? 'お支払期限' : '有効期限'} ${formatJapaneseDate(doc.dueDate)}`,
    '',
    `Please find attached our ${kind.en.toLowerCase()} ${doc.documentNumber} for "${doc.title}".`,
    '',
  ].join('\n');
  const raw = buildMimeMessage({
    to,
    subject,
    text,
    inReplyTo: context?.messageIdHeader,
    attachment: { filename: `${doc.documentNumber}.pdf`, mimeType: 'application/pdf', data: Buffer.from(pdf.data as ArrayBuffer) },
  });
  const { messageId } = await ensureDraft(gmail, { key: doc.documentNumber, raw, threadId: context?.threadId });
  return messageId;
}

export function createBillingDocumentHandler(makeProvider?: (ctx: Ctx) => AccountingProvider): JobHandler<'billing.document'> {
  const providerFor =
    makeProvider ??
    ((ctx: Ctx) => new GoogleDocsPdfProvider(ctx.google, { estimate: ctx.config.estimateTemplateDocId, invoice: ctx.config.invoiceTemplateDocId }));

  async function run(ctx: Ctx): Promise<BillingDocumentResult> {
    const { input, config, google, job } = ctx;
    const today = isoDateIn(config.timezone, new Date(job.createdAt));
    const issueDate = input.issueDate ?? today;
    if (!isIsoDate(issueDate)) throw badInput(`発行日 ${issueDate} は存在しない日付です。`, `Issue date ${issueDate} is not a real date.`);
    const dueDate = input.dueDate ?? (input.type === 'invoice' ? endOfNextMonth(issueDate) : addDays(issueDate, 30));
    if (!isIsoDate(dueDate)) throw badInput(`期日 ${dueDate} は存在しない日付です。`, `Due date ${dueDate} is not a real date.`);
    if (dueDate < issueDate) throw badInput(`期日 ${dueDate} が発行日 ${issueDate} より前です。`, `Due date ${dueDate} is before the issue date ${issueDate}.`);
    const ledger = new SheetTable(google.sheets, config.ledgerSpreadsheetId, LEDGER, 'TASUKI_LEDGER_SPREADSHEET_ID');
    const total = 6;

    const project = await ctx.step('project', async () => {
      const row = await ledger.findRow('projectNumber', input.projectNumber);
      if (row === null) throw projectNotFound(input.projectNumber);
      const values = (await ledger.readRows()).find((r) => r.row === row)!.values;
      const folder = await projectFolder(ctx, ledger, row, values);
      return { row, client: values.client, clientEmail: values.clientEmail, title: values.title, amount: values.amount, folderId: folder.id, folderUrl: folder.url };
    });
    await ctx.progress(1, total, `${input.projectNumber} ${project.client}`);

    const items =
      input.items ??
      (() => {
        const amount = Number(String(project.amount).replace(/[¥,\s]/g, ''));
        if (!project.amount || !Number.isInteger(amount) || amount < 0) {
          throw badInput(
            `明細が指定されておらず、台帳の ${input.projectNumber} に金額がありません。明細を指定するか、台帳の金額を入力してください。`,
            `No items were given and the ledger row of ${input.projectNumber} has no amount. Give items or fill in the amount.`,
          );
        }
        return [{ description: project.title, quantity: 1, unitPrice: amount }];
      })();
    const totals = computeTotals(items, config.taxRatePercent, config.taxRounding);

    const documentNumber = await ctx.step('number', () =>
      claimLedgerNumber(
        { store: ctx.store, sheets: google.sheets, ledgerSpreadsheetId: config.ledgerSpreadsheetId },
        { prefix: input.type === 'estimate' ? 'E' : 'I', year: issueDate.slice(0, 4), owner: job.id },
      ),
    );
    await ctx.progress(2, total, documentNumber);

    const provider = providerFor(ctx);
    let stepsDone = 2;
    const issued = await provider.issue(
      {
        type: input.type,
        documentNumber,
        projectNumber: input.projectNumber,
        client: { name: project.client, email: project.clientEmail || undefined },
        title: project.title,
        totals,
        issueDate,
        dueDate,
        folderId: project.folderId,
        jobId: job.id,
      },
      async (name, fn) => {
        const out = await ctx.step(`${provider.id}:${name}`, fn);
        await ctx.progress(++stepsDone, total, say(ctx, { doc: '文書を作成', fill: '内容を記入', pdf: 'PDF を保存' }[name] ?? name, { doc: 'Document created', fill: 'Document filled', pdf: 'PDF saved' }[name] ?? name));
        return out;
      },
    );

    await ctx.step('ledger', async () => {
      // Re-find the row: rows above may have been inserted by hand since step 1.
      const row = (await ledger.findRow('projectNumber', input.projectNumber)) ?? project.row;
      await ledger.updateRow(row, input.type === 'estimate' ? { estimate: documentNumber } : { invoice: documentNumber });
      return row;
    });
    await ctx.progress(total, total, say(ctx, '台帳を更新しました', 'Ledger updated'));

    const draftMessageId = input.emailDraft
      ? await ctx.step('draft', () =>
          saveDraft(ctx, { documentNumber, title: project.title, client: project.client, clientEmail: project.clientEmail, pdfFileId: issued.pdfFileId, totals, dueDate }),
        )
      : undefined;

    return {
      documentNumber,
      docId: issued.docId,
      pdfFileId: issued.pdfFileId,
      pdfUrl: issued.pdfUrl,
      subtotal: totals.subtotal,
      tax: totals.tax,
      total: totals.total,
      links: [...issued.links, { title: `${input.projectNumber} フォルダ Folder`, url: project.folderUrl }],
      ...(draftMessageId ? { draftMessageId } : {}),
    };
  }

  return { kind: 'billing.document', input: BillingDocumentInput, run };
}

export const billingDocument = createBillingDocumentHandler();
