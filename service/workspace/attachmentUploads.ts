/**
 * E-mail attachments on their way into a project folder, with the user's own consent: the add-on
 * reads the open message's attachments (its gmail.addons.current.message.readonly scope covers
 * them), sends each one's bytes to POST /v1/uploads before it enqueues project.create, and puts
 * the returned upload ids in the job input. The service never reads the user's mailbox for this.
 *
 * Staging. Uploads are streamed straight into Drive, into one staging folder under the projects
 * folder ("_tasuki 受信中の添付 Incoming attachments", tagged {tasukiJob:'uploads',
 * tasukiKey:'staging'}), each file tagged with its uploader and an upload key (Gmail message id +
 * attachment index), so the same attachment sent twice (a second click) is one file.
 *
 * Filing. project.create moves a staged file into the project's materials folder
 * (files.update addParents/removeParents: same file id, no copy) and tags it with the job, so a
 * redelivered job finds it already there. A file is filed only into a job of the user who
 * uploaded it.
 *
 * Limits (measured through the Apps Script shim, see test/attachments.test.ts and the report):
 * Gmail attachments are at most 25 MB; UrlFetchApp sends up to 50 MB per call; Cloud Run takes
 * at most 32 MiB per HTTP/1 request; so one raw (not base64) upload per attachment fits, and the
 * service refuses bodies above MAX_UPLOAD_BYTES with 413.
 */
import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import type { drive_v3 } from '@googleapis/drive';
import { callGoogle, statusOf } from './googleCall.js';
import { ALL_DRIVES_LIST, ensureFolder, quote, type DriveFile } from './driveFiles.js';

/** Under Cloud Run's 32 MiB request limit, above Gmail's 25 MB attachment limit. */
export const MAX_UPLOAD_BYTES = 30 * 1024 * 1024;
export const STAGING_TAG = { jobId: 'uploads', key: 'staging' } as const;
export const STAGING_FOLDER_NAME = '_tasuki 受信中の添付 Incoming attachments';

export type StagedUpload = { uploadId: string; name: string; size: number; sha1: string; created: boolean };

export class UploadTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`the upload is larger than ${limit} bytes`);
    this.name = 'UploadTooLarge';
  }
}

/** The staging folder (made once; two racing makers leave two folders, both found by tag). */
export async function stagingFolder(drive: drive_v3.Drive, projectsFolderId: string): Promise<DriveFile> {
  return ensureFolder(drive, { parentId: projectsFolderId, name: STAGING_FOLDER_NAME, tag: STAGING_TAG });
}

async function findUpload(drive: drive_v3.Drive, uploader: string, key: string): Promise<drive_v3.Schema$File | null> {
  const q = [
    `appProperties has { key='tasukiUploadKey' and value=${quote(key)} }`,
    `appProperties has { key='tasukiUploader' and value=${quote(uploader)} }`,
    'trashed = false',
  ].join(' and ');
  const res = await callGoogle('drive.files.list (upload)', () =>
    drive.files.list({ q, fields: 'files(id,name,size,appProperties)', pageSize: 1, ...ALL_DRIVES_LIST }),
  );
  return res.data.files?.[0] ?? null;
}

/** Counts and hashes what passes; fails the stream past `limit` bytes. */
function meter(limit: number): Transform & { size: () => number; sha1: () => string } {
  const hash = createHash('sha1');
  let size = 0;
  let digest: string | undefined;
  const t = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > limit) return done(new UploadTooLarge(limit));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  return Object.assign(t, { size: () => size, sha1: () => (digest ??= hash.digest('hex')) });
}

/**
 * Streams `body` into the staging folder as `name`, unless this uploader already staged the same
 * key (then the body is drained and the staged file answered). Throws UploadTooLarge past
 * MAX_UPLOAD_BYTES (the partial file is deleted).
 */
