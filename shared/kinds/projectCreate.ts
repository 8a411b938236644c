/** `project.create`: a request (e-mail, Chat dialog, portal order) becomes a project. */
import * as z from 'zod';
import { Client, IsoDate, Link, ProjectNumber, Yen } from './common.js';

export const RequestAttachment = z
  .object({
    name: z.string().min(1).max(500),
    mimeType: z.string().max(200),
    size: z.number().int().min(0),
    /**
     * The add-on's upload of this attachment (POST /v1/uploads answers it): the bytes are already
     * in Drive. Without it the service reads the attachment through Gmail delegation when that is
     * on, else reports it as not filed.
     */
    uploadId: z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'must be an upload id from /v1/uploads').optional(),
  })
  .strict();

export type RequestAttachment = z.infer<typeof RequestAttachment>;

export const ProjectCreateInput = z
  .object({
    source: z.enum(['gmail', 'chat', 'sheets', 'portal', 'console']),
    client: Client,
    title: z.string().trim().min(1, 'title is required').max(200),
    due: IsoDate.optional(),
    amount: Yen.optional(),
    /** The originating request, extracted in Apps Script (the server never reads Gmail with the user's token). */
    request: z
      .object({
        gmailMessageId: z.string().optional(),
        subject: z.string().max(1000).optional(),
        from: z.string().max(500).optional(),
        receivedAt: z.string().optional(),
        body: z.string().max(50_000).optional(),
        attachments: z.array(RequestAttachment).max(50).default([]),
      })
      .strict()
      .optional(),
    /** Intake entry (from portal.scrape) this project consumes. */
    intakeId: z.string().optional(),
    /**
     * The user confirmed that `client` is a new client (the card's "register as a new client").
     * Without it, a client the directory (Ledger + Clients sheet) does not know is refused.
     */
    newClient: z.boolean().optional(),
  })
  .strict();
export type ProjectCreateInput = z.infer<typeof ProjectCreateInput>;

/** How project.create named the client: an existing one (and how it matched) or a confirmed new one. */
export const ClientResolution = z.object({ name: z.string(), matchedBy: z.enum(['domain', 'name', 'alias', 'new']) });
export type ClientResolution = z.infer<typeof ClientResolution>;

export const ProjectCreateResult = z.object({
  projectNumber: ProjectNumber,
  client: ClientResolution.optional(),
  /** How many of the mail's attachments were filed, in the job's language ("2 / 2 件", "2 of 2"). */
  attachmentsFiled: z.string().optional(),
  /** One line per attachment that could not be filed, saying why, in the job's language. */
  attachmentProblems: z.string().optional(),
  folderId: z.string(),
  folderUrl: z.string(),
  briefDocId: z.string(),
  ledgerRow: z.number().int(),
  scheduleRow: z.number().int(),
  links: z.array(Link),
});
export type ProjectCreateResult = z.infer<typeof ProjectCreateResult>;
