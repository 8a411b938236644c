/** `portal.scrape`: pull new orders from a configured client portal into the intake list. */
import * as z from 'zod';

export const PortalScrapeInput = z
  .object({ portal: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a configured portal id like acme') })
  .strict();
export type PortalScrapeInput = z.infer<typeof PortalScrapeInput>;

export const PortalScrapeResult = z.object({
  portal: z.string(),
  fetched: z.number().int(),
  added: z.number().int(),
  skipped: z.number().int(),
  intakeIds: z.array(z.string()),
});
export type PortalScrapeResult = z.infer<typeof PortalScrapeResult>;
