/**
 * E-mail messages in Gmail's API shape, to and from RFC 822. The sandbox stores each message as
 * Gmail's `payload` tree (headers, parts, base64url bodies; attachments by id, their bytes in
 * blobs) and renders `format=raw` by assembling the MIME text again. Drafts arrive as raw
 * RFC 822 and are parsed here (multipart, base64, quoted-printable, RFC 2047 encoded words) —
 * enough for the mail tasuki and common clients write, not a general MIME library.
 */
import { randomBytes } from 'node:crypto';

export type Header = { name: string; value: string };
export type MessagePartBody = { size: number; data?: string; attachmentId?: string };
export type MessagePart = { partId: string; mimeType: string; filename: string; headers: Header[]; body: MessagePartBody; parts?: MessagePart[] };
/** An attachment's bytes, kept out of the payload (stored as a blob under its id). */
export type AttachmentBytes = { attachmentId: string; data: Buffer };

export const header = (part: { headers: Header[] }, name: string) => part.headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;

function encodeWord(s: string): string {
  return /^[\x20-\x7e]*$/.test(s) ? s : `=?UTF-8?B?${Buffer.from(s).toString('base64')}?=`;
}

/** Encodes non-ASCII header text; in address headers only the display names, never the addresses. */
function encodeHeaderValue(h: Header): string {
  if (/^(from|to|cc|bcc|reply-to)$/i.test(h.name)) {
    return h.value.split(',').map((addr) => {
      const m = /^\s*(.*?)\s*<([^>]+)>\s*$/.exec(addr);
      return m ? `${m[1] ? `${encodeWord(m[1].replace(/^"|"$/g, ''))} ` : ''}<${m[2]}>` : addr.trim();
    }).join(', ');
  }
  return /^subject$/i.test(h.name) ? encodeWord(h.value) : h.value;
}

function decodeWords(s: string): string {
  return s.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=(\s+(?==\?))?/g, (_m, _cs, enc: string, text: string) =>
    enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : Buffer.from(decodeQP(text.replace(/_/g, ' ')), 'binary').toString('utf8'),
  );
}

function decodeQP(s: string): string {
  return s.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

export type NewAttachment = { filename: string; mimeType: string; data: Buffer };

/** Builds a Gmail payload from parts of a message (the seed and tests use it). */
export function buildPayload(opts: { headers: Header[]; text: string; html?: string; attachments?: NewAttachment[] }): { payload: MessagePart; attachments: AttachmentBytes[] } {
  const attachments: AttachmentBytes[] = [];
  const leaf = (partId: string, mimeType: string, data: Buffer, filename = '', extraHeaders: Header[] = []): MessagePart => {
    const headers: Header[] = [
      { name: 'Content-Type', value: filename ? `${mimeType}; name="${encodeWord(filename)}"` : `${mimeType}; charset="UTF-8"` },
      ...(filename ? [{ name: 'Content-Disposition', value: `attachment; filename="${encodeWord(filename)}"` }] : []),
      { name: 'Content-Transfer-Encoding', value: 'base64' },
      ...extraHeaders,
    ];
    if (filename) {
      const attachmentId = `ANGjdJ${randomBytes(24).toString('base64url')}`;
      attachments.push({ attachmentId, data });
      return { partId, mimeType, filename, headers, body: { size: data.length, attachmentId } };
    }
    return { partId, mimeType, filename: '', headers, body: { size: data.length, data: data.toString('base64url') } };
  };
  const textPart = (prefix: string): MessagePart => {
    if (!opts.html) return leaf(prefix || '', 'text/plain', Buffer.from(opts.text));
    const boundary = `alt-${randomBytes(8).toString('hex')}`;
    return {
      partId: prefix, mimeType: 'multipart/alternative', filename: '',
      headers: [{ name: 'Content-Type', value: `multipart/alternative; boundary="${boundary}"` }],
      body: { size: 0 },
      parts: [leaf(prefix ? `${prefix}.0` : '0', 'text/plain', Buffer.from(opts.text)), leaf(prefix ? `${prefix}.1` : '1', 'text/html', Buffer.from(opts.html))],
    };
  };
  const top: Header[] = [{ name: 'MIME-Version', value: '1.0' }, ...opts.headers.map((h) => ({ name: h.name, value: h.value }))];
  if (!opts.attachments?.length) {
    const body = textPart('');
    return { payload: { ...body, headers: [...top, ...body.headers] }, attachments };
  }
  const boundary = `mixed-${randomBytes(8).toString('hex')}`;
  const parts = [textPart('0'), ...opts.attachments.map((a, i) => leaf(String(i + 1), a.mimeType, a.data, a.filename))];
  return {
    payload: { partId: '', mimeType: 'multipart/mixed', filename: '', headers: [...top, { name: 'Content-Type', value: `multipart/mixed; boundary="${boundary}"` }], body: { size: 0 }, parts },
    attachments,
  };
}

/** The message as RFC 822 text (format=raw); attachment bytes come from `blob`. */
export function toRfc822(payload: MessagePart, blob: (attachmentId: string) => Buffer | undefined): string {
  const render = (part: MessagePart, top: boolean): string => {
    const headers = part.headers.filter((h) => top || /^content-/i.test(h.name)).map((h) => `${h.name}: ${encodeHeaderValue(h)}`);
    if (part.parts) {
      const boundary = /boundary="?([^";]+)"?/.exec(header(part, 'Content-Type') ?? '')?.[1] ?? 'b';
      const inner = part.parts.map((p) => `--${boundary}\r\n${render(p, false)}`).join('\r\n');
      return `${headers.join('\r\n')}\r\n\r\n${inner}\r\n--${boundary}--`;
    }
    const data = part.body.attachmentId ? blob(part.body.attachmentId) ?? Buffer.alloc(0) : Buffer.from(part.body.data ?? '', 'base64url');
    const b64 = data.toString('base64').replace(/.{76}/g, '$&\r\n');
    return `${headers.join('\r\n')}\r\n\r\n${b64}`;
  };
  return render(payload, true) + '\r\n';
}

