/**
 * `GET /v1/clients/match?name=&company=&email=` (service/routes/clients.ts): which client of the
 * office's directory (Ledger + Clients sheet) a request's sender is, so the Gmail card can show
 * the matched client and let the user pick another or confirm a new one.
 */
import * as z from './zod.js';

export const ClientMatchQuery = z
  .strictObject({
    name: z.optional(z.string().check(z.trim(), z.maxLength(200))),
    company: z.optional(z.string().check(z.trim(), z.maxLength(200))),
    email: z.optional(z.string().check(z.trim(), z.maxLength(320))),
  })
  .check(z.refine((q) => q.name || q.company || q.email, 'give a name, company or email'));
export type ClientMatchQuery = z.infer<typeof ClientMatchQuery>;

export const ClientMatchResponse = z.object({
  /** The directory's client, and what matched: the mail domain, its name, or one of its aliases. */
  match: z.nullable(z.object({ name: z.string(), by: z.enum(['domain', 'name', 'alias']) })),
  /** Other clients the user may mean (similar names, same domain), best first, at most 5. */
  candidates: z.array(z.string()),
});
export type ClientMatchResponse = z.infer<typeof ClientMatchResponse>;
