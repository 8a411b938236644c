/**
 * Text normalization shared by the request parsers: full-width digits and punctuation (as typed
 * by Japanese IMEs) become ASCII, and the quoted part of a reply is cut off, so a due date or an
 * amount from an older message in the thread is not mistaken for the current request's.
 */

const FULL_WIDTH = /[\uFF01-\uFF5E]/g;

/** ０-９, Ａ-Ｚ, ／, ：, ￥ … → ASCII; the ideographic space → a space. */
export function toHalfWidth(text: string): string {
  return text
    .replace(FULL_WIDTH, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ')
    .replace(/\uFFE5/g, '¥');
}

const REPLY_HEADER = [
  /^On .+wrote:\s*$/i,
  /^-{2,}\s*(Original Message|Forwarded message)\s*-{2,}/i,
  /^\d{4}年\d{1,2}月\d{1,2}日.*(<|＜|wrote|のメッセージ|書きました)/,
  /^From:\s.+<.+@.+>/i,
];

/** The message's own lines: quoted lines (`>`) dropped, everything after a reply header cut. */
export function ownLines(body: string): string[] {
  const lines: string[] = [];
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (REPLY_HEADER.some((re) => re.test(line.trim()))) break;
    if (/^\s*>/.test(line)) continue;
    lines.push(line);
  }
  return lines;
}