/** Parses RFC 822 text into a payload (drafts.create's `raw`). */
export function parseRfc822(raw: string): { payload: MessagePart; attachments: AttachmentBytes[] } {
  const attachments: AttachmentBytes[] = [];
  const parse = (text: string, partId: string): MessagePart => {
    const sep = /\r?\n\r?\n/.exec(text);
    const headText = sep ? text.slice(0, sep.index) : text;
    const bodyText = sep ? text.slice(sep.index + sep[0].length) : '';
    const headers: Header[] = [];
    for (const line of headText.split(/\r?\n(?![ \t])/)) {
      const at = line.indexOf(':');
      if (at > 0) headers.push({ name: line.slice(0, at).trim(), value: decodeWords(line.slice(at + 1).replace(/\r?\n[ \t]+/g, ' ').trim()) });
    }
    const type = header({ headers }, 'Content-Type') ?? 'text/plain; charset="UTF-8"';
    const mimeType = type.split(';')[0]!.trim().toLowerCase();
    const disposition = header({ headers }, 'Content-Disposition') ?? '';
    const filename = decodeWords(/filename\*?="?([^";]+)"?/i.exec(disposition)?.[1] ?? /name="?([^";]+)"?/i.exec(type)?.[1] ?? '');
    if (mimeType.startsWith('multipart/')) {
      const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
      const chunks = boundary ? bodyText.split(new RegExp(`\\r?\\n?--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?[ \\t]*\\r?\\n?`)).slice(1, -1) : [];
      return { partId, mimeType, filename: '', headers, body: { size: 0 }, parts: chunks.map((c, i) => parse(c, partId ? `${partId}.${i}` : String(i))) };
    }
    const cte = (header({ headers }, 'Content-Transfer-Encoding') ?? '7bit').toLowerCase();
    const data = cte === 'base64' ? Buffer.from(bodyText.replace(/\s+/g, ''), 'base64') : cte === 'quoted-printable' ? Buffer.from(decodeQP(bodyText), 'binary') : Buffer.from(bodyText, 'utf8');
    if (filename) {
      const attachmentId = `ANGjdJ${randomBytes(24).toString('base64url')}`;
      attachments.push({ attachmentId, data });
      return { partId, mimeType, filename, headers, body: { size: data.length, attachmentId } };
    }
    return { partId, mimeType, filename: '', headers, body: { size: data.length, data: data.toString('base64url') } };
  };
  return { payload: parse(raw, ''), attachments };
}

/** The first text/plain body, for snippets and search. */
export function plainText(part: MessagePart): string {
  if (part.mimeType === 'text/plain' && part.body.data && !part.filename) return Buffer.from(part.body.data, 'base64url').toString('utf8');
  for (const p of part.parts ?? []) {
    const t = plainText(p);
    if (t) return t;
  }
  return '';
}

export function hasAttachment(part: MessagePart): boolean {
  return Boolean(part.filename) || (part.parts ?? []).some(hasAttachment);
}
