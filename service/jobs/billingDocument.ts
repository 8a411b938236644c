/**
 * `billing.document`: a numbered estimate (E-YYYY-NNN) or qualified invoice (I-YYYY-NNN,
 * 適格請求書) for a project, issued ONCE per project and type.
 *
 * Input: BillingDocumentInput: type, projectNumber, optional items (default: one line from the
 * ledger row's title and amount at TASUKI_TAX_RATE_PERCENT), optional issue/due/transaction dates
 * (defaults: the job's day in the office time zone; due = +30 days for an estimate, end of next
 * month for an invoice; transaction date = the ledger's 納品日), optional reissue {reason}.
 *
 * Issued once: a project that already has a document of the type (in tasuki's register, or a
 * number in the ledger's cell from before tasuki) gets that document back with outcome
 * "existing" and a message saying so; nothing new is numbered. `reissue` issues the next number
 * and voids the old one: 取消 with the reason in the register, the Documents sheet and the old
 * document itself. Two jobs for the same project never both issue (documentRegister.ts).
 *
 * Reads: the project's Ledger row; the provider's template. Writes (fields this job owns):
 * - the ledger row's `estimate` or `invoice` cell (the current number), and `folderUrl` only
 *   when the row had no folder (projects from before tasuki: the office's folder found by number,
 *   else one made from the template as project.create makes it, workspace/projectFolder.ts);
 * - the Documents sheet rows of the numbers it issues or voids (documentsSheet.ts);
 * - through the AccountingProvider (TASUKI_BILLING_PROVIDER; the handler knows only the port):
 *   the document and its PDF in the project folder, and with freee the document in freee.
 *
 * Steps (each idempotent on its own; the step record makes a redelivery resume after it):
 * 1. project   ledger row read; folder found or made from the template (tagged), URL written back.
 * 2. claim     issue or show the existing one (documentRegister.claimIssuance).
 * 3. number    claimSequence('estimate-YYYY'|'invoice-YYYY', owner = the issuance id) above the
 *              ledger's highest: the same number for any job that completes this issuance.
 * 4. <provider>:…  the provider's own idempotent steps (doc/fill/pdf, or freee's).
 * 5. register  the register records the number (and the replaced one as void).
 * 6. ledger    the row's estimate/invoice cell set to the number.
 * 7. documents the Documents sheet rows written (new number; old number → 取消).
 * 8. void      (reissue) the old document marked void by the provider that issued it.
 * 9. draft     (when emailDraft is given) a Gmail draft with the PDF in the requester's mailbox,
 *              found by the document number in its subject before one is saved.
 * Tax: per rate (10% / 8%), rounded once per rate per document by TASUKI_TAX_ROUNDING (tax.ts).
 */
import { BillingDocumentInput, type BillingDocumentResult } from '../../shared/kinds/billingDocument.js';
import { alreadyIssuedSummary, issuedSummary, reissuedSummary, taxSummary } from '../../shared/kinds/billingDocumentTexts.js';
import { LEDGER } from '../../shared/sheetLayouts.js';
import { SHEET_TEXTS } from '../../shared/messages.js';
import type { Locale } from '../../shared/locale.js';
import type { AccountingProvider, BillingDraft, IssuedDocument } from '../billing/accountingProvider.js';
import { claimIssuance, currentEntry, readRegister, recordIssued, type Claim, type RegisterEntry } from '../billing/documentRegister.js';
import { upsertDocumentRows, type DocumentRow } from '../billing/documentsSheet.js';
import { requireDraftElements } from '../billing/qualifiedInvoice.js';
import { formatJapaneseDate } from '../billing/japaneseDates.js';
import { addDays, endOfNextMonth, isIsoDate, isoDateIn } from '../isoDates.js';
import { computeTotals, formatYen, type Totals } from '../billing/tax.js';
import { type JobContext, type JobHandler } from '../worker/jobHandler.js';
import { JobFailure } from '../jobFailure.js';
import { getFile, idFromDriveUrl } from '../workspace/driveFiles.js';
import { ensureTemplatedFolder } from '../workspace/projectFolder.js';
import { buildMimeMessage, ensureDraft, replyContext } from '../workspace/gmailDraft.js';
import { callGoogle } from '../workspace/googleCall.js';
import { claimLedgerNumber } from '../workspace/ledgerNumbers.js';
import { parseCell } from '../workspace/scheduleDates.js';
import { SheetTable } from '../workspace/sheetTable.js';
import { say } from '../workspace/say.js';

