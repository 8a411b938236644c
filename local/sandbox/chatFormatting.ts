/**
 * How Google Chat reads a message's `text`, as the sandbox models it: the console draws messages
 * from these tokens, the sandbox's Chat API derives the USER_MENTION annotations Google returns
 * from them, and tests and `npm run abuse` ask them whether user text became markup.
 *
 * The model is the union of the two syntaxes Google documents ("Format messages"): Chat's own
 * (MARKUP_SYNTAX_CHAT: `*bold*`, `_italic_`, `~strike~`, `` `code` ``, ```` ```block``` ````,
 * `* `/`- ` bullets, `>` quotes, `<url|label>` links, `<users/{user}>` and `<users/all>`
 * mentions, bare URLs linked) and CommonMark's (MARKUP_SYNTAX_MARKDOWN: `**bold**`, `~~strike~~`,
 * `[label](url)`, `# ` headings, numbered lists). Which one a real message uses depends on the
 * app's configuration, so anything either would format counts as markup here. It is a model of
 * the rules, not a full CommonMark parser: nesting is not modelled (the inner text stays text).
 *
 * Pure string code (no DOM, no Node APIs): the console bundles it for the browser.
 */

export type ChatToken =
  | { kind: 'text'; text: string }
  | { kind: 'bold' | 'italic' | 'strike' | 'code' | 'pre'; text: string }
  | { kind: 'link'; text: string; href: string }
  | { kind: 'mention'; text: string; user: string }
  /** A line-start construct: bullet or numbered list item, block quote, heading. */
  | { kind: 'block'; text: string; block: 'bullet' | 'quote' | 'heading' };

const INLINE = new RegExp(
  [
    /```\n?([\s\S]*?)```/.source, // 1 monospace block
    /`([^`\n]+)`/.source, // 2 monospace
    /<(users\/[^>\s]+)>/.source, // 3 mention
    /<((?:https?|mailto):[^|>\s]+)(?:\|([^>]*))?>/.source, // 4 url, 5 label
    /\[([^\]\n]+)\]\(([^)\s]+)\)/.source, // 6 label, 7 url (Markdown)
    /((?:https?:\/\/|www\.)[^\s<>]+)/.source, // 8 bare URL (linked by Chat)
    /\*\*([^*\n]+)\*\*/.source, // 9 bold (Markdown)
    /\*([^*\n]+)\*/.source, // 10 bold (Chat) / italic (Markdown)
    /(?<![A-Za-z0-9])__?([^_\n]+?)__?(?![A-Za-z0-9])/.source, // 11 italic / bold (Markdown)
    /~~?([^~\n]+)~~?/.source, // 12 strikethrough
  ].join('|'),
  'g',
);

function inline(text: string, out: ChatToken[]): void {
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    const at = m.index ?? 0;
    if (at > last) out.push({ kind: 'text', text: text.slice(last, at) });
    if (m[1] !== undefined) out.push({ kind: 'pre', text: m[1] });
    else if (m[2] !== undefined) out.push({ kind: 'code', text: m[2] });
    else if (m[3] !== undefined) out.push({ kind: 'mention', text: m[3] === 'users/all' ? '@all' : `@${m[3].slice('users/'.length)}`, user: m[3] });
    else if (m[4] !== undefined) out.push({ kind: 'link', text: m[5] || m[4], href: m[4] });
    else if (m[6] !== undefined) out.push({ kind: 'link', text: m[6], href: m[7]! });
    else if (m[8] !== undefined) out.push({ kind: 'link', text: m[8], href: m[8].startsWith('www.') ? `https://${m[8]}` : m[8] });
    else if (m[9] !== undefined) out.push({ kind: 'bold', text: m[9] });
    else if (m[10] !== undefined) out.push({ kind: 'bold', text: m[10] });
    else if (m[11] !== undefined) out.push({ kind: 'italic', text: m[11] });
    else if (m[12] !== undefined) out.push({ kind: 'strike', text: m[12] });
    last = at + m[0].length;
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last) });
}

