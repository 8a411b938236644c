/**
 * `ledger.search`: `/search <words>` finds past requests.
 *
 * Input: LedgerSearchInput { words } (split on spaces, full-width too; every word must match).
 * Reads: the Ledger sheet (number, client, title, e-mail, status) and the `requests` records
 * project.create keeps in the store (request subject, sender, body text).
 * Writes: nothing but, when asked from Chat, an answer card in the job's reply space (upserted on
 * a client id derived from the job id, so a retry edits the same message).
 * Steps: search (read-only, memoized), answer.
 */
import { formatDate } from '../../shared/text/format.js';
import { LedgerSearchInput, type LedgerSearchResult } from '../../shared/kinds/ledgerSummarize.js';
import type { JobContext, JobHandler } from '../worker/jobHandler.js';
import { clientMessageId, linksCard, upsertChatMessage } from '../workspace/chatMessages.js';
import { readLedgerProjects } from './ledgerSummarize.js';
import { say } from '../workspace/say.js';
import { forChatText } from '../../shared/userText.js';

type Ctx = JobContext<LedgerSearchInput>;
const MAX_MATCHES = 20;

export function searchWords(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().split(/\s+/).filter(Boolean);
}

async function run(ctx: Ctx): Promise<LedgerSearchResult> {
  const { input, job, google } = ctx;
  const words = searchWords(input.words);

  const matches = await ctx.step('search', async () => {
    const requests = new Map((await ctx.store.queryDocs<Record<string, unknown>>('requests')).map((d) => [String(d.data.projectNumber), d.data]));
    const found: LedgerSearchResult['matches'] = [];
    const projects = (await readLedgerProjects(ctx)).sort((a, b) => b.requestedAt.localeCompare(a.requestedAt));
    for (const p of projects) {
      const request = requests.get(p.projectNumber);
      const haystack = [p.projectNumber, p.client, p.clientEmail, p.title, p.status, request?.subject, request?.from, request?.body]
        .filter((v) => typeof v === 'string' && v)
        .join('\n')
        .normalize('NFKC')
        .toLowerCase();
      if (words.every((w) => haystack.includes(w))) {
        found.push({ projectNumber: p.projectNumber, client: p.client, title: p.title, requestedAt: p.requestedAt, ...(p.folderUrl ? { url: p.folderUrl } : {}) });
        if (found.length >= MAX_MATCHES) break;
      }
    }
    return found;
  });
  await ctx.progress(1, 2, say(ctx, `${matches.length} 件見つかりました`, `${matches.length} found`));

  await ctx.step('answer', async () => {
    const space = job.reply?.chat?.space;
    if (!space) return null;
    const ja = ctx.locale === 'ja';
    const label = ja ? '検索' : 'Search';
    const title = `${label}: ${input.words}`;
    const lines = matches.map((m) => `${m.projectNumber} ${m.requestedAt ? formatDate(m.requestedAt, ctx.locale) : ''} ${m.client} — ${m.title}`);
    const card = linksCard({
      cardId: 'search',
      title,
      subtitle: ja ? `${matches.length} 件` : `${matches.length} found`,
      lines: lines.length ? [lines.join('\n')] : [ja ? '見つかりませんでした。' : 'Nothing found.'],
      links: matches.flatMap((m) => (m.url ? [{ title: m.projectNumber, url: m.url }] : [])).slice(0, 5),
    });
    // A search asked privately (reply.chat.viewer) is answered to that person only.
    const viewer = job.reply?.chat?.viewer;
    const { name } = await upsertChatMessage(google.chat, { space, messageId: clientMessageId('ledger.search', job.id), text: `${label}: ${forChatText(input.words)} (${matches.length})`, cardsV2: [card], signal: ctx.signal, ...(viewer ? { viewer } : {}) });
    return name;
  });
  await ctx.progress(2, 2, say(ctx, '完了', 'Done'));
  return { matches };
}

export const ledgerSearch: JobHandler<'ledger.search'> = { kind: 'ledger.search', input: LedgerSearchInput, run };