type Ctx = JobContext<BillingDocumentInput>;

/** The provider for a new document (no id: the configured one) or for one issued by `providerId`. */
export type ProviderFactory = (ctx: Ctx, providerId?: string) => AccountingProvider;

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
  // The same folder project.create makes (the template copied in), or the office's own by number.
  const amount = Number(String(values.amount ?? '').replace(/[^\d.-]/g, ''));
  const folder = await ensureTemplatedFolder(google, {
    projectsFolderId: config.projectsFolderId,
    templateFolderId: config.templateFolderId,
    jobId: job.id,
    values: {
      number: values.projectNumber!,
      client: values.client ?? '',
      title: values.title ?? '',
      due: parseCell(values.due ?? '')?.date,
      requestedAt: parseCell(values.requestedAt ?? '')?.date,
      ...(values.amount && Number.isFinite(amount) ? { amount } : {}),
    },
  });
  if (!folder.templated) ctx.log.info({ folderId: folder.id, templateFolderId: config.templateFolderId }, 'project folder without a template copy (the office\'s own folder, or no readable template)');
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

/** The row of the Documents sheet for an issued document. */
/** The Documents sheet's kind cell, in the office's sheet language. */
function documentKind(type: 'invoice' | 'estimate', locale: Locale): string {
  return (type === 'invoice' ? SHEET_TEXTS.documentInvoice : SHEET_TEXTS.documentEstimate)[locale];
}

function issuedRow(ctx: Ctx, draft: BillingDraft, issued: IssuedDocument, providerId: string): DocumentRow {
  const rate = (r: 10 | 8) => draft.totals.byRate.find((b) => b.rate === r);
  return {
    documentNumber: draft.documentNumber,
    type: documentKind(draft.type, ctx.config.sheetLocale),
    projectNumber: draft.projectNumber,
    recipient: draft.client.name,
    issueDate: draft.issueDate,
    transactionDate: draft.transactionDate ?? '',
    subtotal10: rate(10)?.subtotal ?? '',
    tax10: rate(10)?.tax ?? '',
    subtotal8: rate(8)?.subtotal ?? '',
    tax8: rate(8)?.tax ?? '',
    total: draft.totals.total,
    registrationNumber: draft.type === 'invoice' ? draft.issuer.registrationNumber : '',
    status: SHEET_TEXTS.documentIssued[ctx.config.sheetLocale],
    link: issued.documentUrl,
    provider: providerId,
    jobId: ctx.job.id,
  };
}

