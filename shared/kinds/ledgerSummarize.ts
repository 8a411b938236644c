/** `ledger.summarize` and `ledger.search`: the summary database of past requests. */
import * as z from 'zod';
import { IsoMonth, Link } from './common.js';

export const LedgerSummarizeInput = z
  .object({
    client: z.string().trim().min(1).max(200).optional(),
    from: IsoMonth.optional(),
    to: IsoMonth.optional(),
  })
  .strict();
export type LedgerSummarizeInput = z.infer<typeof LedgerSummarizeInput>;

export const SummaryRow = z.object({
  client: z.string(),
  month: IsoMonth,
  count: z.number().int(),
  amount: z.number().int(),
  medianLeadDays: z.number().nullable(),
});
export type SummaryRow = z.infer<typeof SummaryRow>;

export const LedgerSummarizeResult = z.object({
  rows: z.array(SummaryRow),
  chartUrl: z.string().optional(),
  links: z.array(Link),
});
export type LedgerSummarizeResult = z.infer<typeof LedgerSummarizeResult>;

export const LedgerSearchInput = z
  .object({ words: z.string().trim().min(1, 'give at least one word to search for').max(200) })
  .strict();
export type LedgerSearchInput = z.infer<typeof LedgerSearchInput>;

export const LedgerSearchResult = z.object({
  matches: z.array(
    z.object({
      projectNumber: z.string(),
      client: z.string(),
      title: z.string(),
      requestedAt: z.string().optional(),
      url: z.string().optional(),
    }),
  ),
});
export type LedgerSearchResult = z.infer<typeof LedgerSearchResult>;
