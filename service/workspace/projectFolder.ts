/**
 * A project's Drive folder as the office expects it: named `<number> <client> <title>` under the
 * projects folder, holding a copy of the template tree (資料/Materials, デザイン, …) with the
 * project's values in names and Docs. project.create makes it in two steps of its own; this module
 * gives every other job that needs a project folder for a ledger row without one (billing.document
 * for a project from before tasuki) the same folder, not a bare one.
 *
 * Contract:
 * - `templateValues` is the one place the template's placeholders ({{number}} {{client}} {{title}}
 *   {{due}} {{requestedAt}} {{amount}} {{request}}) get their values: long forms for Docs, short
 *   ones for names (ISO due date, no mail text).
 * - `ensureTemplatedFolder` is idempotent per job: the folder is tagged {job, 'project-folder'} and
 *   found by that tag before anything is made; the template copy is tagged per template item
 *   (templateCopy.ts), so a run cut short between the folder and its contents completes it.
 *   A folder the office made by hand (named `<number> …`, not tagged by this job) is used as it is:
 *   tasuki never copies the template into a folder it did not make.
 * - A template folder that is missing or unreadable does not stop the job that asked for a folder
 *   (an invoice matters more than the folder's skeleton): the folder is made bare and `templated`
 *   says false, so the caller can log it.
 */
import type { docs_v1 } from '@googleapis/docs';
import type { drive_v3 } from '@googleapis/drive';
import { formatJapaneseDate } from '../billing/japaneseDates.js';
import { formatYen } from '../billing/tax.js';
import { ensureFolder, findTagged, FOLDER_MIME, listChildren, type DriveFile } from './driveFiles.js';
import { copyTemplateTree, fillName, readTemplateTree } from './templateCopy.js';

export const PROJECT_FOLDER_NAME = '{{number}} {{client}} {{title}}';

export type ProjectValues = { number: string; client: string; title: string; due?: string; requestedAt?: string; amount?: number; request?: string };

/** Placeholder values: `docValues` for text inside Docs, `nameValues` for file and folder names. */
export function templateValues(p: ProjectValues): { docValues: Record<string, string>; nameValues: Record<string, string> } {
  const docValues = {
    number: p.number,
    client: p.client,
    title: p.title,
    due: p.due ? formatJapaneseDate(p.due) : '未定',
    requestedAt: p.requestedAt ? formatJapaneseDate(p.requestedAt) : '',
    amount: p.amount !== undefined ? formatYen(p.amount) : '',
    request: (p.request ?? '').slice(0, 5000),
  };
  return { docValues, nameValues: { ...docValues, due: p.due ?? '未定', request: '' } };
}

/**
 * The folder of project `values.number` under `projectsFolderId`: this job's own (tagged), else one
 * the office named `<number> …`, else a new one with the template copied into it.
 */
export async function ensureTemplatedFolder(
  google: { drive: drive_v3.Drive; docs: docs_v1.Docs },
  opts: { projectsFolderId: string; templateFolderId: string; jobId: string; values: ProjectValues },
): Promise<DriveFile & { templated: boolean }> {
  const tag = { jobId: opts.jobId, key: 'project-folder' };
  const { docValues, nameValues } = templateValues(opts.values);
  const ours = await findTagged(google.drive, tag);
  if (!ours) {
    const offices = (await listChildren(google.drive, opts.projectsFolderId)).find((f) => f.mimeType === FOLDER_MIME && f.name.startsWith(`${opts.values.number} `));
    if (offices) return { ...offices, templated: false };
  }
  const folder = ours ?? (await ensureFolder(google.drive, { parentId: opts.projectsFolderId, name: fillName(PROJECT_FOLDER_NAME, nameValues).trim(), tag }));
  if (!(await readTemplateTree(google.drive, opts.templateFolderId))) return { ...folder, templated: false };
  await copyTemplateTree(google, { templateFolderId: opts.templateFolderId, targetFolderId: folder.id, jobId: opts.jobId, nameValues, docValues });
  return { ...folder, templated: true };
}
