/**
 * One Cloud Tasks delivery of a job, as the `X-CloudTasks-*` headers describe it.
 * - retryCount: 0 on the first try; the final attempt is retryCount + 1 >= the queue's maxAttempts.
 * - executionCount: responses Cloud Tasks received (5xx excluded). A delivery after a crash (no
 *   response) keeps the count, so `holder` names the same delivery chain and may resume at once.
 */
import type { Request } from 'express';

export type Delivery = {
  taskName: string;
  retryCount: number;
  executionCount: number;
  /** Lease holder id: task name + execution count. */
  holder: string;
};

function count(value: string | undefined): number {
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? n : 0;
}

export function deliveryFrom(req: Request): Delivery {
  const taskName = req.get('x-cloudtasks-taskname') ?? 'unnamed-task';
  const executionCount = count(req.get('x-cloudtasks-taskexecutioncount'));
  return {
    taskName,
    retryCount: count(req.get('x-cloudtasks-taskretrycount')),
    executionCount,
    holder: `${taskName}#${executionCount}`,
  };
}

/** True when Cloud Tasks will not try this task again after a failure. */
export function isFinalAttempt(delivery: Delivery, maxAttempts: number): boolean {
  return maxAttempts !== -1 && delivery.retryCount + 1 >= maxAttempts;
}
