/**
 * An e-mail body read as the thread it carries: the message's own text first, then every quoted
 * or forwarded older message as its own block, with its author and the day it was sent when its
 * header says so (Gmail's "On … wrote:" and "2026年11月25日(水) 17:41 名前 <addr>:", Outlook's
 * "-----Original Message-----"/"From: … Sent: …", "---------- Forwarded message ---------").
 *
 * Why blocks and not "cut at the first quote": the office reads the whole thread. A client's
 * "OK, please go ahead" carries no amount, but the quote it accepts does; a mail the office sent
 * names its client in the quoted request; a forward is the request. Older text still counts less,
 * and its relative dates (来週金曜) count from the day *it* was sent, not today.
 *
 * Each block knows its signature (the lines after a `--`/rule line, or after the closing phrase,
 * or its last paragraph), where the sender's company is written.
 */
import { monthFromName, type CalendarDay } from './calendarDay.js';
import { toHalfWidth } from './text.js';

export type Address = { name?: string; email?: string };

export type MailLine = {
  /** Half-width text without quote markers. */
  text: string;
  /** The same line as written (same length and offsets as `text`), for showing as evidence. */
  raw: string;
  block: number;
  /** Part of the block's signature. */
  signature: boolean;
};

export type MailBlock = {
  index: number;
  /** The subject line is block 0's too, marked so. */
  kind: 'own' | 'quoted' | 'forwarded';
  author?: Address;
  /** The day the block was written: today for the own text, the header's date for older ones. */
  day?: CalendarDay;
  lines: MailLine[];
};

export type MailThread = { subject: MailLine; blocks: MailBlock[] };

