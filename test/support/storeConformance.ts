// The Store port's conformance suite: every adapter (SQLite, Firestore) must pass the same tests.
// A test file calls storeConformance(factory) once; each test gets its own empty "space" (a fresh
// SQLite file, a fresh Firestore project on the emulator) and may open several store instances on
// it, which share the data the way several processes share one SQLite file or one Firestore.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { JobRecord } from '../../shared/job.js';
import { claimSequenceNumber, type ClaimDocs } from '../../service/store/sequenceClaims.js';
import type { Store, StoredDoc } from '../../service/store/store.js';
import { StoreCorruptError, StoreInputError } from '../../service/store/storeRules.js';

export type StoreSpace = {
  /** Opens another store instance on this space's data. */
  open(): Promise<Store>;
  /** Overwrites a stored job's record with text that does not parse as a JobRecord. */
  corruptJob(id: string): Promise<void>;
  /** Removes whatever the space created (instances are closed by the suite first). */
  dispose(): Promise<void>;
};

export type StoreFactory = {
  name: string;
  newSpace(): Promise<StoreSpace>;
  /**
   * Owners claiming one sequence at once (each asking twice) in the density test; default 50.
   * Simultaneous claimers cost O(N²) store calls in total (sequenceClaims.ts), so a slow store
   * double may use fewer.
   */
  claimContenders?: number;
};

