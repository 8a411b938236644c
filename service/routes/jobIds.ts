/**
 * Job ids: `j-` + 32 lowercase hex characters (fits JobRecord's id pattern and, as
 * `client-<id>`, Chat's 63-character client message ids).
 * - With an idempotency key: derived from (requester, key), so the same person sending the same
 *   key gets the same id (and the store's create-if-absent returns the existing job), while two
 *   people can never collide on a key.
 * - Without: random.
 */
import { createHash, randomBytes } from 'node:crypto';

export function idempotentJobId(requestedBy: string, idempotencyKey: string): string {
  return `j-${createHash('sha256').update(`${requestedBy.toLowerCase()}\n${idempotencyKey}`).digest('hex').slice(0, 32)}`;
}

export function randomJobId(): string {
  return `j-${randomBytes(16).toString('hex')}`;
}