/** `"山田 太郎" <Yamada@Acme.co.jp>`, `Yamada <y@x>`, `<y@x>` or a bare address. */
export function parseAddress(text: string): Address {
  const t = text.trim();
  const angle = /^(.*?)\s*<\s*([^<>\s]+@[^<>\s]+)\s*>/.exec(t);
  if (angle) {
    const name = angle[1]!.replace(/^["'\s]+|["'\s]+$/g, '').trim();
    return name ? { name, email: angle[2]!.toLowerCase() } : { email: angle[2]!.toLowerCase() };
  }
  const bare = /[^\s<>"',;:]+@[^\s<>"',;:]+\.[a-z]{2,}/i.exec(t);
  if (bare) return { email: bare[0].toLowerCase() };
  return t ? { name: t } : {};
}

/** Every address of a To or Cc header (commas inside quoted names do not split). */
export function parseAddressList(header: string): Address[] {
  return (header.match(/(?:"[^"]*"|[^,])+/g) ?? []).map(parseAddress).filter((a) => a.email);
}

const ADDRESS = '<?([^<>\\s]+@[^<>\\s]+?)>?';
/** Header lines that start an older message, with what they tell. */
const STARTS: Array<{ re: RegExp; kind: 'quoted' | 'forwarded' }> = [
  { re: new RegExp(`^On (.+?\\d{4}.*?)(?: at [\\d:]+\\s*[AP]M)?,? (.*?)\\s*${ADDRESS}\\s*wrote:$`, 'i'), kind: 'quoted' },
  { re: new RegExp(`^(\\d{4}年\\d{1,2}月\\d{1,2}日.*?)\\s+(?:\\d{1,2}:\\d{2}\\s+)?(.*?)\\s*${ADDRESS}\\s*(?:のメッセージ|が書きました|wrote)?\\s*[:：]?$`), kind: 'quoted' },
  { re: /^-{2,}\s*(?:Original Message|元のメッセージ)\s*-{2,}$/i, kind: 'quoted' },
  { re: /^-{2,}\s*(?:Forwarded message|転送メッセージ|Forwarded Message)\s*-{2,}$|^Begin forwarded message:$/i, kind: 'forwarded' },
];
const HEADER_FIELD = /^(From|Sent|Date|To|Cc|Subject|差出人|送信者|送信日時|日付|日時|宛先|件名|CC)\s*[:：]\s*(.*)$/i;

/** The day in a header date: "Mon, Nov 30, 2026 at 6:12 PM", "14 November 2025 10:02", "2026年11月28日(土)". */
export function headerDay(text: string): CalendarDay | undefined {
  const t = toHalfWidth(text);
  let m = /(\d{4})\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})/.exec(t);
  if (m) return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  m = /([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})/.exec(t);
  if (m && monthFromName(m[1]!)) return { year: Number(m[3]), month: monthFromName(m[1]!), day: Number(m[2]) };
  m = /(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})/.exec(t);
  if (m && monthFromName(m[2]!)) return { year: Number(m[3]), month: monthFromName(m[2]!), day: Number(m[1]) };
  return undefined;
}

const RULE_LINE = /^\s*(?:--\s*|[-=_*~━─―—–ー＝┌└│┏┗]{2,}.*|[-—–]\s*)$/;
const BOX_LINE = /^[┌└┏┗].*$/;
const CLOSING = /^(?:よろしく|宜しく|何卒|どうぞよろしく|引き続き|今後とも|以上|敬具|best|kind regards|regards|warm regards|with kind regards|many thanks|thanks|thank you|cheers|sincerely|best wishes|all the best|grazie|un saludo|merci|danke)/i;

/** Marks the block's signature lines (see the file header). */
function markSignature(lines: MailLine[]): void {
  const text = lines.map((l) => l.text.trim());
  let start = -1;
  for (let i = 1; i < text.length; i++) {
    const rest = text.slice(i + 1).filter(Boolean).length;
    if ((RULE_LINE.test(text[i]!) || BOX_LINE.test(text[i]!)) && rest > 0 && rest <= 10) {
      start = i;
      break;
    }
  }
  if (start < 0) {
    for (let i = text.length - 1; i >= 0; i--) {
      if (text[i]!.length <= 30 && CLOSING.test(text[i]!)) {
        start = i;
        break;
      }
    }
  }
  if (start < 0) {
    // The last paragraph, when short: "ギャラリー潮騒 / 〒… / 池田 美和".
    let last = text.length - 1;
    while (last >= 0 && !text[last]) last--;
    let first = last;
    while (first > 0 && text[first - 1]) first--;
    if (last >= 0 && last - first < 8 && first > 0) start = first - 1;
  }
  if (start < 0) return;
  for (let i = start + 1; i < lines.length; i++) lines[i]!.signature = true;
}

/** The line without its `>` quote markers. */
function unquote(raw: string): string {
  return raw.replace(/^(?:\s*>)+\s?/, '');
}

export function readThread(subject: string, body: string, today: CalendarDay, from: Address): MailThread {
  const blocks: MailBlock[] = [{ index: 0, kind: 'own', author: from, day: today, lines: [] }];
  let current = blocks[0]!;
  let inHeader = false;
  const open = (kind: 'quoted' | 'forwarded', author?: Address, day?: CalendarDay) => {
    current = { index: blocks.length, kind, author, day, lines: [] };
    blocks.push(current);
    inHeader = true;
  };
  const raws = body.replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < raws.length; i++) {
    const quotedText = unquote(raws[i]!);
    let raw = quotedText.trim();
    let text = toHalfWidth(raw);
    // Gmail wraps a long "On …, Name <addr>" line before "wrote:".
    if (/^On .+\d{4}/.test(text) && !/wrote:$/.test(text) && /^(?:>\s*)*wrote:\s*$/.test(raws[i + 1] ?? '')) {
      text = `${text} wrote:`;
      raw = text;
      i++;
    }
    const start = STARTS.find((s) => s.re.test(text));
    if (start) {
      const m = start.re.exec(text)!;
      const author = m[3] ? { ...parseAddress(`${m[2] ?? ''} <${m[3]}>`) } : undefined;
      open(start.kind, author, m[1] ? headerDay(m[1]) : undefined);
      inHeader = !m[3];
      continue;
    }
    const field = HEADER_FIELD.exec(text);
    // Outlook without a separator line: "From: Name <addr>" opens the older message.
    if (field && !inHeader && /^(From|差出人|送信者)$/i.test(field[1]!) && /@/.test(field[2]!)) {
      open('quoted');
    }
    if (field && inHeader) {
      const name = field[1]!.toLowerCase();
      if (/^(from|差出人|送信者)$/.test(name)) current.author = parseAddress(field[2]!);
      else if (/^(sent|date|送信日時|日付|日時)$/.test(name)) current.day = headerDay(field[2]!) ?? current.day;
      continue;
    }
    if (inHeader && text === '') continue;
    inHeader = false;
    current.lines.push({ text, raw, block: current.index, signature: false });
  }
  for (const b of blocks) markSignature(b.lines);
  const subjectRaw = subject.trim();
  return { subject: { text: toHalfWidth(subjectRaw), raw: subjectRaw, block: 0, signature: false }, blocks };
}

export type PlacedLine = { line: MailLine; block: MailBlock; where: 'subject' | 'body' | 'quoted' | 'forwarded' };

/** The subject, then every block's lines, each with where it stands in the mail. */
export function placedLines(thread: MailThread): PlacedLine[] {
  const subject: PlacedLine[] = [{ line: thread.subject, block: thread.blocks[0]!, where: 'subject' }];
  return subject.concat(
    thread.blocks.flatMap((block) => block.lines.map((line) => ({ line, block, where: block.kind === 'own' ? ('body' as const) : block.kind }))),
  );
}

/** The office's own address (its domain or a subdomain of it). */
export function isOfficeAddress(email: string | undefined, officeDomains: string[]): boolean {
  const domain = email?.split('@')[1]?.toLowerCase();
  return !!domain && officeDomains.some((d) => domain === d.toLowerCase() || domain.endsWith(`.${d.toLowerCase()}`));
}