export function storeConformance(factory: StoreFactory): void {
  const cleanups: Array<() => Promise<void>> = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  /** A fresh space with `count` store instances on it, closed and disposed after the file's tests. */
  async function stores(count = 1): Promise<{ space: StoreSpace; all: Store[] }> {
    const space = await factory.newSpace();
    const all: Store[] = [];
    cleanups.push(async () => {
      for (const s of all) await s.close();
      await space.dispose();
    });
    for (let i = 0; i < count; i++) all.push(await space.open());
    return { space, all };
  }
  async function oneStore(): Promise<Store> {
    return (await stores(1)).all[0]!;
  }

  describe(`Store conformance: ${factory.name}`, () => {
    test('createJob creates if absent; a second create returns the first record, created:false', async () => {
      const store = await oneStore();
      const first = await store.createJob(job('job-1', { input: { text: 'first', rows: [[1, 'a'], [2, 'b']] } }));
      assert.equal(first.created, true);
      assert.deepEqual(first.job, job('job-1', { input: { text: 'first', rows: [[1, 'a'], [2, 'b']] } }));
      const second = await store.createJob(job('job-1', { input: { text: 'second' }, requestedBy: 'other@example.co.jp' }));
      assert.equal(second.created, false);
      assert.deepEqual(second.job, first.job);
      assert.deepEqual(await store.getJob('job-1'), first.job);
      assert.equal(await store.getJob('job-404'), null);
    });

    test('createJob rejects an invalid record, naming the job and the field', async () => {
      const store = await oneStore();
      await assert.rejects(
        store.createJob({ ...job('job-bad'), status: 'sleeping' } as unknown as JobRecord),
        (err: unknown) => err instanceof StoreInputError && /job-bad/.test(err.message) && /status/.test(err.message),
      );
      assert.equal(await store.getJob('job-bad'), null);
    });

    test('updateJob compare-and-set: success increments version; stale or missing returns null and changes nothing', async () => {
      const store = await oneStore();
      await store.createJob(job('job-cas'));
      const running = await store.updateJob('job-cas', 0, { ...job('job-cas'), status: 'running', attempts: 1 });
      assert.ok(running);
      assert.equal(running.version, 1);
      assert.equal(running.status, 'running');
      assert.deepEqual(await store.getJob('job-cas'), running);

      const stale = await store.updateJob('job-cas', 0, { ...job('job-cas'), status: 'canceled' });
      assert.equal(stale, null);
      assert.deepEqual(await store.getJob('job-cas'), running);

      assert.equal(await store.updateJob('job-none', 0, job('job-none')), null);
      assert.equal(await store.getJob('job-none'), null);

      // Optional fields dropped from the next record are gone from the stored one.
      const withLease = await store.updateJob('job-cas', 1, { ...running, lease: { holder: 'h', until: '2026-11-27T06:00:00.000Z' } });
      assert.ok(withLease?.lease);
      const { lease: _lease, ...withoutLease } = withLease;
      const released = await store.updateJob('job-cas', 2, withoutLease);
      assert.equal(released?.version, 3);
      assert.equal((await store.getJob('job-cas'))?.lease, undefined);

      await assert.rejects(store.updateJob('job-cas', 3, job('job-other')), (err: unknown) => err instanceof StoreInputError && /job-other/.test(err.message));
      await assert.rejects(store.updateJob('job-cas', -1, running), StoreInputError);
    });

    test('concurrent compare-and-set on one job from many callers and instances: exactly one winner per version', async () => {
      const { all } = await stores(3);
      await all[0]!.createJob(job('job-race'));
      const rounds = 5;
      const callers = 12;
      for (let round = 0; round < rounds; round++) {
        const results = await Promise.all(
          Array.from({ length: callers }, async (_, i) => {
            const store = all[i % all.length]!;
            const current = await store.getJob('job-race');
            assert.ok(current);
            return store.updateJob('job-race', current.version, { ...current, attempts: current.attempts + 1, taskName: `caller-${i}` });
          }),
        );
        const winners = results.filter((r): r is JobRecord => r !== null);
        assert.equal(winners.length, 1, `round ${round}: ${winners.length} winners`);
        assert.equal(winners[0]!.version, round + 1);
        assert.deepEqual(await all[1]!.getJob('job-race'), winners[0]);
      }
      assert.equal((await all[2]!.getJob('job-race'))?.attempts, rounds);
    });

    test('listJobs: newest first, filters by requestedBy and status, pages with before, limits', async () => {
      const store = await oneStore();
      const specs: Array<[string, string, JobRecord['status'], string]> = [
        ['job-a', 'ann@example.co.jp', 'queued', '2026-11-01T09:00:00.000Z'],
        ['job-b', 'bob@example.co.jp', 'running', '2026-11-02T09:00:00.000Z'],
        ['job-c', 'ann@example.co.jp', 'succeeded', '2026-11-03T09:00:00.000Z'],
        ['job-d', 'ann@example.co.jp', 'queued', '2026-11-04T09:00:00.000Z'],
        ['job-e', 'bob@example.co.jp', 'queued', '2026-11-05T09:00:00.000Z'],
      ];
      // Inserted out of order so that insertion order cannot pass for createdAt order.
      for (const i of [2, 0, 4, 1, 3]) {
        const [id, requestedBy, status, createdAt] = specs[i]!;
        await store.createJob(job(id, { requestedBy, status, createdAt, updatedAt: createdAt }));
      }
      const ids = (jobs: JobRecord[]) => jobs.map((j) => j.id);
      assert.deepEqual(ids(await store.listJobs({})), ['job-e', 'job-d', 'job-c', 'job-b', 'job-a']);
      assert.deepEqual(ids(await store.listJobs({ requestedBy: 'ann@example.co.jp' })), ['job-d', 'job-c', 'job-a']);
      assert.deepEqual(ids(await store.listJobs({ status: 'queued' })), ['job-e', 'job-d', 'job-a']);
      assert.deepEqual(ids(await store.listJobs({ requestedBy: 'ann@example.co.jp', status: 'queued' })), ['job-d', 'job-a']);
      assert.deepEqual(ids(await store.listJobs({ limit: 2 })), ['job-e', 'job-d']);
      assert.deepEqual(ids(await store.listJobs({ limit: 2, before: '2026-11-04T09:00:00.000Z' })), ['job-c', 'job-b']);
      assert.deepEqual(ids(await store.listJobs({ limit: 2, before: '2026-11-02T09:00:00.000Z' })), ['job-a']);
      // `before` in another ISO form means the same instant.
      assert.deepEqual(ids(await store.listJobs({ before: '2026-11-03T18:00:00+09:00' })), ['job-b', 'job-a']);
      assert.deepEqual(ids(await store.listJobs({ requestedBy: 'ann@example.co.jp', status: 'queued', before: '2026-11-04T09:00:00.000Z' })), ['job-a']);
      assert.deepEqual(await store.listJobs({ requestedBy: 'nobody@example.co.jp' }), []);
      // A status change moves the job between status filters.
      const b = (await store.getJob('job-b'))!;
      await store.updateJob('job-b', b.version, { ...b, status: 'succeeded' });
      assert.deepEqual(ids(await store.listJobs({ status: 'succeeded' })), ['job-c', 'job-b']);

      await assert.rejects(store.listJobs({ limit: 0 }), (err: unknown) => err instanceof StoreInputError && /limit/.test(err.message));
      await assert.rejects(store.listJobs({ before: 'yesterday' }), (err: unknown) => err instanceof StoreInputError && /before/.test(err.message));
      await assert.rejects(store.listJobs({ status: 'sleeping' as JobRecord['status'] }), (err: unknown) => err instanceof StoreInputError && /status/.test(err.message));
    });

    test('listUnsettledJobs: unsettled jobs (not ended, or a report owed) written before a time, oldest first; follows updates; pages', async () => {
      const store = await oneStore();
      const at = (m: number) => `2026-11-27T05:${String(m).padStart(2, '0')}:00.000Z`;
      await store.createJob(job('u-queued', { updatedAt: at(1) }));
      await store.createJob(job('u-running', { status: 'running', updatedAt: at(3) }));
      await store.createJob(job('u-owed', { status: 'succeeded', updatedAt: at(2), reply: { chat: { space: 'spaces/AAA' } }, report: { generation: 1, state: 'owed', attempts: 0 } }));
      await store.createJob(job('u-done', { status: 'succeeded', updatedAt: at(0) }));
      await store.createJob(job('u-delivered', { status: 'failed', updatedAt: at(0), report: { generation: 1, state: 'delivered', attempts: 1 } }));
      await store.createJob(job('u-fresh', { updatedAt: at(30) }));
      const ids = async (q: Parameters<Store['listUnsettledJobs']>[0]) => (await store.listUnsettledJobs(q)).map((j) => j.id);
      assert.deepEqual(await ids({ updatedBefore: at(10) }), ['u-queued', 'u-owed', 'u-running']);
      assert.deepEqual(await ids({ updatedBefore: at(10), limit: 2 }), ['u-queued', 'u-owed']);
      assert.deepEqual(await ids({ updatedBefore: at(10), updatedAfter: at(2) }), ['u-running']);
      assert.deepEqual(await ids({ updatedBefore: at(2) }), ['u-queued'], 'strictly before');
      // Settling a job takes it out; a report owed again brings it back, at its new time.
      const running = (await store.getJob('u-running'))!;
      await store.updateJob('u-running', running.version, { ...running, status: 'succeeded', updatedAt: at(4) });
      const owed = (await store.getJob('u-owed'))!;
      await store.updateJob('u-owed', owed.version, { ...owed, report: { generation: 1, state: 'delivered', attempts: 1 }, updatedAt: at(5) });
      const done = (await store.getJob('u-done'))!;
      await store.updateJob('u-done', done.version, { ...done, status: 'failed', reply: { chat: { space: 'spaces/AAA' } }, report: { generation: 1, state: 'owed', attempts: 0 }, updatedAt: at(6) });
      assert.deepEqual(await ids({ updatedBefore: at(10) }), ['u-queued', 'u-done']);
      await assert.rejects(store.listUnsettledJobs({ updatedBefore: 'soon' }), (err: unknown) => err instanceof StoreInputError && /updatedBefore/.test(err.message));
      await assert.rejects(store.listUnsettledJobs({ updatedBefore: at(1), limit: 0 }), (err: unknown) => err instanceof StoreInputError && /limit/.test(err.message));
    });

    test('listJobs: the default limit is 50', async () => {
      const store = await oneStore();
      for (let i = 0; i < 55; i++) {
        const createdAt = new Date(Date.UTC(2026, 10, 1, 0, i)).toISOString();
        await store.createJob(job(`job-many-${String(i).padStart(2, '0')}`, { createdAt, updatedAt: createdAt }));
      }
      const page = await store.listJobs({});
      assert.equal(page.length, 50);
      assert.equal(page[0]!.id, 'job-many-54');
      assert.equal(page[49]!.id, 'job-many-05');
      const rest = await store.listJobs({ before: page[49]!.createdAt });
      assert.deepEqual(rest.map((j) => j.id), ['job-many-04', 'job-many-03', 'job-many-02', 'job-many-01', 'job-many-00']);
    });

    test('a corrupt stored job is a clear error naming the job id', async () => {
      const { space, all } = await stores(1);
      const store = all[0]!;
      await store.createJob(job('job-corrupt'));
      await space.corruptJob('job-corrupt');
      await assert.rejects(store.getJob('job-corrupt'), (err: unknown) => err instanceof StoreCorruptError && /job-corrupt/.test(err.message));
      await assert.rejects(store.listJobs({}), (err: unknown) => err instanceof StoreCorruptError && /job-corrupt/.test(err.message));
    });

    test('updateJob does not re-validate the record (its callers change records they read); a bad one written is caught on read', async () => {
      const store = await oneStore();
      const { job: created } = await store.createJob(job('job-unchecked'));
      const written = await store.updateJob('job-unchecked', created.version, { ...created, status: 'sleeping' } as unknown as JobRecord);
      assert.equal(written?.status, 'sleeping', 'written as given');
      await assert.rejects(store.getJob('job-unchecked'), (err: unknown) => err instanceof StoreCorruptError && /job-unchecked/.test(err.message) && /status/.test(err.message));
    });

    test('reads are deep copies; writes copy their input', async () => {
      const store = await oneStore();
      const input = job('job-copy', { input: { list: [{ a: 1 }] } });
      const created = await store.createJob(input);
      (input.input as { list: Array<{ a: number }> }).list[0]!.a = 99;
      (created.job.input as { list: Array<{ a: number }> }).list.push({ a: 2 });
      const read = (await store.getJob('job-copy'))!;
      assert.deepEqual(read.input, { list: [{ a: 1 }] });
      read.steps.mutated = { output: 1, finishedAt: 'x' };
      const listed = await store.listJobs({});
      assert.deepEqual(listed[0]!.steps, {});

      const data = { tags: ['x'], nested: { n: 1 } };
      const put = await store.putIfAbsent('copies', 'd1', data);
      data.tags.push('changed');
      put.doc.data.nested.n = 2;
      const doc = (await store.getDoc<typeof data>('copies', 'd1'))!;
      assert.deepEqual(doc.data, { tags: ['x'], nested: { n: 1 } });
      doc.data.tags.push('again');
      const [queried] = await store.queryDocs<typeof data>('copies');
      assert.deepEqual(queried!.data.tags, ['x']);
    });

    test('documents: putIfAbsent, getDoc, updateDoc compare-and-set, deleteDoc', async () => {
      const store = await oneStore();
      const first = await store.putIfAbsent('intake', 'order-1', { client: 'acme', amount: 1200, rows: [['a', 1]] });
      assert.equal(first.created, true);
      assert.deepEqual(first.doc, { id: 'order-1', version: 0, data: { client: 'acme', amount: 1200, rows: [['a', 1]] } });
      const again = await store.putIfAbsent('intake', 'order-1', { client: 'other', amount: 1 });
      assert.equal(again.created, false);
      assert.deepEqual(again.doc, first.doc);
      assert.equal(await store.getDoc('intake', 'order-2'), null);
      // The same id in another collection is another document.
      assert.equal((await store.putIfAbsent('summary', 'order-1', { x: 1 })).created, true);

      const updated = await store.updateDoc('intake', 'order-1', 0, { client: 'acme', status: 'seen' });
      assert.deepEqual(updated, { id: 'order-1', version: 1, data: { client: 'acme', status: 'seen' } });
      assert.deepEqual(await store.getDoc('intake', 'order-1'), updated);
      assert.equal(await store.updateDoc('intake', 'order-1', 0, { client: 'stale' }), null);
      assert.deepEqual(await store.getDoc('intake', 'order-1'), updated);
      assert.equal(await store.updateDoc('intake', 'order-404', 0, { client: 'x' }), null);
      assert.equal(await store.getDoc('intake', 'order-404'), null);

      await store.deleteDoc('intake', 'order-1');
      assert.equal(await store.getDoc('intake', 'order-1'), null);
      await store.deleteDoc('intake', 'order-1'); // deleting what is absent is fine
      const recreated = await store.putIfAbsent('intake', 'order-1', { client: 'new' });
      assert.equal(recreated.created, true);
      assert.equal(recreated.doc.version, 0);
      assert.deepEqual((await store.getDoc('summary', 'order-1'))?.data, { x: 1 });
    });

    test('documents: concurrent updateDoc from many callers: exactly one winner per version', async () => {
      const { all } = await stores(2);
      await all[0]!.putIfAbsent('counters', 'c', { n: 0 });
      const results = await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          const store = all[i % 2]!;
          const current = (await store.getDoc<{ n: number }>('counters', 'c'))!;
          return store.updateDoc('counters', 'c', current.version, { n: current.data.n + 1 });
        }),
      );
      assert.equal(results.filter((r) => r !== null).length, 1);
      assert.deepEqual((await all[1]!.getDoc('counters', 'c'))?.data, { n: 1 });
    });

    test('queryDocs: equality where, orderBy, limit; typed equality; documents lacking the orderBy field are left out', async () => {
      const store = await oneStore();
      const rows: Array<[string, Record<string, unknown>]> = [
        ['r1', { client: 'acme', month: '2026-10', amount: 300, paid: true }],
        ['r2', { client: 'acme', month: '2026-11', amount: 100, paid: false }],
        ['r3', { client: 'beta', month: '2026-11', amount: 200, paid: true }],
        ['r4', { client: 'acme', month: '2026-09', amount: 400, paid: true }],
        ['r5', { client: 'acme', note: 'no amount', paid: '1' }],
        ['r6', { client: 'beta', amount: '100', paid: 1 }],
      ];
      for (const [id, data] of rows) await store.putIfAbsent('ledger', id, data);
      const ids = (docs: StoredDoc[]) => docs.map((d) => d.id);

      assert.deepEqual(ids(await store.queryDocs('ledger')), ['r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
      assert.deepEqual(ids(await store.queryDocs('ledger', { where: [['client', 'acme']] })), ['r1', 'r2', 'r4', 'r5']);
      assert.deepEqual(ids(await store.queryDocs('ledger', { where: [['client', 'acme'], ['paid', true]] })), ['r1', 'r4']);
      assert.deepEqual(ids(await store.queryDocs('ledger', { where: [['paid', false]] })), ['r2']);
      assert.deepEqual(ids(await store.queryDocs('ledger', { where: [['amount', 100]] })), ['r2']);
      assert.deepEqual(ids(await store.queryDocs('ledger', { where: [['amount', '100']] })), ['r6']);
      assert.deepEqual(ids(await store.queryDocs('ledger', { where: [['client', 'acme']], orderBy: { field: 'month' } })), ['r4', 'r1', 'r2']);
      assert.deepEqual(
        ids(await store.queryDocs('ledger', { where: [['client', 'acme']], orderBy: { field: 'month', direction: 'desc' }, limit: 2 })),
        ['r2', 'r1'],
      );
      assert.deepEqual(ids(await store.queryDocs('ledger', { orderBy: { field: 'month', direction: 'asc' }, limit: 3 })), ['r4', 'r1', 'r2']);
      assert.deepEqual(ids(await store.queryDocs('ledger', { limit: 2 })), ['r1', 'r2']);
      assert.deepEqual(await store.queryDocs('ledger', { where: [['client', 'gamma']] }), []);
      assert.deepEqual(await store.queryDocs('empty-collection'), []);

      // Changing and removing a field changes what queries see.
      const r3 = (await store.getDoc('ledger', 'r3'))!;
      await store.updateDoc('ledger', 'r3', r3.version, { client: 'acme', amount: 200 });
      assert.deepEqual(ids(await store.queryDocs('ledger', { where: [['client', 'acme']], orderBy: { field: 'month' } })), ['r4', 'r1', 'r2']);
      assert.deepEqual(ids(await store.queryDocs('ledger', { where: [['client', 'beta']] })), ['r6']);
      await store.deleteDoc('ledger', 'r1');
      assert.deepEqual(ids(await store.queryDocs('ledger', { where: [['paid', true]] })), ['r4']);
    });

    test('bad collection, field, id, sequence and data are rejected with a clear error', async () => {
      const store = await oneStore();
      const named = (what: string) => (err: unknown) => err instanceof StoreInputError && err.message.includes(what);
      await assert.rejects(store.putIfAbsent('bad/name', 'x', {}), named('bad/name'));
      await assert.rejects(store.getDoc('seq:internal', 'x'), named('seq:internal'));
      await assert.rejects(store.queryDocs('', {}), named('collection'));
      await assert.rejects(store.queryDocs('ok', { where: [["x') OR 1=1 --", 'a']] }), named("x') OR 1=1 --"));
      await assert.rejects(store.queryDocs('ok', { where: [['a.b', 'a']] }), named('a.b'));
      await assert.rejects(store.queryDocs('ok', { orderBy: { field: 'amount desc' } }), named('amount desc'));
      await assert.rejects(store.queryDocs('ok', { where: [['a', null as unknown as string]] }), named('where value'));
      await assert.rejects(store.queryDocs('ok', { limit: 0 }), named('limit'));
      await assert.rejects(store.putIfAbsent('ok', 'a/b', {}), named('a/b'));
      await assert.rejects(store.putIfAbsent('ok', '', {}), named('document id'));
      await assert.rejects(store.putIfAbsent('ok', 'x', [] as unknown as Record<string, unknown>), named('plain object'));
      await assert.rejects(store.putIfAbsent('ok', 'x', { _tasukiVersion: 1 }), named('_tasukiVersion'));
      await assert.rejects(store.putIfAbsent('ok', 'x', { big: 'x'.repeat(1_000_000) }), named('limit'));
      await assert.rejects(store.updateDoc('ok', 'x', 1.5, {}), named('version'));
      await assert.rejects(store.claimSequence('bad name!', 'job-1'), named('bad name!'));
      await assert.rejects(store.claimSequence('project-2026', ''), named('owner'));
      assert.equal(await store.getDoc('ok', 'x'), null);
    });

    test('claimSequence: numbers 1, 2, 3… per sequence; the same owner always gets the same number', async () => {
      const store = await oneStore();
      assert.equal(await store.claimSequence('project-2026', 'job-a'), 1);
      assert.equal(await store.claimSequence('project-2026', 'job-b'), 2);
      assert.equal(await store.claimSequence('project-2026', 'job-a'), 1);
      assert.equal(await store.claimSequence('invoice-2026', 'job-a'), 1);
      assert.equal(await store.claimSequence('project-2026', 'job-c'), 3);
      assert.equal(await store.claimSequence('project-2026', 'job-b'), 2);
      // Claims are not documents a caller can see or query.
      await assert.rejects(store.queryDocs('seq:project-2026'), StoreInputError);
    });

    const contenders = factory.claimContenders ?? 50;
    test(`claimSequence: ${contenders} owners claiming at once through 3 instances get exactly 1..${contenders}; asking again changes nothing`, async () => {
      const { all } = await stores(3);
      const owners = Array.from({ length: contenders }, (_, i) => `job-${i}`);
      // Every owner asks twice at once (a redelivered task racing the first delivery).
      const claims = await Promise.all(
        owners.flatMap((owner, i) => [all[i % 3]!.claimSequence('est-2026', owner), all[(i + 1) % 3]!.claimSequence('est-2026', owner)]),
      );
      const byOwner = new Map<string, number>();
      owners.forEach((owner, i) => {
        assert.equal(claims[2 * i], claims[2 * i + 1], `${owner} got two numbers`);
        byOwner.set(owner, claims[2 * i]!);
      });
      assert.deepEqual([...byOwner.values()].sort((a, b) => a - b), Array.from({ length: contenders }, (_, i) => i + 1));
      for (const [i, owner] of owners.entries()) {
        assert.equal(await all[(i + 2) % 3]!.claimSequence('est-2026', owner), byOwner.get(owner));
      }
      assert.equal(await all[0]!.claimSequence('est-2026', 'job-late'), contenders + 1);
    });

    test('claimSequence algorithm: a claimer that dies after claiming leaves no gap and keeps its number', async () => {
      // The adapters run sequenceClaims.ts on their internal collections; here the same algorithm
      // runs on this adapter's public document operations so that a crash can be injected between
      // creating the claim and raising the hint.
      const store = await oneStore();
      const docs: ClaimDocs = {
        putIfAbsent: (c, id, data) => store.putIfAbsent(c, id, data),
        getDoc: (c, id) => store.getDoc(c, id),
        updateDoc: (c, id, v, data) => store.updateDoc(c, id, v, data),
        queryDocs: (c, q) => store.queryDocs(c, q),
      };
      let dieAfterClaim = true;
      const dying: ClaimDocs = {
        ...docs,
        putIfAbsent: async (c, id, data) => {
          const result = await docs.putIfAbsent(c, id, data);
          if (dieAfterClaim && id !== 'next') throw new Error('simulated crash after claiming');
          return result;
        },
      };
      assert.equal(await claimSequenceNumber(docs, 'claims', 'job-1'), 1);
      await assert.rejects(claimSequenceNumber(dying, 'claims', 'job-2'), /simulated crash/);
      dieAfterClaim = false;
      assert.equal(await claimSequenceNumber(docs, 'claims', 'job-3'), 3);
      assert.equal(await claimSequenceNumber(dying, 'claims', 'job-2'), 2);
      assert.equal(await claimSequenceNumber(docs, 'claims', 'job-4'), 4);
      // job-3 scanned past job-2's orphaned claim instead of leaving 2 free or taking it.
      const claimed = (await store.queryDocs<{ owner: string; n: number }>('claims', { orderBy: { field: 'n' } })).map((d) => [d.data.n, d.data.owner]);
      assert.deepEqual(claimed, [[1, 'job-1'], [2, 'job-2'], [3, 'job-3'], [4, 'job-4']]);
    });

    test('claimSequence: an owner whose caller died before using its number gets that same number back', async () => {
      const { space, all } = await stores(1);
      const first = all[0]!;
      assert.equal(await first.claimSequence('inv-2026', 'job-died'), 1);
      await first.close(); // the process that claimed is gone
      const second = await space.open();
      all[0] = second;
      assert.equal(await second.claimSequence('inv-2026', 'job-died'), 1);
      assert.equal(await second.claimSequence('inv-2026', 'job-next'), 2);
    });
  });
}

/** A valid job record with overrides. */
export function job(id: string, over: Partial<JobRecord> = {}): JobRecord {
  return {
    id,
    kind: 'system.echo',
    input: { text: 'hello' },
    status: 'queued',
    requestedBy: 'ann@example.co.jp',
    locale: 'ja',
    generation: 1,
    attempts: 0,
    steps: {},
    cancelRequested: false,
    createdAt: '2026-11-27T05:00:00.000Z',
    updatedAt: '2026-11-27T05:00:00.000Z',
    version: 0,
    ...over,
  };
}
