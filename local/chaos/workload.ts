/**
 * The chaos suite's jobs: a seeded mix of every job kind, and their enqueueing through the real
 * HTTP API (`POST /v1/jobs`) with ID tokens from the local issuer, as the add-on sends them.
 *
 * Mix (weights): project.create 30, billing.document 25, system.echo 18, schedule.sync 15, and
 * 4 each of ledger.summarize, ledger.search, portal.scrape; with 7 jobs or more each kind occurs
 * at least once. Users alternate between sato@ (ja) and emma@ (en). Reply targets: a Chat space
 * for 90% of jobs (none for the rest, which must still end), spread as an office's are: the
 * requester's direct message with the app (40%), the team space (30%) and the project rooms
 * (30%). (Google allows about one message write per second per space, so a thousand jobs in ten
 * minutes cannot all report into one space; an office's traffic is spread like this.) Each invoice on a
 * seeded project whose ledger row no other job targets also replies into that row's status cell.
 * system.echo jobs sleep up to 4 s over 1–4 steps, some fail retryably once or twice, a few fail
 * permanently (those must end failed, with a message), and one in six of the longer ones is
 * canceled by its requester 1–4 s after it was accepted (it must end canceled, or done if it
 * finished first, and say so). billing.document takes seeded projects, so it never depends on a
 * project.create of the same run; a third of them also save a Gmail draft.
 *
 * Enqueue (and cancel): each job at its seeded arrival time; a refused connection, a 5xx, a 429 or a 401 (the
 * token is valid: a 401 here means the service could not fetch the signing keys) is retried with
 * the same idempotencyKey for up to a minute, as a careful client would; any other 4xx is a
 * rejection, recorded and not retried.
 */
import type { EnqueueRequest } from '../../shared/api.js';
import type { JobKind } from '../../shared/jobKinds.js';
import type { LocalIssuer } from '../issuer.js';
import type { SeededRandom } from './seededRandom.js';

export type PlannedJob = {
  index: number;
  /** Milliseconds after the workload starts. */
  atMs: number;
  user: string;
  request: EnqueueRequest;
  /** The requester cancels the job this long after it was accepted. */
  cancelAfterMs?: number;
};

export type EnqueueOutcome = {
  index: number;
  kind: JobKind;
  jobId?: string;
  tries: number;
  /** Why the tries before the last one failed ("ECONNREFUSED", "503 auth_unavailable", …), counted. */
  errors: Record<string, number>;
  /** Set when the service refused the request for good (4xx other than 401/429), or retries ran out. */
  refused?: string;
  /** For a planned cancel: accepted (200), too late (409: the job had ended), or refused for another reason. */
  cancel?: 'accepted' | 'too-late' | string;
};

export type SeedProject = { projectNumber: string; row: number };

export type ChaosSpaces = { team: string; rooms: string[]; dms: Record<string, string> };

/** The chat space a job of `user` replies into (see the header for the spread). */
function replySpace(rnd: SeededRandom, spaces: ChaosSpaces, user: string): string {
  const r = rnd.next();
  const dm = spaces.dms[user];
  if (dm && r < 0.4) return dm;
  if (spaces.rooms.length && r >= 0.7) return rnd.pick(spaces.rooms);
  return spaces.team;
}

const USERS = [
  { email: 'sato@example.co.jp', locale: 'ja' as const },
  { email: 'emma@example.co.jp', locale: 'en' as const },
];

const WEIGHTS: Array<[JobKind, number]> = [
  ['project.create', 30],
  ['billing.document', 25],
  ['system.echo', 18],
  ['schedule.sync', 15],
  ['ledger.summarize', 4],
  ['ledger.search', 4],
  ['portal.scrape', 4],
];

function pickKind(rnd: SeededRandom): JobKind {
  const total = WEIGHTS.reduce((a, [, w]) => a + w, 0);
  let x = rnd.next() * total;
  for (const [kind, w] of WEIGHTS) {
    if ((x -= w) < 0) return kind;
  }
  return WEIGHTS[0]![0];
}

