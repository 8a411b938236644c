/**
 * One abuse run (issue 10): the local stack with the service in this process (sandbox, Cloud
 * Tasks emulator, demo portal, SQLite store, all on 127.0.0.1), attacked the way a curious staff
 * member with `curl` would, then judged from the answers, the job store and the sandbox's state:
 *
 * 1. malformed bodies on /v1/jobs (valid user token) and /tasks/run (valid invoker token):
 *    every answer a 4xx, no 5xx, nothing recorded;
 * 2. the forged-token matrix (forgedTokens.ts) on both doors, repeated: none accepted, each with
 *    the 401/403 it must get;
 * 3. cross-user access: another user's job by id, retry, cancel and the list: all 404 / absent;
 * 4. reply targets the user may not use: a colleague's DM, spaces they (or the app) are not in,
 *    a thread of another space, foreign spreadsheets and calendars: none accepted or recorded;
 * 5. injection strings in every user field of the job kinds and in portal data, run through the
 *    worker: none may become markup in Chat text, cards, sheets or Drive names (injection.ts);
 * 6. SSRF attempts, direct and through redirects (ssrf.ts): none reached, no socket to them.
 *
 * Across the whole run every connection this process makes is watched (socketWatch.ts): any that
 * is not to loopback fails the run; at the end, every Chat message the app wrote outside the team
 * spaces must be a job's reply in a space its requester is a member of.
 *
 * `requests` is the HTTP budget: the fixed phases take what they need and malformed bodies fill
 * the rest (`npm run abuse` sends ≥ 10,000; `npm test` a few hundred).
 */
import { join } from 'node:path';
import { TERMINAL_STATUSES, type JobRecord } from '../../shared/job.js';
import { portalCredentialVariables } from '../../service/config.js';
import { DEMO_PORTAL_CREDENTIALS, DEMO_PORTAL_ID } from '../demo-portal/portalSite.js';
import { LOCAL_ISSUER, LocalIssuer } from '../issuer.js';
import { startInProcessStack, type InProcessStack } from '../inProcessStack.js';
import type { ChatMessage, StoredSpace } from '../sandbox/chatApi.js';
import { SEED_IDS, SEED_USERS } from '../sandbox/seedData.js';
import { seededRandom, type SeededRandom } from '../chaos/seededRandom.js';
import { forgedTokens } from './forgedTokens.js';
import { INJECTION_STRINGS, scanForMarkup, type MarkupFound } from './injection.js';
import { malformedJobBody, malformedTaskBody, type MalformedBody } from './malformedBodies.js';
import { watchSockets } from './socketWatch.js';
import { trySsrf } from './ssrf.js';

export type AbuseOptions = {
  /** HTTP requests to send in all (malformed bodies fill what the other phases leave). */
  requests: number;
  seed: number;
  /** Requests in flight at once (default 16). */
  concurrency?: number;
  /** project.create jobs carrying injection strings (default: one per 4 strings, at least 2). */
  injectionJobs?: number;
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
};

type Counts = { tried: number; accepted: number; fiveHundreds: number };

export type AbuseSummary = {
  ok: boolean;
  /** The numbers that must be zero (and how much was tried), over every phase. */
  totals: { tried: number; accepted: number; fiveHundreds: number; jobsRecorded: number; forbiddenConnections: number; postsToForeignSpaces: number; injectionsBecameMarkup: number };
  seed: number;
  durationMs: number;
  requests: number;
  malformedBodies: Counts & { jobs: number; tasks: number; recorded: number; byStatus: Record<string, number>; examples: string[] };
  forgedTokens: Counts & { cases: number; wrongAnswers: string[]; recorded: number };
  crossUser: Counts & { leakedInList: number };
  foreignTargets: Counts & { recorded: number; postsToForeignSpaces: string[] };
  injection: { strings: number; jobs: number; failedJobs: string[]; becameMarkup: number; found: MarkupFound[] };
  ssrf: { tried: number; refused: number; reached: string[]; forbiddenConnections: string[] };
  connections: { made: number; notLoopback: string[] };
};

type Answer = { status: number; json: { error?: { code?: string }; job?: { id?: string }; jobs?: Array<{ id: string }> } | null };

