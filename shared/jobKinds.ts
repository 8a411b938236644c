/**
 * Every job kind tasuki knows, with its input and result schemas. Adding a kind starts here:
 * add its schemas under shared/kinds/, list it below, then write service/jobs/<kind>.ts.
 */
import * as z from './zod.js';
import { BillingDocumentInput, BillingDocumentResult } from './kinds/billingDocument.js';
import {
  LedgerSearchInput,
  LedgerSearchResult,
  LedgerSummarizeInput,
  LedgerSummarizeResult,
} from './kinds/ledgerSummarize.js';
import { PortalScrapeInput, PortalScrapeResult } from './kinds/portalScrape.js';
import { ProjectCreateInput, ProjectCreateResult } from './kinds/projectCreate.js';
import { ScheduleSyncInput, ScheduleSyncResult } from './kinds/scheduleSync.js';
import { SystemEchoInput, SystemEchoResult } from './kinds/systemEcho.js';

export const JOB_KINDS = {
  'system.echo': { input: SystemEchoInput, result: SystemEchoResult },
  'project.create': { input: ProjectCreateInput, result: ProjectCreateResult },
  'schedule.sync': { input: ScheduleSyncInput, result: ScheduleSyncResult },
  'billing.document': { input: BillingDocumentInput, result: BillingDocumentResult },
  'portal.scrape': { input: PortalScrapeInput, result: PortalScrapeResult },
  'ledger.summarize': { input: LedgerSummarizeInput, result: LedgerSummarizeResult },
  'ledger.search': { input: LedgerSearchInput, result: LedgerSearchResult },
} as const;

export type JobKind = keyof typeof JOB_KINDS;
export const JobKind = z.enum(Object.keys(JOB_KINDS) as [JobKind, ...JobKind[]]);

export type JobInput<K extends JobKind> = z.output<(typeof JOB_KINDS)[K]['input']>;
export type JobResult<K extends JobKind> = z.output<(typeof JOB_KINDS)[K]['result']>;

export function isJobKind(kind: string): kind is JobKind {
  return Object.prototype.hasOwnProperty.call(JOB_KINDS, kind);
}