export function planWorkload(opts: {
  jobs: number;
  spreadMs: number;
  rnd: SeededRandom;
  seed: number;
  /** Where replies go: the team space, project rooms, and each user's direct message with the app. */
  spaces: ChaosSpaces;
  ledgerSpreadsheetId: string;
  projects: SeedProject[];
}): PlannedJob[] {
  const { rnd, projects } = opts;
  if (projects.length === 0) throw new Error('planWorkload: the ledger has no seeded projects for billing.document');
  const usedRows = new Set<number>();
  const planned: PlannedJob[] = [];
  for (let i = 0; i < opts.jobs; i++) {
    const kind = opts.jobs >= WEIGHTS.length && i < WEIGHTS.length ? WEIGHTS[i]![0] : pickKind(rnd);
    const user = USERS[i % USERS.length]!;
    const reply: NonNullable<EnqueueRequest['reply']> = {};
    if (rnd.next() < 0.9) reply.chat = { space: replySpace(rnd, opts.spaces, user.email) };
    let input: unknown;
    let cancelAfterMs: number | undefined;
    switch (kind) {
      case 'project.create':
        input = {
          source: 'console',
          client: { name: rnd.pick(['株式会社カオス', 'Chaos Monkey Ltd.', '混沌デザイン', 'Entropy & Co.']), email: 'client@chaos.example' },
          // Confirmed new clients (project.create refuses unknown clients without it).
          newClient: true,
          title: `カオス案件 chaos ${opts.seed}-${i}`,
          due: `2027-0${rnd.int(1, 9)}-1${rnd.int(0, 9)}`,
          amount: rnd.int(1, 100) * 10_000,
        };
        break;
      case 'billing.document': {
        const project = rnd.pick(projects);
        const type = rnd.next() < 0.5 ? 'estimate' : 'invoice';
        input = { type, projectNumber: project.projectNumber, ...(rnd.next() < 0.33 ? { emailDraft: { to: 'client@chaos.example' } } : {}) };
        if (type === 'invoice' && !usedRows.has(project.row)) {
          usedRows.add(project.row);
          reply.sheet = { spreadsheetId: opts.ledgerSpreadsheetId, sheetName: 'Ledger', row: project.row };
        }
        break;
      }
      case 'system.echo': {
        const r = rnd.next();
        const steps = rnd.int(1, 4);
        const delayMs = rnd.int(0, 4) * 1000;
        input = { message: `chaos ${opts.seed}-${i}`, steps, delayMs, failTimes: r < 0.3 ? rnd.int(1, 2) : 0, failPermanently: r > 0.95 };
        if (steps * delayMs >= 4000 && rnd.next() < 1 / 6) cancelAfterMs = rnd.int(1000, 4000);
        break;
      }
      case 'schedule.sync':
        input = {};
        break;
      case 'ledger.summarize':
        input = rnd.next() < 0.5 ? {} : { client: '株式会社アクメ' };
        break;
      case 'ledger.search':
        input = { words: rnd.pick(['ポスター', 'Menu', 'チラシ', 'chaos']) };
        break;
      case 'portal.scrape':
        input = { portal: 'acme' };
        break;
    }
    planned.push({
      index: i,
      atMs: Math.round(rnd.between(0, opts.spreadMs)),
      user: user.email,
      request: {
        kind,
        input,
        ...(reply.chat || reply.sheet ? { reply } : {}),
        idempotencyKey: `chaos-${opts.seed}-${i}`,
        locale: user.locale,
      },
      ...(cancelAfterMs !== undefined ? { cancelAfterMs } : {}),
    });
  }
  return planned.sort((a, b) => a.atMs - b.atMs);
}

const RETRY_FOR_MS = 60_000;

type Attempt = { ok: true; body: string } | { ok: false; final: boolean; reason: string; detail: string };

/**
 * One user request, tried as a careful client would for up to a minute: refused connections,
 * 5xx, 429, 408 and 401 (the token is valid; a 401 means the service could not check it) are
 * tried again, other 4xx are final. `errors` counts why tries failed.
 */
async function request(opts: { url: string; issuer: LocalIssuer; audience: string; user: string; body: unknown; signal: AbortSignal; errors: Record<string, number> }): Promise<{ tries: number } & Attempt> {
  const deadline = Date.now() + RETRY_FOR_MS;
  for (let tries = 1; ; tries++) {
    let attempt: Attempt;
    try {
      const token = await opts.issuer.mintIdToken({ aud: opts.audience, email: opts.user });
      const res = await fetch(opts.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(opts.body),
        signal: AbortSignal.any([opts.signal, AbortSignal.timeout(15_000)]),
      });
      const text = await res.text();
      const code = /"code"\s*:\s*"([^"]+)"/.exec(text)?.[1];
      attempt = res.ok
        ? { ok: true, body: text }
        : { ok: false, final: res.status >= 400 && res.status < 500 && ![401, 408, 429].includes(res.status), reason: `${res.status}${code ? ` ${code}` : ''}`, detail: `${res.status} ${text.slice(0, 300)}` };
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      attempt = { ok: false, final: false, reason: cause ?? (err instanceof Error ? err.name : 'error'), detail: err instanceof Error ? `${err.name}: ${err.message}${cause ? ` (${cause})` : ''}` : String(err) };
    }
    if (attempt.ok) return { tries, ...attempt };
    opts.errors[attempt.reason] = (opts.errors[attempt.reason] ?? 0) + 1;
    if (attempt.final || opts.signal.aborted) return { tries, ...attempt };
    if (Date.now() > deadline) return { tries, ...attempt, final: true, detail: `gave up after ${tries} tries: ${attempt.detail}` };
    await new Promise((r) => setTimeout(r, Math.min(2000, 200 * tries)));
  }
}

/** Enqueues one planned job (POST /v1/jobs) and, when planned, cancels it later (POST /v1/jobs/:id/cancel). */
export async function enqueueJob(opts: { serviceUrl: string; issuer: LocalIssuer; audience: string; job: PlannedJob; signal: AbortSignal }): Promise<EnqueueOutcome> {
  const { job } = opts;
  const errors: Record<string, number> = {};
  const base = { issuer: opts.issuer, audience: opts.audience, user: job.user, signal: opts.signal, errors };
  const sent = await request({ ...base, url: `${opts.serviceUrl}/v1/jobs`, body: job.request });
  const outcome: EnqueueOutcome = { index: job.index, kind: job.request.kind, tries: sent.tries, errors };
  if (!sent.ok) return { ...outcome, refused: sent.detail };
  outcome.jobId = (JSON.parse(sent.body) as { job: { id: string } }).job.id;
  if (job.cancelAfterMs !== undefined && !opts.signal.aborted) {
    await new Promise((r) => setTimeout(r, job.cancelAfterMs));
    const canceled = await request({ ...base, url: `${opts.serviceUrl}/v1/jobs/${outcome.jobId}/cancel`, body: {} });
    outcome.cancel = canceled.ok ? 'accepted' : canceled.reason.startsWith('409') ? 'too-late' : canceled.detail;
  }
  return outcome;
}
