/** `project.create`: a request (e-mail, Chat dialog, portal order) becomes a project. */
import * as z from '../zod.js';
import { Client, IsoDate, Link, ProjectNumber, Yen } from './common.js';

export const RequestAttachment = z.strictObject({
  name: z.string().check(z.minLength(1), z.maxLength(500)),
  mimeType: z.string().check(z.maxLength(200)),
  size: z.number().check(z.int(), z.gte(0)),
  /**
   * The add-on's upload of this attachment (POST /v1/uploads answers it): the bytes are already
   * in Drive. Without it the service reads the attachment through Gmail delegation when that is
   * on, else reports it as not filed.
   */
  uploadId: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,200}$/, 'must be an upload id from /v1/uploads'))),
});

export type RequestAttachment = z.infer<typeof RequestAttachment>;

export const ProjectCreateInput = z.strictObject({
  source: z.enum(['gmail', 'chat', 'sheets', 'portal', 'console']),
  client: Client,
  title: z.string().check(z.trim(), z.minLength(1, 'title is required'), z.maxLength(200)),
  due: z.optional(IsoDate),
  amount: z.optional(Yen),
  /** The originating request, extracted in Apps Script (the server never reads Gmail with the user's token). */
  request: z.optional(
    z.strictObject({
      gmailMessageId: z.optional(z.string()),
      subject: z.optional(z.string().check(z.maxLength(1000))),
      from: z.optional(z.string().check(z.maxLength(500))),
      receivedAt: z.optional(z.string()),
      body: z.optional(z.string().check(z.maxLength(50_000))),
      attachments: z._default(z.array(RequestAttachment).check(z.maxLength(50)), []),
    }),
  ),
  /** Intake entry (from portal.scrape) this project consumes. */
  intakeId: z.optional(z.string()),
  /**
   * The user confirmed that `client` is a new client (the card's "register as a new client").
   * Without it, a client the directory (Ledger + Clients sheet) does not know is refused.
   */
  newClient: z.optional(z.boolean()),
});
export type ProjectCreateInput = z.infer<typeof ProjectCreateInput>;

/** How project.create named the client: an existing one (and how it matched) or a confirmed new one. */
export const ClientResolution = z.object({ name: z.string(), matchedBy: z.enum(['domain', 'name', 'alias', 'new']) });
export type ClientResolution = z.infer<typeof ClientResolution>;

export const ProjectCreateResult = z.object({
  projectNumber: ProjectNumber,
  client: z.optional(ClientResolution),
  /**
   * The mail's attachments: how many were filed into the project folder, and for each one that
   * could not be, its name and why in both languages (the card shows them in the reader's).
   */
  attachments: z.optional(z.object({
    filed: z.number().check(z.int()),
    total: z.number().check(z.int()),
    problems: z.array(z.object({ name: z.string(), reason: z.object({ ja: z.string(), en: z.string() }) })),
  })),
  folderId: z.string(),
  folderUrl: z.string(),
  briefDocId: z.string(),
  ledgerRow: z.number().check(z.int()),
  scheduleRow: z.number().check(z.int()),
  links: z.array(Link),
});
export type ProjectCreateResult = z.infer<typeof ProjectCreateResult>;
