/**
 * Rendered chart PNGs, kept in the store and served by service/routes/charts.ts at
 * `/charts/<id>.png`. Chat fetches card images from a public URL without credentials, so the id
 * is the secret: an HMAC of the job id under a per-installation key (created once in the store).
 * Unguessable, yet the same for a redelivered job, so a retry overwrites rather than adds.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Store } from '../store/store.js';

const COLLECTION = 'charts';

async function installationKey(store: Store): Promise<string> {
  const { doc } = await store.putIfAbsent('secrets', 'chart-ids', { key: randomBytes(32).toString('hex') });
  return String(doc.data.key);
}

export async function chartIdFor(store: Store, jobId: string): Promise<string> {
  return createHmac('sha256', await installationKey(store)).update(`chart:${jobId}`).digest('hex').slice(0, 40);
}

export const CHART_ID = /^[0-9a-f]{40}$/;

export async function saveChart(store: Store, id: string, png: Buffer, jobId: string): Promise<void> {
  const data = { png: png.toString('base64'), jobId, createdAt: new Date().toISOString() };
  const { created, doc } = await store.putIfAbsent(COLLECTION, id, data);
  if (!created && doc.data.png !== data.png) await store.updateDoc(COLLECTION, id, doc.version, data);
}

export async function loadChart(store: Store, id: string): Promise<Buffer | null> {
  if (!CHART_ID.test(id)) return null;
  const doc = await store.getDoc<{ png: string }>(COLLECTION, id);
  return doc ? Buffer.from(doc.data.png, 'base64') : null;
}