const LINE_START = /^ {0,3}(?:([-*+]|\d{1,9}[.)])[ \t]+|(>)[ \t]?|(#{1,6})[ \t]+)/;

/** The tokens of a message text, in order; `text` tokens are shown as they are. */
export function parseChatText(text: string): ChatToken[] {
  const out: ChatToken[] = [];
  // Monospace blocks may span lines; everything else is read line by line.
  const parts = text.split(/(```[\s\S]*?```)/);
  parts.forEach((part, i) => {
    if (i % 2 === 1) {
      inline(part, out);
      return;
    }
    part.split('\n').forEach((line, n) => {
      if (n > 0) out.push({ kind: 'text', text: '\n' });
      const start = LINE_START.exec(line);
      if (start) {
        out.push({ kind: 'block', text: start[0], block: start[2] ? 'quote' : start[3] ? 'heading' : 'bullet' });
        line = line.slice(start[0].length);
      }
      inline(line, out);
    });
  });
  return mergeText(out);
}

function mergeText(tokens: ChatToken[]): ChatToken[] {
  const out: ChatToken[] = [];
  for (const t of tokens) {
    const prev = out[out.length - 1];
    if (t.kind === 'text' && prev?.kind === 'text') prev.text += t.text;
    else if (t.kind !== 'text' || t.text) out.push(t);
  }
  return out;
}

/** The tokens that are markup (anything but plain text). */
export function chatMarkup(text: string): ChatToken[] {
  return parseChatText(text).filter((t) => t.kind !== 'text');
}

/** Chat's USER_MENTION annotations for a text, as the API returns them on a message. */
export function mentionAnnotations(text: string): Array<{ type: 'USER_MENTION'; startIndex: number; length: number; userMention: { user: { name: string; type: 'HUMAN' }; type: 'MENTION' } }> {
  const found = [];
  for (const m of text.matchAll(/<(users\/[^>\s]+)>/g)) {
    found.push({ type: 'USER_MENTION' as const, startIndex: m.index ?? 0, length: m[0].length, userMention: { user: { name: m[1]!, type: 'HUMAN' as const }, type: 'MENTION' as const } });
  }
  return found;
}

/**
 * The card text fields Chat renders with its HTML subset (section headers, textParagraph,
 * decoratedText's text and labels, in columns too), with their JSON paths. Header titles and
 * button texts are plain text and are not listed.
 */
export function cardHtmlFields(cardsV2: unknown): Array<{ path: string; html: string }> {
  const out: Array<{ path: string; html: string }> = [];
  const widgets = (list: unknown, path: string) => {
    (Array.isArray(list) ? list : []).forEach((w: any, i) => {
      const at = `${path}[${i}]`;
      if (typeof w?.textParagraph?.text === 'string') out.push({ path: `${at}.textParagraph.text`, html: w.textParagraph.text });
      for (const field of ['topLabel', 'text', 'bottomLabel']) {
        if (typeof w?.decoratedText?.[field] === 'string') out.push({ path: `${at}.decoratedText.${field}`, html: w.decoratedText[field] });
      }
      (Array.isArray(w?.columns?.columnItems) ? w.columns.columnItems : []).forEach((c: any, j: number) => widgets(c?.widgets, `${at}.columns.columnItems[${j}].widgets`));
    });
  };
  (Array.isArray(cardsV2) ? cardsV2 : []).forEach((c: any, i) => {
    (Array.isArray(c?.card?.sections) ? c.card.sections : []).forEach((s: any, j: number) => {
      const at = `cardsV2[${i}].card.sections[${j}]`;
      if (typeof s?.header === 'string') out.push({ path: `${at}.header`, html: s.header });
      widgets(s?.widgets, `${at}.widgets`);
    });
  });
  return out;
}

/** HTML tags in those fields: each is markup Chat would render (a link, bold, a colour…). */
export function cardMarkup(cardsV2: unknown): Array<{ path: string; tag: string }> {
  return cardHtmlFields(cardsV2).flatMap(({ path, html }) => [...html.matchAll(/<\/?[A-Za-z][^>]*>/g)].map((m) => ({ path, tag: m[0] })));
}

/** The characters an HTML text field shows (entities decoded; tags are kept as written). */
export function htmlFieldText(html: string): string {
  return html.replace(/&(#\d+|#x[0-9a-f]+|amp|lt|gt|quot|apos);/gi, (whole, e: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (e[0] !== '#') return named[e.toLowerCase()] ?? whole;
    return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });
}
