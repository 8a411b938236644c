/** Small value schemas that several job kinds share. */
import * as z from '../zod.js';

/** Calendar date without time, as the office means it (Asia/Tokyo by default). */
export const IsoDate = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-12-20'));
/** Year and month, e.g. 2026-12. */
export const IsoMonth = z.string().check(z.regex(/^\d{4}-\d{2}$/, 'must be a month like 2026-12'));
/** Project numbers are issued by project.create: P-2026-014. */
export const ProjectNumber = z.string().check(z.regex(/^P-\d{4}-\d{3,}$/, 'must look like P-2026-014'));
/** Amounts are whole yen. */
export const Yen = z.number().check(z.int('must be whole yen'), z.gte(0), z.lte(10_000_000_000));

export const Client = z.strictObject({
  name: z.string().check(z.trim(), z.minLength(1, 'client name is required'), z.maxLength(200)),
  email: z.optional(z.string().check(z.email())),
  company: z.optional(z.string().check(z.maxLength(200))),
});
export type Client = z.infer<typeof Client>;

export const Link = z.object({ title: z.string(), url: z.string().check(z.url()) });
export type Link = z.infer<typeof Link>;
