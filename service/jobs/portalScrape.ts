/**
 * `portal.scrape`: pull new orders from a client's order portal into the intake list.
 *
 * Input: PortalScrapeInput { portal }: the id of an entry in TASUKI_PORTALS (config.ts
 * PortalConfig). Credentials come from TASUKI_PORTAL_<ID>_USER / _PASSWORD.
 * Reads: the portal over HTTP(S) through the SSRF guard (service/portal/guardedHttp.ts): only the
 * portal's allowed hosts, never private/loopback/link-local addresses, checked on every redirect.
 * Loopback is let through only in local mode with TASUKI_PORTAL_ALLOW_LOOPBACK=true (the demo
 * portal of `npm start`), or by a test's explicit `allowLoopback`; private, link-local and
 * metadata addresses never.
 * Conventional field names in selectors.fields: client, title, due, amount (others are kept too).
 * Writes: an `intake/<intakeId>` record in the store per new order (also the dedupe marker), an
 * Intake sheet row, and a Chat card in the team space with a **Create project** button
 * (ADDON_FUNCTIONS.createProjectFromIntake, parameters intakeId, client, title, due, amount,
 * portal). Orders seen before, by any job, are skipped.
 *
 * Steps:
 * 1. fetch           the scraped orders (read-only; memoized so a retry works on the same list).
 * 2. classify        put-if-absent of `intake/<id>`: created by this job (now or before a crash)
 *                    = new; created by another job = seen, skipped.
 * 3. order:<id>      Intake row keyed by intake id (find before append); Chat card upserted on a
 *                    client id derived from the intake id.
 */
import { createHash } from 'node:crypto';
import { ADDON_FUNCTIONS } from '../../shared/addonFunctions.js';
import { PortalScrapeInput, type PortalScrapeResult } from '../../shared/kinds/portalScrape.js';
import { INTAKE } from '../../shared/sheetLayouts.js';
import { SHEET_TEXTS } from '../../shared/messages.js';
import { isoDateIn } from '../isoDates.js';
import { formatYen } from '../billing/tax.js';
import type { PortalConfig } from '../config.js';
import { credentialsFromEnv, scrapePortal, type ScrapedOrder } from '../portal/portalScraper.js';
import { type JobContext, type JobHandler } from '../worker/jobHandler.js';
import { JobFailure } from '../jobFailure.js';
import { clientMessageId, linksCard, upsertChatMessage } from '../workspace/chatMessages.js';
import { parseSpan } from '../workspace/scheduleDates.js';
import { SheetTable } from '../workspace/sheetTable.js';
import { say } from '../workspace/say.js';
import { forChatText } from '../../shared/userText.js';

type Ctx = JobContext<PortalScrapeInput>;

export type IntakeRecord = {
  intakeId: string;
  portal: string;
  key: string;
  fields: Record<string, string>;
  client: string;
  title: string;
  /** ISO date when the portal's due date could be read, else ''. */
  due: string;
  amount: number | null;
  receivedAt: string;
  status: 'new' | 'project';
  jobId: string;
  projectNumber?: string;
};

/** The intake id of an order: `<portal>-<key>` when the key is id-safe, else `<portal>-h<hash>`. */
export function intakeIdFor(portalId: string, key: string): string {
  return /^[A-Za-z0-9_-]{1,80}$/.test(key) ? `${portalId}-${key}` : `${portalId}-h${createHash('sha256').update(key).digest('hex').slice(0, 20)}`;
}

function normalizeDue(raw: string | undefined, timeZone: string): string {
  if (!raw) return '';
  const parsed = parseSpan(raw, '', timeZone);
  return parsed.ok && 'date' in parsed.span.start ? parsed.span.start.date : '';
}

function normalizeAmount(raw: string | undefined): number | null {
  const digits = (raw ?? '').replace(/[¥￥,円\s]/g, '');
  return /^\d+$/.test(digits) ? Number(digits) : null;
}

function unknownPortal(id: string, configured: PortalConfig[]): JobFailure {
  const list = configured.map((p) => p.id).join(', ') || '—';
  return new JobFailure({
    code: 'unknown_portal',
    retryable: false,
    message: `Portal "${id}" is not configured (configured: ${list}). Add it to TASUKI_PORTALS.`,
    userMessage: {
      ja: `ポータル「${id}」は登録されていません（登録済み: ${list}）。名前を確かめるか、管理者に登録を依頼してください。`,
      en: `The portal "${id}" is not set up (set up: ${list}). Check the name, or ask your administrator to add it.`,
    },
  });
}

