/** `project.create`: a request (e-mail, Chat dialog, portal order) becomes a project. */
import * as z from 'zod';
import { Client, IsoDate, Link, ProjectNumber, Yen } from './common.js';

export const RequestAttachment = z
  .object({
    name: z.string().min(1).max(500),
    mimeType: z.string().max(200),
    size: z.number().int().min(0),
    /** Gmail attachment id, to copy it into Drive when Gmail access is configured. */
    gmailAttachmentId: z.string().optional(),
  })
  .strict();

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
  folderId: z.string(),
  folderUrl: z.string(),
  briefDocId: z.string(),
  ledgerRow: z.number().int(),
  scheduleRow: z.number().int(),
  links: z.array(Link),
});
export type ProjectCreateResult = z.infer<typeof ProjectCreateResult>;
