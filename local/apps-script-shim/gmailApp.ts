/**
 * GmailApp for the shim, over the sandbox's Gmail REST API (`users.messages.get`, format=full;
 * attachment bytes by `users.messages.attachments.get`, only when the add-on reads them), read
 * as the current user. As in Apps Script, getMessageById needs the per-message access token
 * from the event to have been set first (setCurrentMessageAccessToken); without it the call fails
 * the way a real add-on without that token does.
 */
/// <reference types="google-apps-script" />
import { createHash } from 'node:crypto';
import { BlobShim, registerBytes, signedBytes } from './blob.js';
import type { SubsetOf } from './cardService.js';

/** Reads one attachment's bytes (message id, the part's attachmentId). */
export type AttachmentReader = (messageId: string, attachmentId: string) => Buffer;

type Part = {
  mimeType?: string;
  filename?: string;
  headers?: Array<{ name?: string; value?: string }>;
  body?: { data?: string; size?: number; attachmentId?: string };
  parts?: Part[];
};
export type GmailApiMessage = { id: string; threadId?: string; internalDate?: string; labelIds?: string[]; snippet?: string; payload?: Part };

function decode(data: string | undefined): string {
  return data ? Buffer.from(data.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8') : '';
}

function walk(part: Part | undefined, visit: (p: Part) => void): void {
  if (!part) return;
  visit(part);
  for (const child of part.parts ?? []) walk(child, visit);
}

export class GmailAttachmentShim {
  private loaded: Buffer | undefined;
  constructor(
    private readonly part: Part,
    private readonly load: () => Buffer,
  ) {
    registerBytes(this, () => this.bytes());
  }
  private bytes(): Buffer {
    this.loaded ??= this.part.body?.data ? Buffer.from(this.part.body.data, 'base64url') : this.load();
    return this.loaded;
  }
  getName(): string {
    return this.part.filename ?? '';
  }
  getContentType(): string {
    return this.part.mimeType ?? 'application/octet-stream';
  }
  getSize(): number {
    return this.part.body?.size ?? 0;
  }
  getBytes(): number[] {
    return signedBytes(this.bytes());
  }
  getDataAsString(): string {
    return this.bytes().toString('utf8');
  }
  /** SHA-1 of the content, as hex (Apps Script documents "the SHA1 content hash"). */
  getHash(): string {
    return createHash('sha1').update(this.bytes()).digest('hex');
  }
  copyBlob(): BlobShim {
    return new BlobShim(Buffer.from(this.bytes()), this.getContentType(), this.getName());
  }
}

export class GmailMessageShim {
  constructor(
    private readonly msg: GmailApiMessage,
    private readonly readAttachment: AttachmentReader,
  ) {}
  private header(name: string): string {
    const h = this.msg.payload?.headers?.find((x) => x.name?.toLowerCase() === name.toLowerCase());
    return h?.value ?? '';
  }
  private body(mimeType: string): string {
    let found = '';
    walk(this.msg.payload, (p) => {
      if (!found && p.mimeType === mimeType && !p.filename) found = decode(p.body?.data);
    });
    return found;
  }
  getId(): string {
    return this.msg.id;
  }
  getSubject(): string {
    return this.header('Subject');
  }
  getFrom(): string {
    return this.header('From');
  }
  getTo(): string {
    return this.header('To');
  }
  getCc(): string {
    return this.header('Cc');
  }
  getReplyTo(): string {
    return this.header('Reply-To');
  }
  getDate(): Date {
    if (this.msg.internalDate) return new Date(Number(this.msg.internalDate));
    const d = new Date(this.header('Date'));
    return isNaN(d.getTime()) ? new Date(0) : d;
  }
  getPlainBody(): string {
    const plain = this.body('text/plain');
    if (plain) return plain;
    return this.body('text/html').replace(/<br\s*\/?>/gi, '\n').replace(/<[^>]+>/g, '');
  }
  getBody(): string {
    return this.body('text/html') || this.body('text/plain');
  }
  getAttachments(options?: { includeInlineImages?: boolean; includeAttachments?: boolean }): GmailAttachmentShim[] {
    if (options?.includeAttachments === false) return [];
    const out: GmailAttachmentShim[] = [];
    walk(this.msg.payload, (p) => {
      if (!p.filename) return;
      const inline = p.headers?.some((h) => h.name?.toLowerCase() === 'content-id');
      if (inline && options?.includeInlineImages === false) return;
      const attachmentId = p.body?.attachmentId ?? '';
      out.push(new GmailAttachmentShim(p, () => this.readAttachment(this.msg.id, attachmentId)));
    });
    return out;
  }
  getHeader(name: string): string {
    return this.header(name);
  }
}

/** The GmailApp global, and the shim's own control to forget the token between calls. */
export function createGmailApp(read: (messageId: string) => GmailApiMessage, readAttachment: AttachmentReader) {
  let currentToken: string | undefined;
  const service = {
    setCurrentMessageAccessToken(token: string): void {
      if (!token) throw new Error('Invalid argument: accessToken');
      currentToken = token;
    },
    getMessageById(id: string): GmailMessageShim | null {
      if (!currentToken) {
        throw new Error('Access denied: no current message access token; call GmailApp.setCurrentMessageAccessToken(e.gmail.accessToken) first');
      }
      return new GmailMessageShim(read(id), readAttachment);
    },
  };
  return {
    service,
    /** Between calls: the per-message token belongs to one event. */
    resetCurrentMessage(): void {
      currentToken = undefined;
    },
  };
}

const checks: [
  SubsetOf<GoogleAppsScript.Gmail.GmailApp, ReturnType<typeof createGmailApp>['service']>,
  SubsetOf<GoogleAppsScript.Gmail.GmailMessage, GmailMessageShim>,
  SubsetOf<GoogleAppsScript.Gmail.GmailAttachment, GmailAttachmentShim>,
] = [true, true, true];
void checks;