export async function stageUpload(
  drive: drive_v3.Drive,
  opts: { projectsFolderId: string; uploader: string; key: string; name: string; mimeType: string; body: Readable; limit?: number },
): Promise<StagedUpload> {
  const existing = await findUpload(drive, opts.uploader, opts.key);
  if (existing?.id) {
    opts.body.resume();
    return { uploadId: existing.id, name: existing.name ?? opts.name, size: Number(existing.size ?? 0), sha1: existing.appProperties?.tasukiSha1 ?? '', created: false };
  }
  const folder = await stagingFolder(drive, opts.projectsFolderId);
  const counted = meter(opts.limit ?? MAX_UPLOAD_BYTES);
  opts.body.on('error', (err) => counted.destroy(err));
  const stream = opts.body.pipe(counted);
  let file: drive_v3.Schema$File;
  try {
    const res = await callGoogle('drive.files.create (upload staging)', () =>
      drive.files.create({
        requestBody: { name: opts.name, mimeType: opts.mimeType, parents: [folder.id], appProperties: { tasukiUploadKey: opts.key, tasukiUploader: opts.uploader } },
        media: { mimeType: opts.mimeType, body: stream },
        fields: 'id,name,size',
        supportsAllDrives: true,
      }),
    );
    file = res.data;
  } catch (err) {
    // A body cut off past the limit surfaces here (the client's upload failed with our error).
    if (counted.size() > (opts.limit ?? MAX_UPLOAD_BYTES)) throw new UploadTooLarge(opts.limit ?? MAX_UPLOAD_BYTES);
    throw err;
  }
  const sha1 = counted.sha1();
  // The hash is known only at the end: recorded on the file for the job's check.
  await callGoogle('drive.files.update (upload hash)', () =>
    drive.files.update({ fileId: file.id!, requestBody: { appProperties: { tasukiSha1: sha1 } }, supportsAllDrives: true }),
  );
  return { uploadId: file.id!, name: file.name ?? opts.name, size: counted.size(), sha1, created: true };
}

export type FiledUpload = { fileId: string; name: string; url: string };
export type UploadProblem = 'missing' | 'not_yours';

/**
 * Moves a staged upload into `folderId`, tagged {tasukiJob, tasukiKey}; already there → as is.
 * Answers a problem instead when the upload is gone or was staged by someone else.
 */
export async function fileUpload(
  drive: drive_v3.Drive,
  opts: { uploadId: string; uploader: string; folderId: string; tag: { jobId: string; key: string } },
): Promise<FiledUpload | { problem: UploadProblem }> {
  let file: drive_v3.Schema$File;
  try {
    file = (await drive.files.get({ fileId: opts.uploadId, fields: 'id,name,parents,appProperties,webViewLink,trashed', supportsAllDrives: true })).data;
  } catch (err) {
    if (statusOf(err) === 404) return { problem: 'missing' };
    return callGoogle('drive.files.get (upload)', () => Promise.reject(err));
  }
  if (file.trashed) return { problem: 'missing' };
  if (file.appProperties?.tasukiUploader !== opts.uploader) return { problem: 'not_yours' };
  const url = (f: drive_v3.Schema$File) => f.webViewLink ?? `https://drive.google.com/file/d/${f.id}/view`;
  const parents = file.parents ?? [];
  if (parents.includes(opts.folderId) && file.appProperties?.tasukiJob === opts.tag.jobId) return { fileId: file.id!, name: file.name ?? '', url: url(file) };
  const res = await callGoogle('drive.files.update (file upload)', () =>
    drive.files.update({
      fileId: file.id!,
      addParents: opts.folderId,
      ...(parents.filter((p) => p !== opts.folderId).length ? { removeParents: parents.filter((p) => p !== opts.folderId).join(',') } : {}),
      requestBody: { appProperties: { tasukiJob: opts.tag.jobId, tasukiKey: opts.tag.key } },
      fields: 'id,name,webViewLink',
      supportsAllDrives: true,
    }),
  );
  return { fileId: res.data.id!, name: res.data.name ?? file.name ?? '', url: url(res.data) };
}
