/** `ledger.summarize` and `ledger.search`: the summary database of past requests. */
import * as z from '../zod.js';
import { IsoMonth, Link } from './common.js';

export const LedgerSummarizeInput = z.strictObject({
  client: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
  from: z.optional(IsoMonth),
  to: z.optional(IsoMonth),
});
export type LedgerSummarizeInput = z.infer<typeof LedgerSummarizeInput>;

export const SummaryRow = z.object({
  client: z.string(),
  month: IsoMonth,
  count: z.number().check(z.int()),
  amount: z.number().check(z.int()),
  medianLeadDays: z.nullable(z.number()),
});
export type SummaryRow = z.infer<typeof SummaryRow>;

export const LedgerSummarizeResult = z.object({
  rows: z.array(SummaryRow),
  chartUrl: z.optional(z.string()),
  links: z.array(Link),
});
export type LedgerSummarizeResult = z.infer<typeof LedgerSummarizeResult>;

export const LedgerSearchInput = z.strictObject({
  words: z.string().check(z.trim(), z.minLength(1, 'give at least one word to search for'), z.maxLength(200)),
});
export type LedgerSearchInput = z.infer<typeof LedgerSearchInput>;

export const LedgerSearchResult = z.object({
  matches: z.array(
    z.object({
      projectNumber: z.string(),
      client: z.string(),
      title: z.string(),
      requestedAt: z.optional(z.string()),
      url: z.optional(z.string()),
    }),
  ),
});
export type LedgerSearchResult = z.infer<typeof LedgerSearchResult>;
