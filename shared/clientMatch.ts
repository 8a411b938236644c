/**
 * `GET /v1/clients/match?name=&company=&email=` (service/routes/clients.ts): which client of the
 * office's directory (Ledger + Clients sheet) a request's sender is, so the Gmail card can show
 * the matched client and let the user pick another or confirm a new one.
 */
import * as z from 'zod';

export const ClientMatchQuery = z
  .object({
    name: z.string().trim().max(200).optional(),
    company: z.string().trim().max(200).optional(),
    email: z.string().trim().max(320).optional(),
  })
  .strict()
  .refine((q) => q.name || q.company || q.email, 'give a name, company or email');
export type ClientMatchQuery = z.infer<typeof ClientMatchQuery>;

export const ClientMatchResponse = z.object({
  /** The directory's client, and what matched: the mail domain, its name, or one of its aliases. */
  match: z.object({ name: z.string(), by: z.enum(['domain', 'name', 'alias']) }).nullable(),
  /** Other clients the user may mean (similar names, same domain), best first, at most 5. */
  candidates: z.array(z.string()),
});
export type ClientMatchResponse = z.infer<typeof ClientMatchResponse>;