export function createPortalScrapeHandler(
  opts: {
    /** Overrides the configuration's TASUKI_PORTAL_ALLOW_LOOPBACK (tests). */
    allowLoopback?: boolean;
    env?: Record<string, string | undefined>;
  } = {},
): JobHandler<'portal.scrape'> {
  async function run(ctx: Ctx): Promise<PortalScrapeResult> {
    const { input, config, google, job, store } = ctx;
    const portal = config.portals.find((p) => p.id === input.portal);
    if (!portal) throw unknownPortal(input.portal, config.portals);
    const receivedAt = isoDateIn(config.timezone, new Date(job.createdAt));
    // config.ts already refuses the switch in production; the mode check keeps it off there regardless.
    const allowLoopback = opts.allowLoopback ?? (config.mode === 'local' && config.portalAllowLoopback === true);

    const orders = await ctx.step('fetch', async () => {
      const { orders } = await scrapePortal(portal, {
        credentials: credentialsFromEnv(portal.id, opts.env ?? process.env),
        allowLoopback,
        signal: ctx.signal,
      });
      return orders;
    });
    await ctx.progress(1, orders.length + 2, say(ctx, `${orders.length} 件取得`, `${orders.length} orders read`));

    const fresh = await ctx.step('classify', async () => {
      const mine: IntakeRecord[] = [];
      for (const order of orders as ScrapedOrder[]) {
        const record: IntakeRecord = {
          intakeId: intakeIdFor(portal.id, order.key),
          portal: portal.id,
          key: order.key,
          fields: order.fields,
          client: order.fields.client || portal.name || portal.id,
          title: order.fields.title || order.key,
          due: normalizeDue(order.fields.due, config.timezone),
          amount: normalizeAmount(order.fields.amount),
          receivedAt,
          status: 'new',
          jobId: job.id,
        };
        const { created, doc } = await store.putIfAbsent('intake', record.intakeId, record);
        if (created || doc.data.jobId === job.id) mine.push(record);
      }
      return mine;
    });
    await ctx.progress(2, fresh.length + 2, say(ctx, `新規 ${fresh.length} 件`, `${fresh.length} new`));

    const intake = new SheetTable(google.sheets, config.ledgerSpreadsheetId, INTAKE, 'TASUKI_LEDGER_SPREADSHEET_ID');
    let done = 2;
    for (const order of fresh) {
      await ctx.step(`order:${order.intakeId}`, async () => {
        const { row } = await intake.appendKeyed('intakeId', {
          intakeId: order.intakeId,
          receivedAt: order.receivedAt,
          portal: order.portal,
          client: order.client,
          title: order.title,
          due: order.due || order.fields.due || '',
          amount: order.amount ?? '',
          status: SHEET_TEXTS.newOrder[config.sheetLocale],
          projectNumber: '',
          jobId: job.id,
        });
        const ja = ctx.locale === 'ja';
        const parameters: Record<string, string> = { intakeId: order.intakeId, client: order.client, title: order.title, portal: order.portal };
        if (order.due) parameters.due = order.due;
        if (order.amount !== null) parameters.amount = String(order.amount);
        const card = linksCard({
          cardId: `intake-${order.intakeId}`.slice(0, 60),
          title: ja ? `新しい発注: ${order.title}` : `New order: ${order.title}`,
          subtitle: `${order.client} — ${portal.name ?? portal.id}`,
          lines: [
            `${ja ? '受付ID' : 'Intake'}: ${order.intakeId}`,
            `${ja ? '納期' : 'Due'}: ${order.due || order.fields.due || '—'}`,
            `${ja ? '金額' : 'Amount'}: ${order.amount !== null ? formatYen(order.amount) : '—'}`,
          ],
          actions: [{ text: ja ? '案件を作成' : 'Create project', function: ADDON_FUNCTIONS.createProjectFromIntake, parameters }],
        });
        const text = `${ja ? '新しい発注' : 'New order'} (${portal.id}): ${forChatText(order.client)} — ${forChatText(order.title)}`;
        await upsertChatMessage(google.chat, { space: config.chatSpace, messageId: clientMessageId('intake', order.intakeId), text, cardsV2: [card], signal: ctx.signal });
        return row;
      });
      await ctx.progress(++done, fresh.length + 2, order.intakeId);
    }

    return { portal: portal.id, fetched: orders.length, added: fresh.length, skipped: orders.length - fresh.length, intakeIds: fresh.map((o) => o.intakeId) };
  }

  return { kind: 'portal.scrape', input: PortalScrapeInput, run };
}

export const portalScrape = createPortalScrapeHandler();
