/**
 * `ledger.summarize`: the summary database of past requests, and `/summary [client]`'s answer.
 *
 * Input: LedgerSummarizeInput { client?, from?, to? }: client is a client of the directory (any
 * spelling: 山田製菓 = 山田製菓株式会社), else part of a name or e-mail.
 * Reads: the Ledger sheet and the optional Clients sheet (service/clients/clientDirectory.ts):
 * rows are grouped under each client's one name.
 * Writes: `summary` records in the store (one per client and month: count, amount, median lead
 * days request→delivery), mirrored to the Summary sheet (all rows, replaced); a PNG chart of the
 * answer (served at /charts/<id>.png); when asked from Chat, an answer card with the rows and
 * the chart in the job's reply space.
 *
 * Steps:
 * 1. database  records computed from the whole ledger and upserted (compare-and-set per record).
 * 2. sheet     Summary sheet overwritten with the same rows (an overwrite is idempotent).
 * 3. chart     PNG rendered and saved under an id derived from the job (HMAC): a retry overwrites.
 * 4. answer    Chat card upserted on a client id derived from the job id.
 */
import { formatMonth, formatSheetTime } from '../../shared/text/format.js';
import { createHash } from 'node:crypto';
import { LedgerSummarizeInput, type LedgerSummarizeResult, type SummaryRow } from '../../shared/kinds/ledgerSummarize.js';
import { LEDGER, SUMMARY } from '../../shared/sheetLayouts.js';
import { formatYen } from '../billing/tax.js';
import type { Store } from '../store/store.js';
import { buildDirectory, canonicalName, matchClient, readClientsSheet } from '../clients/clientDirectory.js';
import { chartIdFor, saveChart } from '../summary/chartImages.js';
import { byMonth, matchesClient, projectFromLedger, summarize, type LedgerProject } from '../summary/ledgerSummary.js';
import { chartSvg, chartTitle, renderPng } from '../summary/summaryChart.js';
import type { JobContext, JobHandler } from '../worker/jobHandler.js';
import { clientMessageId, linksCard, upsertChatMessage } from '../workspace/chatMessages.js';
import { SheetTable } from '../workspace/sheetTable.js';
import { say } from '../workspace/say.js';
import { forChatText } from '../../shared/userText.js';

type Ctx = JobContext<LedgerSummarizeInput>;

async function upsertRecord(store: Store, row: SummaryRow, updatedAt: string): Promise<void> {
  const id = createHash('sha256').update(`${row.client}\u0000${row.month}`).digest('hex').slice(0, 32);
  const data = { ...row, updatedAt };
  for (;;) {
    const { created, doc } = await store.putIfAbsent('summary', id, data);
    if (created) return;
    const same = doc.data.count === row.count && doc.data.amount === row.amount && doc.data.medianLeadDays === row.medianLeadDays;
    if (same) return;
    if (await store.updateDoc('summary', id, doc.version, data)) return;
  }
}

export async function readLedgerProjects(ctx: JobContext<unknown>): Promise<Array<LedgerProject & { row: number }>> {
  const ledger = new SheetTable(ctx.google.sheets, ctx.config.ledgerSpreadsheetId, LEDGER, 'TASUKI_LEDGER_SPREADSHEET_ID');
  return (await ledger.readRows()).flatMap((r) => {
    const p = projectFromLedger(r.values);
    return p ? [{ ...p, row: r.row }] : [];
  });
}

