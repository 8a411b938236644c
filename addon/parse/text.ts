/**
 * Text normalization shared by the request parsers: full-width digits and punctuation (as typed
 * by Japanese IMEs) become ASCII, so one set of patterns reads `１２月２０日` and `12月20日`; and
 * the clause around a match, which is where the words that say what a date or an amount is for
 * (納期, 予算, deadline, meeting …) are looked for.
 */

const FULL_WIDTH = /[\uFF01-\uFF5E]/g;

/** ０-９, Ａ-Ｚ, ／, ：, ￥ … → ASCII; the ideographic space → a space. Keeps the length. */
export function toHalfWidth(text: string): string {
  return text
    .replace(FULL_WIDTH, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ')
    .replace(/\uFFE5/g, '¥');
}

/** Where one clause ends: sentence ends, 、 and commas followed by a space, semicolons. */
const CLAUSE_END = /[。、;；!?！？]|[,，]\s|\.\s|\s[-–—]\s/g;

export type Clause = { before: string; after: string };

/**
 * The text of the clause around line[start, end), split into what comes before the match and
 * what comes after it (the match itself may contain commas: "Friday, December 4").
 */
export function clauseAround(line: string, start: number, end: number): Clause {
  let from = 0;
  let to = line.length;
  CLAUSE_END.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = CLAUSE_END.exec(line))) {
    if (m.index + m[0].length <= start) from = m.index + m[0].length;
    else if (m.index >= end) {
      to = m.index;
      break;
    }
  }
  return { before: line.slice(from, start), after: line.slice(end, to) };
}

/** The clause after the one around [start, end) begins with these words ("…ので、それまでに"). */
export function nextClauseStart(line: string, end: number): string {
  CLAUSE_END.lastIndex = end;
  const m = CLAUSE_END.exec(line);
  return m ? line.slice(m.index + m[0].length).trimStart() : '';
}

/** The sentence up to `start` (from the last 。, ! or ? or ". " before it). */
export function sentenceBefore(line: string, start: number): string {
  const head = line.slice(0, start);
  const cut = Math.max(head.lastIndexOf('。'), head.lastIndexOf('. '), head.lastIndexOf('!'), head.lastIndexOf('?'), head.lastIndexOf('？'), head.lastIndexOf('！'));
  return head.slice(cut + 1);
}
