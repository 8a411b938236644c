/**
 * POST /v1/uploads?messageId=…&index=…&name=… — one e-mail attachment's bytes, raw (not base64:
 * a 25 MB attachment stays 25 MB, under Cloud Run's 32 MiB request limit), Content-Type = the
 * attachment's type, Google ID token like /v1/jobs. Streamed into Drive's staging folder
 * (workspace/attachmentUploads.ts); answers 201 {uploadId, name, size, sha1} (200 when this user
 * already uploaded that attachment of that message), 413 past MAX_UPLOAD_BYTES, 400 for a
 * missing message id, index or name. Mounted before the JSON body parser: the body is the file.
 */
import { Router } from 'express';
import * as z from 'zod';
import { requireUser } from '../auth/middleware.js';
import type { AppDeps } from '../deps.js';
import { MAX_UPLOAD_BYTES, stageUpload, UploadTooLarge } from '../workspace/attachmentUploads.js';
import { HttpError } from './httpErrors.js';

export const UploadQuery = z
  .object({
    messageId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be a Gmail message id'),
    index: z.coerce.number().int().min(0).max(49),
    name: z.string().trim().min(1, 'the file name is required').max(500),
  })
  .strict();

/** The upload key: the same attachment of the same message is one staged file per user. */
export function uploadKey(messageId: string, index: number): string {
  return `gmail:${messageId}:${index}`;
}

export function uploadsRouter(deps: AppDeps): Router {
  const { config } = deps;
  const router = Router();
  router.use(requireUser(config, deps.trust));
  router.post('/', async (req, res) => {
    const parsed = UploadQuery.safeParse(req.query);
    if (!parsed.success) throw HttpError.invalid(parsed.error, 'upload');
    const declared = Number(req.get('content-length') ?? NaN);
    if (declared > MAX_UPLOAD_BYTES) {
      req.resume();
      throw new HttpError(413, 'upload_too_large', `the attachment is ${declared} bytes; at most ${MAX_UPLOAD_BYTES} are accepted`);
    }
    const { messageId, index, name } = parsed.data;
    const google = await deps.google();
    try {
      const staged = await stageUpload(google.drive, {
        projectsFolderId: config.projectsFolderId,
        uploader: res.locals.user as string,
        key: uploadKey(messageId, index),
        name,
        mimeType: (req.get('content-type') ?? 'application/octet-stream').split(';')[0]!.trim() || 'application/octet-stream',
        body: req,
      });
      res.status(staged.created ? 201 : 200).json({ uploadId: staged.uploadId, name: staged.name, size: staged.size, sha1: staged.sha1 });
    } catch (err) {
      if (err instanceof UploadTooLarge) throw new HttpError(413, 'upload_too_large', `the attachment is larger than ${err.limit} bytes`);
      throw err;
    }
  });
  return router;
}
