/**
 * The `display` of the job API's answers (shared/api.ts JobDisplay): the job card, its one-line
 * status and whether Retry helps, in the language the request asks for (Accept-Language, else the
 * job's own), with what only the service knows: the queue's attempt limit and the office's time
 * zone. The add-on shows it as it is.
 */
import type { JobDisplay } from '../../shared/api.js';
import { buildJobCard } from '../../shared/cards/jobCard.js';
import { retryOffered, statusText } from '../../shared/cards/jobDisplay.js';
import type { JobRecord } from '../../shared/job.js';
import { localeFrom } from '../../shared/locale.js';
import type { Config } from '../config.js';

/** `asked`: the request's Accept-Language header, if any. */
export function jobDisplayOf(job: JobRecord, asked: string | undefined, config: Pick<Config, 'queueMaxAttempts' | 'timezone'>): JobDisplay {
  const locale = asked ? localeFrom(asked) : job.locale;
  const context = { ...(config.queueMaxAttempts > 0 ? { maxAttempts: config.queueMaxAttempts } : {}), timeZone: config.timezone };
  return { card: buildJobCard(job, context, locale) as Record<string, unknown>, text: statusText(job, locale, context), retry: retryOffered(job) };
}
