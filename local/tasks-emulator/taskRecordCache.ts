/**
 * Records of live tasks kept in memory, up to a byte budget, so that a dispatch reads no row:
 * reading the task back from SQLite (UPDATE … RETURNING * and decoding its JSON and base64
 * body) cost ~25 µs of the ~30 µs an attempt's start took (issue 15).
 *
 * StateStore fills and updates it beside every write to the tasks table it mirrors (the file
 * stays the truth: GetTask and ListTasks read the file). An entry answers only for the very task
 * it was made from (same name and seq). Past the budget new records are not kept and the store
 * falls back to reading the row, so a large backlog of large tasks cannot exhaust memory.
 */
import type { TaskRecord } from './taskRecord.js';

/** Rough in-memory size of a record beyond its body and headers. */
const OVERHEAD_BYTES = 600;

function sizeOf(r: TaskRecord): number {
  let n = OVERHEAD_BYTES + r.name.length + r.http.url.length + (r.http.body?.length ?? 0);
  for (const k in r.http.headers) n += k.length + r.http.headers[k]!.length;
  return n;
}

export class TaskRecordCache {
  private readonly records = new Map<string, { record: TaskRecord; bytes: number }>();
  private bytes = 0;

  constructor(private readonly budgetBytes: number) {}

  clear(): void {
    this.records.clear();
    this.bytes = 0;
  }

  /** The cached record of this very task, if kept. */
  get(name: string, seq: number): TaskRecord | undefined {
    const e = this.records.get(name);
    return e && e.record.seq === seq ? e.record : undefined;
  }

  /** Keeps `r` (replacing any record of that name) if the budget allows. */
  put(r: TaskRecord): void {
    this.delete(r.name);
    const bytes = sizeOf(r);
    if (this.bytes + bytes > this.budgetBytes) return;
    this.records.set(r.name, { record: r, bytes });
    this.bytes += bytes;
  }

  delete(name: string): void {
    const e = this.records.get(name);
    if (!e) return;
    this.records.delete(name);
    this.bytes -= e.bytes;
  }

  /** Drops the record only if it is of this very task (not a later task of that name). */
  forget(name: string, seq: number): void {
    if (this.get(name, seq)) this.delete(name);
  }

  deleteQueue(queue: string): void {
    for (const [name, e] of this.records) if (e.record.queue === queue) this.delete(name);
  }
}