function existingResult(ctx: Ctx, entry: RegisterEntry): BillingDocumentResult {
  const { input } = ctx;
  const links = [
    // Titled by what they open: the document in the accounting service, else its PDF.
    ...(entry.documentUrl ? [{ title: `${entry.documentNumber} ${entry.documentUrl !== entry.pdfUrl && entry.provider === 'freee' ? 'freee' : 'PDF'}`, url: entry.documentUrl }] : []),
    ...(entry.pdfUrl && entry.pdfUrl !== entry.documentUrl ? [{ title: `${entry.documentNumber} PDF`, url: entry.pdfUrl }] : []),
    ...(entry.docUrl ? [{ title: `${entry.documentNumber} Doc`, url: entry.docUrl }] : []),
  ].filter((l) => /^https?:\/\//.test(l.url));
  return {
    documentNumber: entry.documentNumber,
    outcome: 'existing',
    summary: say(ctx, alreadyIssuedSummary(input.type, input.projectNumber, entry.documentNumber).ja, alreadyIssuedSummary(input.type, input.projectNumber, entry.documentNumber).en),
    ...(entry.provider ? { provider: entry.provider } : {}),
    ...(entry.docId ? { docId: entry.docId } : {}),
    ...(entry.pdfFileId ? { pdfFileId: entry.pdfFileId } : {}),
    ...(entry.pdfUrl ? { pdfUrl: entry.pdfUrl } : {}),
    ...(entry.accountingId ? { accountingId: entry.accountingId } : {}),
    ...(entry.total !== undefined ? { total: entry.total } : {}),
    links,
  };
}

export function createBillingDocumentHandler(providerFor: ProviderFactory): JobHandler<'billing.document'> {
  async function run(ctx: Ctx): Promise<BillingDocumentResult> {
    const { input, config, google, job } = ctx;
    const today = isoDateIn(config.timezone, new Date(job.createdAt));
    const issueDate = input.issueDate ?? today;
    if (!isIsoDate(issueDate)) throw badInput(`発行日 ${issueDate} は存在しない日付です。`, `Issue date ${issueDate} is not a real date.`);
    const dueDate = input.dueDate ?? (input.type === 'invoice' ? endOfNextMonth(issueDate) : addDays(issueDate, 30));
    if (!isIsoDate(dueDate)) throw badInput(`期日 ${dueDate} は存在しない日付です。`, `Due date ${dueDate} is not a real date.`);
    if (dueDate < issueDate) throw badInput(`期日 ${dueDate} が発行日 ${issueDate} より前です。`, `Due date ${dueDate} is before the issue date ${issueDate}.`);
    if (input.transactionDate && !isIsoDate(input.transactionDate)) {
      throw badInput(`取引日 ${input.transactionDate} は存在しない日付です。`, `Transaction date ${input.transactionDate} is not a real date.`);
    }
    const ledger = new SheetTable(google.sheets, config.ledgerSpreadsheetId, LEDGER, 'TASUKI_LEDGER_SPREADSHEET_ID');
    const total = 8;

    const project = await ctx.step('project', async () => {
      const row = await ledger.findRow('projectNumber', input.projectNumber);
      if (row === null) throw projectNotFound(input.projectNumber);
      const values = (await ledger.readRows()).find((r) => r.row === row)!.values;
      const folder = await projectFolder(ctx, ledger, row, values);
      return {
        row,
        client: values.client.trim(),
        clientEmail: values.clientEmail,
        title: values.title,
        amount: values.amount,
        deliveredAt: parseCell(values.deliveredAt ?? '')?.date ?? '',
        ledgerNumber: (input.type === 'estimate' ? values.estimate : values.invoice).trim(),
        folderId: folder.id,
        folderUrl: folder.url,
      };
    });
    await ctx.progress(1, total, `${input.projectNumber} ${project.client}`);

    /** The document the project already has; a Gmail draft asked for still gets made with it. */
    const showExisting = async (entry: RegisterEntry): Promise<BillingDocumentResult> => {
      await ctx.progress(total, total, entry.documentNumber);
      const result = existingResult(ctx, entry);
      if (!input.emailDraft || !entry.pdfFileId) return result;
      const draftMessageId = await ctx.step('draft', () =>
        saveDraft(ctx, { documentNumber: entry.documentNumber, title: project.title, client: project.client, clientEmail: project.clientEmail, pdfFileId: entry.pdfFileId!, totals: { total: entry.total ?? 0 }, dueDate: entry.dueDate ?? dueDate }),
      );
      return { ...result, draftMessageId };
    };

    // Already issued: say so before judging this request's items and dates (a job that already
    // claimed its issuance, redelivered, goes on to finish it instead).
    if (!input.reissue && !ctx.job.steps.claim) {
      const shown = currentEntry(await readRegister(ctx.store, input.type, input.projectNumber), project.ledgerNumber);
      if (shown) return showExisting(shown);
    }

    const items =
      input.items?.map((i) => ({ ...i, taxRate: i.taxRate ?? config.taxRatePercent })) ??
      (() => {
        const amount = Number(String(project.amount).replace(/[¥,\s]/g, ''));
        if (!project.amount || !Number.isInteger(amount) || amount < 0) {
          throw badInput(
            `明細が指定されておらず、台帳の ${input.projectNumber} に金額がありません。明細を指定するか、台帳の金額を入力してください。`,
            `No items were given and the ledger row of ${input.projectNumber} has no amount. Give items or fill in the amount.`,
          );
        }
        return [{ description: project.title, quantity: 1, unitPrice: amount, taxRate: config.taxRatePercent }];
      })();
    const totals: Totals = computeTotals(items, config.taxRounding);
    const transactionDate = input.transactionDate ?? (project.deliveredAt || undefined);
    const base: BillingDraft = {
      type: input.type,
      documentNumber: '',
      projectNumber: input.projectNumber,
      client: { name: project.client, ...(project.clientEmail ? { email: project.clientEmail } : {}) },
      title: project.title,
      totals,
      issueDate,
      dueDate,
      ...(transactionDate ? { transactionDate } : {}),
      issuer: { name: config.issuerName, address: config.issuerAddress, registrationNumber: config.issuerRegistrationNumber },
      folderId: project.folderId,
      jobId: job.id,
    };
    // A request that cannot make a complete document fails before it claims anything.
    requireDraftElements(base);

    const claim: Claim = await ctx.step('claim', () =>
      claimIssuance(ctx.store, {
        type: input.type,
        projectNumber: input.projectNumber,
        ledgerNumber: project.ledgerNumber,
        jobId: job.id,
        ...(input.reissue ? { reissueReason: input.reissue.reason } : {}),
        ...(input.reissue?.replaces ? { reissueReplaces: input.reissue.replaces } : {}),
      }),
    );
    if (claim.kind === 'existing') return showExisting(claim.entry);

    const documentNumber = await ctx.step('number', () =>
      claimLedgerNumber(
        { store: ctx.store, sheets: google.sheets, ledgerSpreadsheetId: config.ledgerSpreadsheetId },
        { prefix: input.type === 'estimate' ? 'E' : 'I', year: issueDate.slice(0, 4), owner: claim.issuanceId },
      ),
    );
    await ctx.progress(2, total, documentNumber);

    const provider = providerFor(ctx);
    const draft: BillingDraft = { ...base, documentNumber };
    let stepsDone = 2;
    const labels: Record<string, [string, string]> = {
      doc: ['文書を作成', 'Document created'], fill: ['内容を記入', 'Document filled'], pdf: ['PDF を保存', 'PDF saved'],
      partner: ['取引先を確認', 'Partner found'], create: ['会計サービスに作成', 'Created in the accounting service'], read: ['記載内容を確認', 'Checked what it states'],
    };
    const issued = await provider.issue(draft, async (name, fn) => {
      const out = await ctx.step(`${provider.id}:${name}`, fn);
      const [ja, en] = labels[name] ?? [name, name];
      await ctx.progress(Math.min(++stepsDone, total - 1), total, say(ctx, ja, en));
      return out;
    });

    const entry: RegisterEntry = {
      documentNumber,
      generation: claim.generation,
      status: 'issued',
      provider: provider.id,
      jobId: job.id,
      issueDate,
      dueDate,
      docId: issued.docId,
      docUrl: issued.docUrl,
      pdfFileId: issued.pdfFileId,
      pdfUrl: issued.pdfUrl,
      documentUrl: issued.documentUrl,
      ...(issued.accountingId ? { accountingId: issued.accountingId } : {}),
      total: totals.total,
    };
    const replaced = claim.replaces;
    await ctx.step('register', async () => {
      await recordIssued(ctx.store, {
        type: input.type,
        projectNumber: input.projectNumber,
        entry,
        ...(replaced ? { voids: { documentNumber: replaced.documentNumber, reason: claim.reason!, at: today, ...(replaced.legacy ? { legacyEntry: replaced } : {}) } } : {}),
      });
      return true;
    });

    await ctx.step('ledger', async () => {
      // Re-find the row: rows above may have been inserted by hand since step 1.
      const row = (await ledger.findRow('projectNumber', input.projectNumber)) ?? project.row;
      await ledger.updateRow(row, input.type === 'estimate' ? { estimate: documentNumber } : { invoice: documentNumber });
      return row;
    });
    await ctx.progress(total - 1, total, say(ctx, '台帳を更新しました', 'Ledger updated'));

    await ctx.step('documents', async () => {
      const rows: DocumentRow[] = [issuedRow(ctx, draft, issued, provider.id)];
      if (replaced) {
        rows.push({
          documentNumber: replaced.documentNumber,
          ...(replaced.legacy ? { type: documentKind(input.type, ctx.config.sheetLocale), projectNumber: input.projectNumber, recipient: project.client } : {}),
          status: SHEET_TEXTS.documentVoid[ctx.config.sheetLocale],
          voidReason: claim.reason!,
          replacedBy: documentNumber,
        });
      }
      await upsertDocumentRows(google.sheets, config.ledgerSpreadsheetId, rows);
      return true;
    });

    if (replaced && !replaced.legacy) {
      const voider = providerFor(ctx, replaced.provider);
      await voider.void(
        {
          type: input.type,
          documentNumber: replaced.documentNumber,
          reason: claim.reason!,
          replacedBy: documentNumber,
          date: today,
          ...(replaced.docId ? { docId: replaced.docId } : {}),
          ...(replaced.pdfFileId ? { pdfFileId: replaced.pdfFileId } : {}),
          ...(replaced.accountingId ? { accountingId: replaced.accountingId } : {}),
        },
        (name, fn) => ctx.step(`${voider.id}:${name}`, fn),
      );
    }
    await ctx.progress(total, total, documentNumber);

    const draftMessageId = input.emailDraft
      ? await ctx.step('draft', () =>
          saveDraft(ctx, { documentNumber, title: project.title, client: project.client, clientEmail: project.clientEmail, pdfFileId: issued.pdfFileId, totals, dueDate }),
        )
      : undefined;

    const summary = replaced ? reissuedSummary(input.type, documentNumber, replaced.documentNumber, claim.reason!) : issuedSummary(input.type, documentNumber, project.client, totals.total);
    const rates = taxSummary(totals.byRate);
    return {
      documentNumber,
      outcome: 'issued',
      summary: say(ctx, summary.ja, summary.en),
      taxSummary: say(ctx, rates.ja, rates.en),
      provider: provider.id,
      docId: issued.docId,
      pdfFileId: issued.pdfFileId,
      pdfUrl: issued.pdfUrl,
      ...(issued.accountingId ? { accountingId: issued.accountingId } : {}),
      ...(input.type === 'invoice' ? { registrationNumber: config.issuerRegistrationNumber } : {}),
      recipient: project.client,
      ...(transactionDate ? { transactionDate } : {}),
      byRate: totals.byRate.map(({ rate, reduced, subtotal, tax }) => ({ rate, reduced, subtotal, tax })),
      subtotal: totals.subtotal,
      tax: totals.tax,
      total: totals.total,
      ...(replaced ? { voidedNumber: replaced.documentNumber } : {}),
      links: [...issued.links, { title: `${input.projectNumber} フォルダ Folder`, url: project.folderUrl }],
      ...(draftMessageId ? { draftMessageId } : {}),
    };
  }

  return { kind: 'billing.document', input: BillingDocumentInput, run };
}