export async function runAbuse(opts: AbuseOptions): Promise<AbuseSummary> {
  const started = Date.now();
  const log = opts.log ?? (() => {});
  const rnd = seededRandom(opts.seed);
  const watch = watchSockets();
  let stack: InProcessStack | undefined;
  try {
    stack = await startInProcessStack({ prefix: 'tasuki-abuse-', chatLimits: { chatWriteIntervalMs: 0 } });
    return await attack(stack, opts, rnd, log, watch, started);
  } finally {
    await stack?.close();
    watch.stop();
  }
}

async function attack(stack: InProcessStack, opts: AbuseOptions, rnd: SeededRandom, log: (line: string) => void, watch: ReturnType<typeof watchSockets>, started: number): Promise<AbuseSummary> {
  const { config, issuer, sandbox } = stack;
  const store = stack.deps.store;
  const base = stack.serviceUrl;
  const concurrency = opts.concurrency ?? 16;
  let sent = 0;
  const userToken = (email: string) => issuer.mintIdToken({ aud: config.scriptClientId, email });
  const invokerToken = await issuer.mintIdToken({ aud: config.serviceUrl, email: config.invokerServiceAccount });

  async function send(method: string, path: string, authorization: string | undefined, body?: MalformedBody | object): Promise<Answer> {
    sent++;
    const headers: Record<string, string> = {};
    if (authorization) headers.authorization = authorization;
    let payload: string | Buffer | undefined;
    if (body && 'how' in body && 'body' in body) {
      if (body.contentType) headers['content-type'] = body.contentType;
      payload = body.body;
    } else if (body) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await fetch(`${base}${path}`, { method, headers, body: typeof payload === 'string' || payload === undefined ? payload : new Uint8Array(payload) });
    const text = await res.text();
    let json: Answer['json'] = null;
    try {
      json = JSON.parse(text) as Answer['json'];
    } catch {
      // not JSON: counted by status alone
    }
    return { status: res.status, json };
  }

  async function pool<T>(items: T[], fn: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }));
  }

  const jobsOf = async (email: string) => store.listJobs({ requestedBy: email, limit: 100_000 });
  const count = (answer: Answer, c: Counts) => {
    c.tried++;
    if (answer.status >= 500) c.fiveHundreds++;
    if (answer.status >= 200 && answer.status < 300) c.accepted++;
  };

  // 2. Forged tokens (first: its size fixes the malformed budget).
  log('forged tokens');
  const forgedUser = 'abuse-forged@example.co.jp';
  const stranger = LocalIssuer.open(join(stack.dataDir, 'stranger'));
  const setting = { issuer, stranger, issuerId: LOCAL_ISSUER, scriptClientId: config.scriptClientId, serviceUrl: config.serviceUrl, invokerServiceAccount: config.invokerServiceAccount, user: forgedUser };
  const victim = await send('POST', '/v1/jobs', `Bearer ${await userToken('abuse-victim@example.co.jp')}`, { kind: 'system.echo', input: { message: 'victim' } });
  const victimTask = { jobId: victim.json?.job?.id ?? 'j-none', generation: 1 };
  const forged: AbuseSummary['forgedTokens'] = { tried: 0, accepted: 0, fiveHundreds: 0, cases: 0, wrongAnswers: [], recorded: 0 };
  const rounds = Math.max(1, Math.min(20, Math.floor(opts.requests / 2000)));
  for (let round = 0; round < rounds; round++) {
    const cases = await forgedTokens(setting);
    forged.cases = cases.length;
    await pool(cases, async (c) => {
      const answers = c.door === 'jobs'
        ? [await send('POST', '/v1/jobs', c.authorization, { kind: 'system.echo', input: { message: c.name } }), await send('GET', '/v1/jobs?mine=1', c.authorization)]
        : [await send('POST', '/tasks/run', c.authorization, victimTask)];
      for (const a of answers) {
        count(a, forged);
        if (a.status !== c.status || a.json?.error?.code !== c.code) forged.wrongAnswers.push(`${c.door} ${c.name}: ${a.status} ${a.json?.error?.code ?? ''}`);
      }
    });
  }
  forged.recorded = (await jobsOf(forgedUser)).length;
  forged.wrongAnswers = [...new Set(forged.wrongAnswers)];

  // 3. Cross-user access.
  log('cross-user access');
  const owner = 'abuse-owner@example.co.jp';
  const intruderAuth = `Bearer ${await userToken('abuse-intruder@example.co.jp')}`;
  const ownerAuth = `Bearer ${await userToken(owner)}`;
  const ownJobs: string[] = [];
  for (let i = 0; i < 5; i++) {
    const a = await send('POST', '/v1/jobs', ownerAuth, { kind: 'system.echo', input: { message: `owner ${i}`, failPermanently: i % 2 === 0 } });
    if (a.json?.job?.id) ownJobs.push(a.json.job.id);
  }
  const cross: AbuseSummary['crossUser'] = { tried: 0, accepted: 0, fiveHundreds: 0, leakedInList: 0 };
  for (const id of [...ownJobs, victimTask.jobId]) {
    for (const [method, path] of [['GET', `/v1/jobs/${id}`], ['POST', `/v1/jobs/${id}/retry`], ['POST', `/v1/jobs/${id}/cancel`]] as const) {
      count(await send(method, path, intruderAuth, method === 'POST' ? {} : undefined), cross);
    }
  }
  const listed = await send('GET', '/v1/jobs?mine=1&limit=100', intruderAuth);
  cross.tried++;
  cross.leakedInList = (listed.json?.jobs ?? []).filter((j) => ownJobs.includes(j.id) || j.id === victimTask.jobId).length;

  // 4. Reply targets the user may not use.
  log('foreign reply targets');
  const sato = SEED_USERS.sato.email;
  const emma = SEED_USERS.emma.email;
  const office = 'office@example.co.jp';
  const outsider = 'abuse-outsider@example.co.jp';
  const foreignCases: Array<[string, object]> = [
    [emma, { kind: 'system.echo', input: { message: 'dm' }, reply: { chat: { space: SEED_IDS.chatDmSpace } } }],
    [office, { kind: 'ledger.search', input: { words: 'x' }, reply: { chat: { space: SEED_IDS.chatDmSpace } } }],
    [outsider, { kind: 'system.echo', input: { message: 'dm' }, reply: { chat: { space: SEED_IDS.chatDmSpace } } }],
    [outsider, { kind: 'system.echo', input: { message: 'lounge' }, reply: { chat: { space: SEED_IDS.chatOtherSpace } } }],
    [sato, { kind: 'system.echo', input: { message: 'lounge' }, reply: { chat: { space: SEED_IDS.chatOtherSpace } } }],
    [sato, { kind: 'system.echo', input: { message: 'nowhere' }, reply: { chat: { space: 'spaces/AAAAnoSuchSpace' } } }],
    [sato, { kind: 'system.echo', input: { message: 'thread' }, reply: { chat: { space: config.chatSpace, thread: `${SEED_IDS.chatDmSpace}/threads/t1` } } }],
    [emma, { kind: 'system.echo', input: { message: 'sheet' }, reply: { sheet: { spreadsheetId: 'someone-elses-sheet', sheetName: 'Ledger', row: 2 } } }],
    [emma, { kind: 'schedule.sync', input: { spreadsheetId: 'someone-elses-sheet' } }],
    [emma, { kind: 'schedule.sync', input: { calendarId: 'ceo@example.co.jp' } }],
  ];
  const foreignUsers = [sato, emma, office, outsider];
  const foreignBefore = new Map(await Promise.all(foreignUsers.map(async (u) => [u, (await jobsOf(u)).length] as const)));
  const foreign: AbuseSummary['foreignTargets'] = { tried: 0, accepted: 0, fiveHundreds: 0, recorded: 0, postsToForeignSpaces: [] };
  const tokens = new Map(await Promise.all(foreignUsers.map(async (u) => [u, `Bearer ${await userToken(u)}`] as const)));
  const foreignRounds = Math.max(1, Math.min(50, Math.floor(opts.requests / 1000)));
  await pool(Array.from({ length: foreignRounds }, (_, r) => r), async (r) => {
    for (const [user, body] of foreignCases) count(await send('POST', '/v1/jobs', tokens.get(user), { ...body, locale: r % 2 ? 'en' : 'ja' }), foreign);
  });
  for (const u of foreignUsers) foreign.recorded += (await jobsOf(u)).length - foreignBefore.get(u)!;

  // 5. Injection strings in every user field, through the worker.
  log('injection');
  const since = new Date().toISOString();
  const strings = INJECTION_STRINGS;
  const satoAuth = tokens.get(sato)!;
  const at = (i: number) => strings[i % strings.length]!;
  const injectionJobs = opts.injectionJobs ?? Math.max(2, Math.ceil(strings.length / 4));
  const injected: string[] = [];
  const enqueue = async (body: object) => {
    const a = await send('POST', '/v1/jobs', satoAuth, body);
    if (a.json?.job?.id) injected.push(a.json.job.id);
  };
  // The service runs in this process, which reads portal credentials from its environment.
  const credentials = portalCredentialVariables(DEMO_PORTAL_ID);
  process.env[credentials.user] ??= DEMO_PORTAL_CREDENTIALS.user;
  process.env[credentials.password] ??= DEMO_PORTAL_CREDENTIALS.password;
  stack.portal.orders.push(...strings.slice(0, 6).map((s, i) => ({ id: `ABUSE-${i}`, client: s, title: at(i + 7), due: '2027/01/31', amount: 1000 })));
  for (let i = 0; i < injectionJobs; i++) {
    await enqueue({
      kind: 'project.create',
      locale: i % 2 ? 'en' : 'ja',
      reply: { chat: { space: i % 3 === 0 ? SEED_IDS.chatDmSpace : config.chatSpace } },
      input: {
        source: 'gmail',
        client: { name: at(i), company: at(i + 1) },
        newClient: true,
        title: at(i + 2),
        request: { subject: at(i + 3), from: at(i + 4), body: strings.join('\n'), attachments: [{ name: at(i + 5), mimeType: 'application/pdf', size: 1 }] },
      },
    });
  }
  for (let i = 0; i < Math.min(3, strings.length); i++) await enqueue({ kind: 'ledger.search', input: { words: at(i * 5) }, reply: { chat: { space: config.chatSpace } } });
  await enqueue({ kind: 'ledger.search', input: { words: 'evil' }, reply: { chat: { space: config.chatSpace } } });
  await enqueue({ kind: 'ledger.summarize', input: { client: at(2) }, reply: { chat: { space: config.chatSpace } } });
  await enqueue({ kind: 'portal.scrape', input: { portal: 'acme' }, reply: { chat: { space: config.chatSpace } } });
  const finished = await waitForJobs(store, injected, 180_000);
  const found = scanForMarkup(sandbox.state, since, strings);

  // 1. Malformed bodies fill the rest of the budget.
  const left = Math.max(0, opts.requests - sent);
  log(`malformed bodies: ${left}`);
  const bodiesUser = 'abuse-bodies@example.co.jp';
  const bodiesAuth = `Bearer ${await userToken(bodiesUser)}`;
  const malformed: AbuseSummary['malformedBodies'] = { tried: 0, accepted: 0, fiveHundreds: 0, jobs: 0, tasks: 0, recorded: 0, byStatus: {}, examples: [] };
  const bodyRnd = rnd.fork('bodies');
  const planned = Array.from({ length: left }, (_, i) => (i % 5 === 4 ? 'tasks' : 'jobs'));
  await pool(planned, async (door) => {
    const body = door === 'jobs' ? malformedJobBody(bodyRnd) : malformedTaskBody(bodyRnd);
    const a = door === 'jobs' ? await send('POST', '/v1/jobs', bodiesAuth, body) : await send('POST', '/tasks/run', `Bearer ${invokerToken}`, body);
    malformed[door]++;
    count(a, malformed);
    malformed.byStatus[a.status] = (malformed.byStatus[a.status] ?? 0) + 1;
    if ((a.status < 400 || a.status >= 500) && malformed.examples.length < 10) malformed.examples.push(`${door} ${body.how} → ${a.status}`);
  });
  malformed.recorded = (await jobsOf(bodiesUser)).length;

  // 6. SSRF, with nothing else running.
  log('ssrf');
  const ssrf = await trySsrf(stack.portal.url, watch);

  // Posts outside the team spaces: every job that replies in one was asked by a member of it,
  // and every app message there belongs to such a job (its reply `client-<job id>`, or a job
  // answer with a hashed id in a space that such a job targets).
  const teams = new Set([config.chatSpace, ...config.teamSpaces]);
  const spaces = new Map(sandbox.state.list<StoredSpace>('chat', 'space').map((sp) => [sp.space.name, sp] as const));
  const isMember = (space: string, email: string) => spaces.get(space)?.members.some((m) => m.email === email) ?? false;
  const targeting = new Map<string, JobRecord[]>();
  for (const job of await store.listJobs({ limit: 100_000 })) {
    const space = job.reply?.chat?.space;
    if (!space || teams.has(space)) continue;
    if (!isMember(space, job.requestedBy)) foreign.postsToForeignSpaces.push(`job ${job.id} of ${job.requestedBy} replies in ${space}`);
    targeting.set(space, [...(targeting.get(space) ?? []), job]);
  }
  for (const [name] of spaces) {
    if (teams.has(name)) continue;
    for (const m of sandbox.state.list<ChatMessage>('chat', 'message', name)) {
      if (m.sender.type !== 'BOT') continue;
      const jobs = targeting.get(name) ?? [];
      const own = jobs.find((j) => m.clientAssignedMessageId === `client-${j.id}`);
      if (!(own ?? jobs.some((j) => isMember(name, j.requestedBy)))) foreign.postsToForeignSpaces.push(`${m.name}: no member's job targets ${name}`);
    }
  }

  const phases = [malformed, forged, cross, foreign];
  const summary: AbuseSummary = {
    ok: false,
    totals: {
      tried: sent + ssrf.tried,
      accepted: phases.reduce((n, p) => n + p.accepted, 0) + cross.leakedInList + ssrf.reached.length,
      fiveHundreds: phases.reduce((n, p) => n + p.fiveHundreds, 0),
      jobsRecorded: malformed.recorded + forged.recorded + foreign.recorded,
      forbiddenConnections: ssrf.socketsToForbidden.length + watch.violations.length,
      postsToForeignSpaces: foreign.postsToForeignSpaces.length,
      injectionsBecameMarkup: found.length,
    },
    seed: opts.seed,
    durationMs: Date.now() - started,
    requests: sent,
    malformedBodies: malformed,
    forgedTokens: forged,
    crossUser: cross,
    foreignTargets: foreign,
    injection: { strings: strings.length, jobs: injected.length, failedJobs: finished.filter((j) => j.status !== 'succeeded').map((j) => `${j.kind} ${j.status} ${j.error?.code ?? ''}: ${j.error?.message ?? ''}`.slice(0, 200)), becameMarkup: found.length, found: found.slice(0, 20) },
    ssrf: { tried: ssrf.tried, refused: ssrf.refused, reached: ssrf.reached, forbiddenConnections: ssrf.socketsToForbidden },
    connections: { made: watch.targets.length, notLoopback: [...watch.violations] },
  };
  summary.ok =
    malformed.fiveHundreds + malformed.accepted + malformed.recorded === 0 &&
    forged.accepted + forged.fiveHundreds + forged.recorded + forged.wrongAnswers.length === 0 &&
    cross.accepted + cross.fiveHundreds + cross.leakedInList === 0 &&
    foreign.accepted + foreign.fiveHundreds + foreign.recorded + foreign.postsToForeignSpaces.length === 0 &&
    found.length === 0 &&
    summary.injection.jobs > 0 &&
    summary.injection.failedJobs.length === 0 &&
    ssrf.reached.length + ssrf.socketsToForbidden.length === 0 &&
    watch.violations.length === 0;
  return summary;
}

/** Polls the store until every job is terminal (or the timeout); returns them as they are. */
async function waitForJobs(store: InProcessStack['deps']['store'], ids: string[], timeoutMs: number): Promise<JobRecord[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const jobs = (await Promise.all(ids.map((id) => store.getJob(id)))).filter((j): j is JobRecord => j !== null);
    if (jobs.every((j) => TERMINAL_STATUSES.includes(j.status)) || Date.now() > until) return jobs;
    await new Promise((r) => setTimeout(r, 200));
  }
}
