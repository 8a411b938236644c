/** Small value schemas that several job kinds share. */
import * as z from 'zod';

/** Calendar date without time, as the office means it (Asia/Tokyo by default). */
export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-12-20');
/** Year and month, e.g. 2026-12. */
export const IsoMonth = z.string().regex(/^\d{4}-\d{2}$/, 'must be a month like 2026-12');
/** Project numbers are issued by project.create: P-2026-014. */
export const ProjectNumber = z.string().regex(/^P-\d{4}-\d{3,}$/, 'must look like P-2026-014');
/** Amounts are whole yen. */
export const Yen = z.number().int('must be whole yen').min(0).max(10_000_000_000);

export const Client = z
  .object({
    name: z.string().trim().min(1, 'client name is required').max(200),
    email: z.string().email().optional(),
    company: z.string().max(200).optional(),
  })
  .strict();
export type Client = z.infer<typeof Client>;

export const Link = z.object({ title: z.string(), url: z.string().url() });
export type Link = z.infer<typeof Link>;
