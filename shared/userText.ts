/**
 * User text is data, never markup. Every string that came from a person or an e-mail (titles,
 * client names, subjects, file names, search words, portal data) goes through the escaper of the
 * place it lands, at the moment it is put there:
 *
 * - `forChatText`  Chat message `text`. Chat has NO escape syntax (Google's "Format messages"
 *   page lists `*bold*`, `_italic_`, `~strike~`, `` `code` ``, ```` ``` ```` blocks, `* `/`- `
 *   bullets, `>` quotes, `<url|label>` links, `<users/{user}>` and `<users/all>` mentions, bare
 *   URLs that become links; and, when the app or request uses MARKUP_SYNTAX_MARKDOWN, CommonMark
 *   on top: `**`, `~~`, `[label](url)`, `# ` headings, `&entity;`). A backslash would show up in
 *   Chat syntax and escape in Markdown syntax, so neither mode can be escaped the same way. We
 *   therefore *defuse*: each markup character is replaced by a look-alike that no syntax knows
 *   (`<`→`˂`, `*`→`∗`, `~`→`∼`, `` ` ``→`ˋ`, `://`→`∶//`, …), line breaks become spaces (no
 *   line-start syntax), and a leading list/heading marker gets a zero-width space before it. The
 *   text reads the same; the byte-exact original stays in the card, the ledger, Drive and Docs.
 * - `forCardHtml`  card text widgets that accept Chat's HTML subset (textParagraph,
 *   decoratedText text/topLabel/bottomLabel, section headers): HTML-escaped, so it shows exactly
 *   as typed. Card header titles and button texts are plain text in Chat and need nothing.
 * - `forDocsValue` a value replacing a `{{placeholder}}` in a Google Doc: Docs' replaceAllText
 *   requests run one after another, so a value containing `{{amount}}` would itself be replaced
 *   by a later request; `{{` is split with a word joiner so no value ever contains a placeholder.
 * - `forDriveName` a Drive file or folder name: no control characters or line breaks (they break
 *   listings and every line that echoes the name), no bidirectional overrides (they disguise an
 *   extension: "invoice\u202Efdp.exe" shows as "invoiceexe.pdf"), collapsed spaces.
 * - `forMailHeader` an e-mail header value that cannot be MIME-encoded (an address, a
 *   Message-ID taken from a received e-mail): one line, so no header can be smuggled in after it.
 *
 * Every target also loses bidirectional override/isolate characters and other control characters
 * (the spoofing above works in Chat and cards too). Escapers are ours, not a library's: the rules
 * are per Google surface and small enough to read here.
 */

/** Bidirectional embeddings, overrides and isolates (LRE…RLO, LRI…PDI). */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;
/** C0 and C1 controls and DEL, except tab, line feed and carriage return (handled per target). */
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
const LINE_BREAKS = /\r\n|[\r\n\u2028\u2029]/g;

function withoutControls(text: string): string {
  return text.replace(BIDI_CONTROLS, '').replace(CONTROLS, '');
}

/** Look-alikes for Chat's markup characters: the same shape, but no syntax treats them as markup. */
const CHAT_LOOKALIKES: Record<string, string> = {
  '<': '\u02C2', // ˂ MODIFIER LETTER LEFT ARROWHEAD: no <users/…> mention, no <url|label> link, no HTML
  '>': '\u02C3', // ˃ MODIFIER LETTER RIGHT ARROWHEAD: no > quote
  '*': '\u2217', // ∗ ASTERISK OPERATOR: no *bold* (Chat) or *italic*/**bold** (Markdown), no "* " bullet
  '~': '\u223C', // ∼ TILDE OPERATOR: no ~strike~ / ~~strike~~
  '`': '\u02CB', // ˋ MODIFIER LETTER GRAVE ACCENT: no `code` or ``` blocks
};

/**
 * Chat message text. Markup characters become look-alikes; `_` only where it could open or close
 * italics (not between two letters or digits, as in TASUKI_CHAT_SPACE or file_name, where neither
 * syntax reads it); scheme and www. prefixes are broken so no link is made from user text; line
 * breaks become spaces.
 */
export function forChatText(text: string): string {
  let out = withoutControls(text)
    .replace(LINE_BREAKS, ' ')
    .replace(/\t/g, ' ')
    .replace(/[<>*~`]/g, (c) => CHAT_LOOKALIKES[c]!)
    .replace(/_/g, (c, at: number, whole: string) => (/[A-Za-z0-9]/.test(whole[at - 1] ?? '') && /[A-Za-z0-9]/.test(whole[at + 1] ?? '') ? c : '\u02CD')) // ˍ
    .replace(/:\/\//g, '\u2236//') // ∶ RATIO: no bare-URL autolink
    .replace(/\bwww\./gi, (w) => `${w.slice(0, 3)}\u2024`) // ․ ONE DOT LEADER: no www. autolink
    .replace(/\](?=[([])/g, '\uFF3D') // ］: no Markdown [label](url) link
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, '\uFF06'); // ＆: no Markdown entity (&lt; would show as <)
  // A list, heading or numbered-list marker at the very start would format the line.
  if (/^\s*(?:[-+#]|\d+[.)])/.test(out)) out = `\u200B${out}`;
  return out;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for a card widget that renders Chat's HTML subset: shown exactly as typed. */
export function forCardHtml(text: string): string {
  return withoutControls(text).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** A value that replaces a Docs placeholder: it can never contain a placeholder itself. */
export function forDocsValue(text: string): string {
  return withoutControls(text).replace(/\{(?=\{)/g, '{\u2060'); // WORD JOINER between the braces
}

/** A Drive file or folder name: one line, no controls, no direction tricks. */
export function forDriveName(text: string): string {
  const name = withoutControls(text).replace(LINE_BREAKS, ' ').replace(/\s+/g, ' ').trim();
  return name || '_';
}

/** An e-mail header value such as To or In-Reply-To: one line, so it cannot start another header. */
export function forMailHeader(text: string): string {
  return withoutControls(text).replace(/[\r\n\t]+/g, ' ').trim();
}
