/**
 * One Cloud Tasks delivery of a job, as the `X-CloudTasks-*` headers describe it.
 * - retryCount: 0 on the first try; the final attempt is retryCount + 1 >= the queue's maxAttempts.
 * - executionCount: responses Cloud Tasks received (5xx excluded). A delivery after a crash (no
 *   response) keeps the count, so `chain` (task name + execution count) names the same chain of
 *   deliveries, which may take over that chain's lease at once instead of waiting for it to expire.
 * - holder: the lease holder of this one delivery, `chain@nonce`; the nonce lets an earlier
 *   delivery of the same chain that is somehow still running see that it lost the lease.
 */
import { randomUUID } from 'node:crypto';

export type Delivery = {
  taskName: string;
  retryCount: number;
  executionCount: number;
  /** Task name + execution count. */
  chain: string;
  /** Lease holder id: chain@nonce. */
  holder: string;
};

/** The chain part of a lease holder id. */
export function chainOf(holder: string): string {
  const at = holder.lastIndexOf('@');
  return at < 0 ? holder : holder.slice(0, at);
}

function count(value: string | undefined): number {
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? n : 0;
}

/** `header(name)`: the request's header of that (lower-case) name, if any. */
export function deliveryFrom(header: (name: string) => string | undefined): Delivery {
  const taskName = header('x-cloudtasks-taskname') ?? 'unnamed-task';
  const executionCount = count(header('x-cloudtasks-taskexecutioncount'));
  const chain = `${taskName}#${executionCount}`;
  return {
    taskName,
    retryCount: count(header('x-cloudtasks-taskretrycount')),
    executionCount,
    chain,
    // 32 random bits; randomUUID draws from a pooled entropy buffer (randomBytes(4) was a
    // synchronous call into the CSPRNG on every delivery).
    holder: `${chain}@${randomUUID().slice(0, 8)}`,
  };
}

/** True when Cloud Tasks will not try this task again after a failure. */
export function isFinalAttempt(delivery: Delivery, maxAttempts: number): boolean {
  return maxAttempts !== -1 && delivery.retryCount + 1 >= maxAttempts;
}
