/**
 * What the parser knows about one field: every candidate it found, with the text it came from and
 * a score from rules the office agrees with, and the reading the card shows — the chosen value,
 * its source, whether the parser is sure, why not, and the runner-up.
 *
 * A candidate can be *seen* but not *offerable*: a past date, an amount with no word saying it is
 * the fee. It is never put in the form, but the card still shows it (flagged) as the runner-up,
 * so staff see what the mail said and why it was not taken.
 */

/** Where in the mail a value was read. */
export type Where = 'subject' | 'body' | 'quoted' | 'forwarded' | 'signature' | 'from' | 'to' | 'salutation' | 'domain';

/** text: what was read; line: the line it stands on; excerpt: the part of the line the card shows. */
export type Source = { where: Where; text: string; line: string; excerpt: string };

/**
 * Why a reading is not sure, or what the card must say about it.
 * past: before the mail's date · weekday: the weekday written beside it contradicts the date ·
 * approximate: 中旬, mid-January, 来月頭 · quoted: only older messages in the thread say it ·
 * conflict: another candidate scores about as high · range: 20〜30万円 (the upper bound taken) ·
 * taxIncluded / taxExcluded: as the mail says (the ledger amount is before tax) · person: no
 * company found, the client is a person's name · domain: the client is only the mail domain ·
 * otherPurpose: its clause says it is for something else (a meeting, a reply, a draft; postage,
 * a unit price, a corrected price) · noLabel: no word says it is the deadline or the fee (these
 * two are shown, never offered) · milestone: a first draft's or proof's date, offered only when the
 * mail names no deadline.
 */
export type Flag =
  | 'past' | 'weekday' | 'approximate' | 'quoted' | 'conflict' | 'range' | 'taxIncluded' | 'taxExcluded' | 'person' | 'domain'
  | 'otherPurpose' | 'noLabel' | 'milestone';

/** Flags that make a reading unsure (the tax flags only describe the amount). */
const DOUBTFUL: Flag[] = ['past', 'weekday', 'approximate', 'quoted', 'conflict', 'range', 'taxIncluded', 'person', 'domain', 'otherPurpose', 'noLabel', 'milestone'];

export type Candidate<T> = {
  value: T;
  /** Equal keys are the same value (2026-12-20; "JPY 300000"; a normalized company name). */
  key: string;
  score: number;
  offerable: boolean;
  flags: Flag[];
  source: Source;
};

export type Alternative<T> = { value: T; source: Source; flags: Flag[] };

export type Reading<T> = {
  value?: T;
  source?: Source;
  sure: boolean;
  flags: Flag[];
  runnerUp?: Alternative<T>;
};

/** Older text counts less than the new text; the subject a little less (its dates are terse). */
export const WHERE_PENALTY: Partial<Record<Where, number>> = { subject: -1, quoted: -3, forwarded: -1 };

/** Candidates whose scores differ by less than this are "about as high". */
const CLOSE = 1;

/**
 * The reading from scored candidates: the best offerable one is the value; the runner-up is the
 * best candidate with another value (offerable or not, so a past date outranking it is shown).
 * Ties keep the candidates' order (callers list them in the order they prefer on a tie).
 */
export function choose<T>(candidates: Array<Candidate<T>>): Reading<T> {
  const ranked = candidates.map((c, i) => ({ c, i })).sort((a, b) => b.c.score - a.c.score || a.i - b.i).map((x) => x.c);
  const chosen = ranked.find((c) => c.offerable);
  const other = ranked.find((c) => c.key !== chosen?.key);
  if (!chosen) {
    if (!other) return { sure: false, flags: [] };
    return { sure: false, flags: other.flags, runnerUp: alternative(other) };
  }
  const flags = [...chosen.flags];
  const rival = ranked.find((c) => c.key !== chosen.key && (c.offerable || c.flags.includes('past')) && c.score > chosen.score - CLOSE);
  if (rival && !flags.includes('conflict')) flags.push('conflict');
  const reading: Reading<T> = { value: chosen.value, source: chosen.source, sure: !flags.some((f) => DOUBTFUL.includes(f)), flags };
  const runner = rival ?? other;
  if (runner) reading.runnerUp = alternative(runner);
  return reading;
}

function alternative<T>(c: Candidate<T>): Alternative<T> {
  return { value: c.value, source: c.source, flags: c.flags };
}

/** The line as evidence: trimmed and cut to a length a sidebar can show. */
export function sourceOf(where: Where, text: string, line: string): Source {
  const trimmed = line.trim();
  const read = text.trim();
  const at = Math.max(0, trimmed.indexOf(read));
  let from = 0;
  let to = trimmed.length;
  if (trimmed.length > EXCERPT_WHOLE) {
    // A window around what was read, cut at spaces where the line has them (English).
    from = Math.max(0, at - EXCERPT_CONTEXT);
    to = Math.min(trimmed.length, at + read.length + EXCERPT_CONTEXT);
    const space = trimmed.indexOf(' ', from);
    if (from > 0 && space >= 0 && space < at) from = space + 1;
    const lastSpace = trimmed.lastIndexOf(' ', to);
    if (to < trimmed.length && lastSpace > at + read.length) to = lastSpace;
  }
  const excerpt = `${from > 0 ? '…' : ''}${trimmed.slice(from, to)}${to < trimmed.length ? '…' : ''}`;
  return { where, text: read, line: trimmed.length > 120 ? `${trimmed.slice(0, 119)}…` : trimmed, excerpt };
}

/** Lines up to this long are shown whole. */
const EXCERPT_WHOLE = 48;
/** Characters of the line shown on each side of what was read: enough for its label (納期：, Budget:). */
const EXCERPT_CONTEXT = 16;
