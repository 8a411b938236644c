/**
 * Cloud Tasks resource names, parsed and validated with the rules of the v2 API
 * (google/cloud/tasks/v2/task.proto):
 *   location  projects/PROJECT_ID/locations/LOCATION_ID
 *   queue     …/queues/QUEUE_ID        QUEUE_ID: [A-Za-z0-9-]{1,100}
 *   task      …/queues/Q/tasks/TASK_ID TASK_ID:  [A-Za-z0-9_-]{1,500}
 * Every rejection is an INVALID_ARGUMENT that quotes the bad name and the expected form.
 */
import { randomBytes } from 'node:crypto';
import { invalidArgument } from './apiError.js';

const PROJECT = '[A-Za-z0-9:.-]+';
const LOCATION = '[A-Za-z0-9-]+';
const QUEUE_ID = /^[A-Za-z0-9-]{1,100}$/;
const TASK_ID = /^[A-Za-z0-9_-]{1,500}$/;
const LOCATION_NAME = new RegExp(`^projects/${PROJECT}/locations/${LOCATION}$`);
const QUEUE_NAME = new RegExp(`^(projects/${PROJECT}/locations/${LOCATION})/queues/([^/]*)$`);
const TASK_NAME = new RegExp(`^(projects/${PROJECT}/locations/${LOCATION}/queues/[^/]*)/tasks/([^/]*)$`);

export function checkLocationName(field: string, name: unknown): string {
  if (typeof name !== 'string' || !LOCATION_NAME.test(name)) {
    throw invalidArgument(`${field} "${String(name ?? '')}" must look like projects/PROJECT_ID/locations/LOCATION_ID`);
  }
  return name;
}

export function checkQueueName(field: string, name: unknown): { name: string; parent: string; id: string } {
  const m = typeof name === 'string' ? QUEUE_NAME.exec(name) : null;
  if (!m) throw invalidArgument(`${field} "${String(name ?? '')}" must look like projects/PROJECT_ID/locations/LOCATION_ID/queues/QUEUE_ID`);
  const id = m[2]!;
  if (!QUEUE_ID.test(id)) {
    throw invalidArgument(`${field} "${name as string}": the queue id "${id}" must be 1–100 letters, digits or hyphens`);
  }
  return { name: name as string, parent: m[1]!, id };
}

export function checkTaskName(field: string, name: unknown): { name: string; queue: string; id: string } {
  const m = typeof name === 'string' ? TASK_NAME.exec(name) : null;
  if (!m) {
    throw invalidArgument(`${field} "${String(name ?? '')}" must look like projects/PROJECT_ID/locations/LOCATION_ID/queues/QUEUE_ID/tasks/TASK_ID`);
  }
  checkQueueName(field, m[1]);
  const id = m[2]!;
  if (!TASK_ID.test(id)) {
    throw invalidArgument(`${field} "${name as string}": the task id must be 1–500 letters, digits, hyphens or underscores`);
  }
  return { name: name as string, queue: m[1]!, id };
}

/** Last path segment of a resource name (the X-CloudTasks-*Name headers carry short ids). */
export function shortId(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

/** Google generates decimal ids for unnamed tasks; so do we (19 digits, no leading zero). */
export function generateTaskId(): string {
  const n = randomBytes(8).readBigUInt64BE() % 9_000_000_000_000_000_000n;
  return (n + 1_000_000_000_000_000_000n).toString();
}
