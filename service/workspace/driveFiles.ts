/**
 * Drive files that jobs create, made idempotent by tagging: every file or folder a job creates
 * carries appProperties { tasukiJob: <job id>, tasukiKey: <what it is within the job> }, and is
 * looked up by those tags before being created. A job that died between a Drive call and its
 * step record therefore finds its own file on the next delivery instead of making a second one.
 *
 * Every call works on shared drives too (supportsAllDrives / includeItemsFromAllDrives), where
 * offices usually keep project folders; on My Drive the flags change nothing.
 *
 * Names are mostly user text (client, title, attachment names): every name written goes through
 * forDriveName (shared/userText.ts), which drops line breaks, controls and direction overrides.
 */
import type { drive_v3 } from '@googleapis/drive';
import { Readable } from 'node:stream';
import { forDriveName } from '../../shared/userText.js';
import { callGoogle, statusOf } from './googleCall.js';

export const FOLDER_MIME = 'application/vnd.google-apps.folder';
export const DOC_MIME = 'application/vnd.google-apps.document';
const FILE_FIELDS = 'id,name,mimeType,webViewLink,parents,appProperties';
export const ALL_DRIVES_LIST = { supportsAllDrives: true, includeItemsFromAllDrives: true, corpora: 'allDrives' } as const;

export type DriveFile = { id: string; name: string; mimeType: string; url: string };
export type Tag = { jobId: string; key: string };

/** Escapes a value for a Drive query string literal. */
export function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function toDriveFile(f: drive_v3.Schema$File): DriveFile {
  const id = f.id!;
  const mimeType = f.mimeType ?? '';
  const fallback =
    mimeType === FOLDER_MIME ? `https://drive.google.com/drive/folders/${id}`
    : mimeType === DOC_MIME ? `https://docs.google.com/document/d/${id}/edit`
    : `https://drive.google.com/file/d/${id}/view`;
  return { id, name: f.name ?? '', mimeType, url: f.webViewLink ?? fallback };
}

function tagProperties(tag: Tag): Record<string, string> {
  return { tasukiJob: tag.jobId, tasukiKey: tag.key };
}

export async function findTagged(drive: drive_v3.Drive, tag: Tag): Promise<DriveFile | null> {
  const q = [
    `appProperties has { key='tasukiJob' and value=${quote(tag.jobId)} }`,
    `appProperties has { key='tasukiKey' and value=${quote(tag.key)} }`,
    'trashed = false',
  ].join(' and ');
  const res = await callGoogle('drive.files.list', () => drive.files.list({ q, fields: `files(${FILE_FIELDS})`, pageSize: 10, ...ALL_DRIVES_LIST }));
  const file = res.data.files?.[0];
  return file ? toDriveFile(file) : null;
}

/** Metadata of a file, or null when it does not exist (or is trashed). */
export async function getFile(drive: drive_v3.Drive, fileId: string): Promise<DriveFile | null> {
  try {
    const res = await drive.files.get({ fileId, fields: `${FILE_FIELDS},trashed`, supportsAllDrives: true });
    return res.data.trashed ? null : toDriveFile(res.data);
  } catch (err) {
    if (statusOf(err) === 404) return null;
    return callGoogle('drive.files.get', () => Promise.reject(err));
  }
}

export async function listChildren(drive: drive_v3.Drive, folderId: string): Promise<DriveFile[]> {
  const files: DriveFile[] = [];
  let pageToken: string | undefined;
  do {
    const res = await callGoogle('drive.files.list', () =>
      drive.files.list({ q: `${quote(folderId)} in parents and trashed = false`, fields: `nextPageToken,files(${FILE_FIELDS})`, pageSize: 100, pageToken, ...ALL_DRIVES_LIST }),
    );
    for (const f of res.data.files ?? []) files.push(toDriveFile(f));
    pageToken = res.data.nextPageToken ?? undefined;
  } while (pageToken);
  return files;
}

