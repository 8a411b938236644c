/**
 * The emulator's in-memory index of live tasks, mirrored from the tasks table by StateStore on
 * every change: which names exist (for CreateTask's dedupe) and, per queue, the tasks waiting to
 * be dispatched ordered by (schedule time, creation order), so the dispatcher finds the next due
 * task in O(log n) instead of querying SQLite on every wake-up.
 *
 * Heap entries are never removed in place: a task that was dispatched, rescheduled or deleted
 * leaves a stale entry, recognised (its name no longer waiting with that seq and time) and
 * dropped when it reaches the top.
 */
import { MinHeap } from './minHeap.js';

/** A task waiting in its queue: enough to dispatch it (the row is read when it is). */
export type DueEntry = { name: string; seq: number; scheduleTimeMs: number };

type Live = { queue: string; seq: number; scheduleTimeMs: number; waiting: boolean };

const earlier = (a: DueEntry, b: DueEntry) => a.scheduleTimeMs < b.scheduleTimeMs || (a.scheduleTimeMs === b.scheduleTimeMs && a.seq < b.seq);

export class TaskIndex {
  private readonly live = new Map<string, Live>();
  private readonly waiting = new Map<string, MinHeap<DueEntry>>();

  clear(): void {
    this.live.clear();
    this.waiting.clear();
  }

  has(name: string): boolean {
    return this.live.has(name);
  }

  /** A task that exists; `waiting` false while an attempt is in flight. */
  put(queue: string, name: string, seq: number, scheduleTimeMs: number, waiting: boolean): void {
    this.live.set(name, { queue, seq, scheduleTimeMs, waiting });
    if (waiting) this.heap(queue).push({ name, seq, scheduleTimeMs });
  }

  /** An attempt of the task started: it waits no more. */
  dispatched(name: string): void {
    const t = this.live.get(name);
    if (t) t.waiting = false;
  }

  /** The task waits again (a retry), due at `scheduleTimeMs`. */
  waitUntil(name: string, scheduleTimeMs: number): void {
    const t = this.live.get(name);
    if (!t) return;
    t.waiting = true;
    t.scheduleTimeMs = scheduleTimeMs;
    this.heap(t.queue).push({ name, seq: t.seq, scheduleTimeMs });
  }

  remove(name: string): void {
    this.live.delete(name);
  }

  /** Removes the task only if it is this very one (same seq), not a later task of that name. */
  forget(name: string, seq: number): void {
    if (this.live.get(name)?.seq === seq) this.live.delete(name);
  }

  removeQueue(queue: string): void {
    for (const [name, t] of this.live) if (t.queue === queue) this.live.delete(name);
    this.waiting.delete(queue);
  }

  /** The queue's earliest waiting task, whether due or not. */
  first(queue: string): DueEntry | undefined {
    const heap = this.waiting.get(queue);
    if (!heap) return undefined;
    for (let top = heap.peek(); top; top = heap.peek()) {
      const t = this.live.get(top.name);
      if (t && t.waiting && t.seq === top.seq && t.scheduleTimeMs === top.scheduleTimeMs) return top;
      heap.pop();
    }
    return undefined;
  }

  private heap(queue: string): MinHeap<DueEntry> {
    let heap = this.waiting.get(queue);
    if (!heap) {
      heap = new MinHeap(earlier);
      this.waiting.set(queue, heap);
    }
    return heap;
  }
}
