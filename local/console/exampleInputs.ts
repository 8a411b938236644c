/**
 * A ready-to-run example input for every job kind, so a newcomer can press Run on each one. The
 * values fit the sandbox's seeded data (the seeded ledger's projects, the configured portal, the
 * schedule sheet) and every example must pass its kind's schema (checked by a test).
 */
import { JOB_KINDS, type JobKind } from '../../shared/jobKinds.js';

export type KindExample = { kind: JobKind; example: unknown; replyToChat: boolean };

function isoDateInDays(days: number, now: Date): string {
  const d = new Date(now.getTime() + days * 86_400_000);
  return d.toISOString().slice(0, 10);
}

export function exampleInputs(opts: { seededProjectNumber?: string; portal?: string; now?: Date } = {}): KindExample[] {
  const now = opts.now ?? new Date();
  const examples: Record<JobKind, { example: unknown; replyToChat: boolean }> = {
    'system.echo': { example: { message: 'こんにちは、tasuki! Hello from the console.', steps: 3, delayMs: 700 }, replyToChat: true },
    'project.create': {
      example: {
        source: 'console',
        client: { name: '山田 花子', email: 'hanako.yamada@acme.example.jp', company: '株式会社アクメ' },
        title: '春の販促ポスター A1 × 3種',
        due: isoDateInDays(30, now),
        amount: 180000,
      },
      replyToChat: true,
    },
    'schedule.sync': { example: {}, replyToChat: true },
    'billing.document': { example: { type: 'estimate', projectNumber: opts.seededProjectNumber ?? 'P-2026-012' }, replyToChat: true },
    'portal.scrape': { example: { portal: opts.portal ?? 'acme' }, replyToChat: true },
    'ledger.summarize': { example: {}, replyToChat: true },
    'ledger.search': { example: { words: '看板' }, replyToChat: true },
  };
  return (Object.keys(JOB_KINDS) as JobKind[]).map((kind) => ({ kind, ...examples[kind] }));
}
