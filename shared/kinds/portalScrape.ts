/** `portal.scrape`: pull new orders from a configured client portal into the intake list. */
import * as z from '../zod.js';

export const PortalScrapeInput = z.strictObject({
  portal: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a configured portal id like acme')),
});
export type PortalScrapeInput = z.infer<typeof PortalScrapeInput>;

export const PortalScrapeResult = z.object({
  portal: z.string(),
  fetched: z.number().check(z.int()),
  added: z.number().check(z.int()),
  skipped: z.number().check(z.int()),
  intakeIds: z.array(z.string()),
});
export type PortalScrapeResult = z.infer<typeof PortalScrapeResult>;
