/**
 * The zod API the schemas the add-on compiles (api.ts, job.ts, jobKinds.ts, locale.ts,
 * clientMatch.ts, kinds/*) are written with: zod/mini, zod 4's functional API
 * (`z.optional(s)`, `s.check(z.minLength(1))` instead of `s.optional()`, `s.min(1)`).
 *
 * Why: classic zod's schemas carry every method on every instance, so a bundler keeps all of
 * them; in the Apps Script bundle that was ~81 KB of its 150 KB budget. zod/mini builds the same
 * zod/v4/core schemas (same parsing, same issues, same messages), and only what is used is
 * bundled. The service keeps using classic zod around these schemas: a mini schema nests in a
 * classic one (`z.object({ reply: ReplyTarget })`), and `z.optional(ReplyTarget)` replaces
 * `ReplyTarget.optional()`. Parsing with them gives the same results and issues as before.
 *
 * zod/mini installs no locale of its own (every issue would read "Invalid input"); classic zod
 * installs English on first use. English is installed here, so the service and tests that load
 * only these schemas give the same messages as before. (The add-on's build swaps these English
 * texts for one generic text, scripts/build-addon.ts: it names fields from issue paths in the
 * user's language and only logs zod's messages.)
 */
import { en } from 'zod/locales';
import { config } from 'zod/mini';

config(en());

export * from 'zod/mini';
