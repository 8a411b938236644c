/**
 * Which document a typed `/invoice … reissue <reason>` (or `/estimate …`, `再発行` for `reissue`)
 * replaces, so the reissue carries the number the person means, as the card's Reissue… does:
 *
 *   /invoice P-2026-013 reissue 金額訂正              the project's invoice this person last saw
 *   /invoice P-2026-013 reissue I-2026-010 金額訂正   that number
 *   /invoice I-2026-010 reissue 金額訂正              that number, its project from their jobs
 *
 * "Last saw" is read from the person's own recent jobs (GET /v1/jobs?mine=1, newest first): the
 * newest billing.document job of that project and type that ended with a number (issued,
 * reissued, or found existing). If that document was replaced since by someone else, the service
 * shows the newer one instead of voiding it (the `replaces` guard). Refusals, in the person's
 * language, name what to type instead: none of their jobs shows the project's document (a
 * colleague issued it, or it predates tasuki) → give the number; a job of theirs is still making
 * it → wait for it; a number of the other type → the other command; a bare number none of their
 * jobs knows → give the project number too.
 *
 * Contract: `parseTypedReissue` returns undefined when the arguments are not a reissue (the
 * caller handles `/invoice P-…` and usage); otherwise the target and the reason, or throws a
 * UserFacingError. Reads jobs only when the number must be found.
 */
import type { JobView } from '../../shared/job.js';
import { DOCUMENT_NUMBER, documentTypeOf } from '../../shared/kinds/billingDocument.js';
import { DOCUMENT_TYPE_NAMES } from '../../shared/kinds/billingDocumentTexts.js';
import { ProjectNumber } from '../../shared/kinds/common.js';
import type { Locale } from '../../shared/locale.js';
import { shortRef } from '../../shared/cards/jobDisplay.js';
import { UserFacingError } from '../errors.js';
import { t } from '../i18n.js';
import type { ReissueTarget } from '../reissueRequest.js';
import { listMyJobs } from '../serviceClient.js';

const KEYWORD = /^(reissue|再発行)$/i;
const RECENT_JOBS = 100;

type DocType = ReissueTarget['type'];
type Args = { type: DocType; command: string; locale: Locale };

function record(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** The person's billing.document jobs of this type, newest first, with what they were about. */
function documentJobs(type: DocType): Array<{ job: JobView; project: string; number?: string; replaced?: string }> {
  return listMyJobs(RECENT_JOBS)
    .filter((job) => job.kind === 'billing.document' && record(job.input).type === type)
    .map((job) => {
      const input = record(job.input);
      const result = record(job.result);
      const number = typeof result.documentNumber === 'string' && job.status === 'succeeded' ? result.documentNumber : undefined;
      const replaced = typeof result.voidedNumber === 'string' ? result.voidedNumber : undefined;
      return { job, project: String(input.projectNumber ?? ''), ...(number ? { number } : {}), ...(replaced ? { replaced } : {}) };
    });
}

/** `/invoice P-2026-013 reissue <番号> <理由>` in the person's words, for refusals. */
function example(a: Args, project: string, number?: string): string {
  return `\`${a.command} ${project} ${t(a.locale, 'reissueKeyword')} ${number ?? t(a.locale, 'reissueArgNumber')} ${t(a.locale, 'reissueArgReason')}\``;
}

function currentNumber(a: Args, project: string): string {
  const document = DOCUMENT_TYPE_NAMES[a.type][a.locale];
  const jobs = documentJobs(a.type).filter((j) => j.project === project);
  const newest = jobs[0];
  if (newest && (newest.job.status === 'queued' || newest.job.status === 'running')) {
    throw new UserFacingError('errReissueBusy', { project, document, ref: shortRef(newest.job.id) });
  }
  const seen = jobs.find((j) => j.number);
  if (!seen?.number) throw new UserFacingError('errReissueWhich', { project, document, example: example(a, project) });
  return seen.number;
}

function projectOf(a: Args, number: string): string {
  const known = documentJobs(a.type).find((j) => j.number === number || j.replaced === number);
  if (!known || !ProjectNumber.safeParse(known.project).success) {
    throw new UserFacingError('errReissueNoProject', { number, example: example(a, 'P-2026-013', number) });
  }
  return known.project;
}

function checkType(a: Args, number: string): void {
  const actual = documentTypeOf(number);
  if (actual && actual !== a.type) {
    throw new UserFacingError('errReissueOtherType', { number, document: DOCUMENT_TYPE_NAMES[actual][a.locale], command: actual === 'estimate' ? '/estimate' : '/invoice' });
  }
}

/**
 * The reissue a typed command asks for, or undefined when it is not one (no `reissue` keyword).
 * A second word that is not the keyword is `'usage'` (the command's usage); the keyword without a
 * reason, or before a word that is neither a project nor a document number, is `'reissueUsage'`
 * (how to type a reissue).
 */
export function parseTypedReissue(type: DocType, command: string, args: string, locale: Locale): { target: ReissueTarget; reason: string } | 'usage' | 'reissueUsage' | undefined {
  const [first = '', keyword, ...rest] = args.trim().split(/\s+/);
  if (!keyword) return undefined;
  if (!KEYWORD.test(keyword)) return 'usage';
  const a: Args = { type, command, locale };
  const head = first.toUpperCase();
  const typedNumber = rest[0] && DOCUMENT_NUMBER.test(rest[0].toUpperCase()) ? rest[0].toUpperCase() : undefined;
  const reason = (typedNumber ? rest.slice(1) : rest).join(' ').trim();
  if (!reason) return 'reissueUsage';
  if (ProjectNumber.safeParse(head).success) {
    if (typedNumber) checkType(a, typedNumber);
    return { target: { type, projectNumber: head, documentNumber: typedNumber ?? currentNumber(a, head) }, reason };
  }
  if (DOCUMENT_NUMBER.test(head) && !typedNumber) {
    checkType(a, head);
    return { target: { type, projectNumber: projectOf(a, head), documentNumber: head }, reason };
  }
  return 'reissueUsage';
}