export async function ensureFolder(drive: drive_v3.Drive, opts: { parentId: string; name: string; tag: Tag }): Promise<DriveFile> {
  return (await findTagged(drive, opts.tag)) ?? createFolder(drive, opts);
}

/** Creates without looking first: only for callers that already know the tag is absent. */
export function createFolder(drive: drive_v3.Drive, opts: { parentId: string; name: string; tag: Tag }): Promise<DriveFile> {
  return createEmpty(drive, opts, FOLDER_MIME, 'drive.files.create (folder)');
}

/** An empty tagged file of a Google type (a folder, a Doc), created without looking first. */
async function createEmpty(drive: drive_v3.Drive, opts: { parentId: string; name: string; tag: Tag }, mimeType: string, what: string): Promise<DriveFile> {
  const res = await callGoogle(what, () =>
    drive.files.create({
      requestBody: { name: forDriveName(opts.name), mimeType, parents: [opts.parentId], appProperties: tagProperties(opts.tag) },
      fields: FILE_FIELDS,
      supportsAllDrives: true,
    }),
  );
  return toDriveFile(res.data);
}

export async function ensureCopy(drive: drive_v3.Drive, opts: { sourceId: string; parentId: string; name: string; tag: Tag }): Promise<DriveFile> {
  return (await findTagged(drive, opts.tag)) ?? copyFile(drive, opts);
}

/** Copies without looking first: only for callers that already know the tag is absent. */
export async function copyFile(drive: drive_v3.Drive, opts: { sourceId: string; parentId: string; name: string; tag: Tag }): Promise<DriveFile> {
  const res = await callGoogle('drive.files.copy', () =>
    drive.files.copy({
      fileId: opts.sourceId,
      requestBody: { name: forDriveName(opts.name), parents: [opts.parentId], appProperties: tagProperties(opts.tag) },
      fields: FILE_FIELDS,
      supportsAllDrives: true,
    }),
  );
  return toDriveFile(res.data);
}

/** Creates an empty Google Doc (content is written through the Docs API). */
export async function ensureDoc(drive: drive_v3.Drive, opts: { parentId: string; name: string; tag: Tag }): Promise<DriveFile> {
  return (await findTagged(drive, opts.tag)) ?? createEmpty(drive, opts, DOC_MIME, 'drive.files.create (doc)');
}

/** Uploads bytes as a file (PDFs, e-mail attachments); `bytes` may be produced only when needed. */
export async function ensureUpload(
  drive: drive_v3.Drive,
  opts: { parentId: string; name: string; mimeType: string; bytes: Buffer | (() => Promise<Buffer>); tag: Tag },
): Promise<DriveFile> {
  const found = await findTagged(drive, opts.tag);
  if (found) return found;
  const bytes = typeof opts.bytes === 'function' ? await opts.bytes() : opts.bytes;
  const res = await callGoogle('drive.files.create (upload)', () =>
    drive.files.create({
      requestBody: { name: forDriveName(opts.name), mimeType: opts.mimeType, parents: [opts.parentId], appProperties: tagProperties(opts.tag) },
      media: { mimeType: opts.mimeType, body: Readable.from(bytes) },
      fields: FILE_FIELDS,
      supportsAllDrives: true,
    }),
  );
  return toDriveFile(res.data);
}

/** Exports a Google Doc as PDF bytes. */
export async function exportPdf(drive: drive_v3.Drive, fileId: string): Promise<Buffer> {
  const res = await callGoogle('drive.files.export (pdf)', () =>
    drive.files.export({ fileId, mimeType: 'application/pdf' }, { responseType: 'arraybuffer' }),
  );
  return Buffer.from(res.data as ArrayBuffer);
}

/** The id inside a Drive folder or file URL (…/folders/<id>, …/d/<id>/…, ?id=<id>), or null. */
export function idFromDriveUrl(url: string): string | null {
  const match = /\/folders\/([A-Za-z0-9_-]+)|\/d\/([A-Za-z0-9_-]+)|[?&]id=([A-Za-z0-9_-]+)/.exec(url);
  return match ? (match[1] ?? match[2] ?? match[3] ?? null) : null;
}
