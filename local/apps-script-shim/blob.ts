/**
 * Apps Script's Blob for the shim: bytes with a content type and a name. The bytes stay a Node
 * Buffer (a 25 MB attachment as a 25-million-element number[] would cost ~200 MB); getBytes()
 * makes Apps Script's signed Byte[] only when the add-on asks for it. UrlFetchApp sends a Blob
 * payload as its raw bytes (`bytesOf`).
 */
/// <reference types="google-apps-script" />
import type { SubsetOf } from './cardService.js';

const BYTES = new WeakMap<object, () => Buffer>();

/** The bytes behind a shim Blob (or GmailAttachment), or undefined for anything else. */
export function bytesOf(value: unknown): Buffer | undefined {
  return typeof value === 'object' && value !== null ? BYTES.get(value)?.() : undefined;
}

export function signedBytes(buf: Buffer): number[] {
  return [...buf].map((b) => (b > 127 ? b - 256 : b));
}

export class BlobShim {
  private bytes: Buffer;
  constructor(
    bytes: Buffer,
    private contentType: string | null,
    private name: string | null,
  ) {
    this.bytes = bytes;
    BYTES.set(this, () => this.bytes);
  }
  getBytes(): number[] {
    return signedBytes(this.bytes);
  }
  getContentType(): string | null {
    return this.contentType;
  }
  getName(): string | null {
    return this.name;
  }
  getDataAsString(): string {
    return this.bytes.toString('utf8');
  }
  setName(name: string): BlobShim {
    this.name = name;
    return this;
  }
  setContentType(contentType: string | null): BlobShim {
    this.contentType = contentType;
    return this;
  }
  setBytes(data: number[]): BlobShim {
    this.bytes = Buffer.from(data.map((b) => (b + 256) % 256));
    return this;
  }
  copyBlob(): BlobShim {
    return new BlobShim(Buffer.from(this.bytes), this.contentType, this.name);
  }
}

/** Registers `owner` as a Blob whose bytes `load` gives (for GmailAttachment, loaded on demand). */
export function registerBytes(owner: object, load: () => Buffer): void {
  BYTES.set(owner, load);
}

const checks: [SubsetOf<GoogleAppsScript.Base.Blob, BlobShim>] = [true];
void checks;