async function run(ctx: Ctx): Promise<LedgerSummarizeResult> {
  const { input, config, google, job, store } = ctx;
  const updatedAt = new Date(job.createdAt).toISOString();

  const database = await ctx.step('database', async () => {
    const projects = await readLedgerProjects(ctx);
    // One client, one name: rows group under the client directory's name (みどり不動産株式会社 and
    // みどり不動産 are one client), and /summary <client> means the client that name matches.
    const directory = buildDirectory(
      { clientsSheet: await readClientsSheet(google.sheets, config.ledgerSpreadsheetId), ledger: projects },
      config.allowedDomains,
    );
    const grouped = projects.map((p) => ({ ...p, client: canonicalName(directory, p.client) }));
    const rows = summarize(grouped);
    for (const row of rows) await upsertRecord(store, row, updatedAt);
    // Keep what the answer needs: rows plus the e-mails that let "acme" match 株式会社アクメ.
    const emails = new Map<string, string>();
    for (const p of grouped) if (p.clientEmail && !emails.has(p.client)) emails.set(p.client, p.clientEmail);
    const named = input.client ? (matchClient(directory, { name: input.client }, config.allowedDomains).client?.name ?? null) : null;
    return { rows: rows.map((r) => ({ ...r, clientEmail: emails.get(r.client) ?? '' })), client: named };
  });
  const all = database.rows;
  const clientName = database.client ?? input.client;
  await ctx.progress(1, 4, say(ctx, `集計 ${all.length} 件`, `${all.length} summary records`));

  await ctx.step('sheet', async () => {
    const summary = new SheetTable(google.sheets, config.ledgerSpreadsheetId, SUMMARY, 'TASUKI_LEDGER_SPREADSHEET_ID');
    await summary.replaceAll(all.map((r) => ({ client: r.client, month: r.month, count: r.count, amount: r.amount, medianLeadDays: r.medianLeadDays ?? '', updatedAt: formatSheetTime(updatedAt, config.timezone) })));
    return true;
  });
  await ctx.progress(2, 4, say(ctx, 'Summary シートを更新', 'Summary sheet updated'));

  const rows: SummaryRow[] = all
    .filter((r) => !input.client || (database.client ? r.client === database.client : matchesClient(r, input.client)))
    .filter((r) => (!input.from || r.month >= input.from) && (!input.to || r.month <= input.to))
    .map(({ clientEmail: _e, ...r }) => r);

  const chartUrl = await ctx.step('chart', async () => {
    const id = await chartIdFor(store, job.id);
    const title = chartTitle(ctx.locale, clientName);
    await saveChart(store, id, renderPng(chartSvg(byMonth(rows), { title, locale: ctx.locale })), job.id);
    return `${config.serviceUrl}/charts/${id}.png`;
  });
  await ctx.progress(3, 4, say(ctx, 'グラフを作成', 'Chart drawn'));

  const links = [
    { title: say(ctx, '集計シート', 'Summary sheet'), url: `https://docs.google.com/spreadsheets/d/${config.ledgerSpreadsheetId}/edit` },
    { title: say(ctx, 'グラフ', 'Chart'), url: chartUrl },
  ];
  await ctx.step('answer', async () => {
    const space = job.reply?.chat?.space;
    if (!space) return null;
    const ja = ctx.locale === 'ja';
    const totalCount = rows.reduce((s, r) => s + r.count, 0);
    const totalAmount = rows.reduce((s, r) => s + r.amount, 0);
    const label = ja ? '集計' : 'Summary';
    const title = `${label}${clientName ? `: ${clientName}` : ''}`;
    const lines = rows.slice(-12).map((r) => `${formatMonth(r.month, ctx.locale)} ${r.client}: ${r.count}${ja ? '件' : ''} ${formatYen(r.amount)}${r.medianLeadDays !== null ? ` · ${ja ? 'リードタイム中央値' : 'median lead'} ${r.medianLeadDays}${ja ? '日' : 'd'}` : ''}`);
    const card = linksCard({
      cardId: 'summary',
      title,
      subtitle: `${totalCount}${ja ? '件' : ' requests'} · ${formatYen(totalAmount)}`,
      lines: lines.length ? [lines.join('\n')] : [ja ? '該当する依頼はありません。' : 'No matching requests.'],
      imageUrl: chartUrl,
      imageAlt: title,
      links: links.slice(0, 1),
    });
    const { name } = await upsertChatMessage(google.chat, { space, messageId: clientMessageId('ledger.summarize', job.id), text: `${label}${input.client ? `: ${forChatText(input.client)}` : ''} — ${totalCount} / ${formatYen(totalAmount)}`, cardsV2: [card], signal: ctx.signal });
    return name;
  });
  await ctx.progress(4, 4, say(ctx, '完了', 'Done'));

  return { rows, chartUrl, links };
}

export const ledgerSummarize: JobHandler<'ledger.summarize'> = { kind: 'ledger.summarize', input: LedgerSummarizeInput, run };
