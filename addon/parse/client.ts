/**
 * Who the client of a request e-mail is: the other party, and its organisation.
 *
 * Direction first, from the headers: a mail from outside is from the client; a mail the office
 * sent (its own domain) — a quote, a confirmation, a reply in a thread — is to the client: the
 * first outside address in To, then Cc, else (a forward inside the office) the earliest outside
 * sender quoted in the thread.
 *
 * Then the organisation, by strength of evidence: the signature of that party's own text (or of
 * its quoted messages, for a short "OK, go ahead" or a mail the office sent); the display name
 * (`株式会社ひかり出版 編集部 <…>`, `"Schulz, Hannah (Alpenblick Hotels AG)"`); the salutation the
 * office wrote (`株式会社アクメ / 販売促進部 田中様`); the introduction (`株式会社ソラトの青木です`);
 * the mail domain (unless a free-mail one); last, the person's name. A legal form or a name that
 * spells the mail domain counts more. Names that agree apart from spacing and legal form
 * (`NPO法人まちづくりネット` / `特定非営利活動法人 まちづくりネット`) are one candidate.
 */
import { coreName, englishCompany, hasLegalForm, japaneseCompany, japaneseSignatureName, matchesDomain, type CompanyMatch } from './company.js';
import { choose, sourceOf, type Candidate, type Flag, type Reading, type Where } from './evidence.js';
import { toHalfWidth } from './text.js';
import { isOfficeAddress, parseAddressList, type Address, type MailBlock, type MailThread } from './thread.js';

export type ClientReading = Reading<string> & {
  /** The client party's address (the Client e-mail field). */
  email?: string;
  /** The person at the client, for the card's header. */
  personName?: string;
};

export type MailHeaders = { from: Address; to?: string; cc?: string };

const FREE_MAIL = /^(?:gmail|googlemail|yahoo|ymail|hotmail|outlook|live|msn|icloud|me|mac|aol|proton|protonmail|gmx|mail|docomo|ezweb|au|softbank|i|nifty|biglobe|ocn|so-net)$/i;
const STRENGTH_SCORE: Record<CompanyMatch['strength'], number> = { legal: 3, likely: 2, possible: 0 };
/** 株式会社ソラトの青木です · 北斗書店 店長の大川です · 〇〇と申します */
const JA_INTRO = /([^\s、。,]+(?:\s[^\s、。,の]+)?)の\s*[^\s、。,の]{1,8}\s*(?:です|と申します|でございます|と申し)/;
const EN_INTRO = /\b(?:this is|I'm|I am)\s+[A-Z]\w+(?:\s[A-Z]\w+)?\s+(?:from|at|with)\s+([A-Z][\w&'’.\- ]+?)(?=[.,!;]|$)/;

function domainOf(email: string | undefined): string | undefined {
  return email?.split('@')[1]?.toLowerCase();
}

function isFreeMail(domain: string | undefined): boolean {
  return !domain || FREE_MAIL.test(domain.split('.')[0] ?? '');
}

function companyIn(line: string, people: string[], domain: string | undefined): CompanyMatch | undefined {
  return japaneseCompany(line) ?? englishCompany(line, people, domain);
}

/** The party the client is, and where its address was read. */
function clientParty(thread: MailThread, headers: MailHeaders, isOffice: (e?: string) => boolean): { party: Address; where: Where } {
  if (!isOffice(headers.from.email)) return { party: headers.from, where: 'from' };
  const outside = [...parseAddressList(headers.to ?? ''), ...parseAddressList(headers.cc ?? '')].find((a) => !isOffice(a.email));
  if (outside) return { party: outside, where: 'to' };
  const earliest = [...thread.blocks].reverse().find((b) => b.index > 0 && b.author?.email && !isOffice(b.author.email));
  if (earliest) return { party: earliest.author!, where: earliest.kind === 'forwarded' ? 'forwarded' : 'quoted' };
  return { party: headers.from, where: 'from' };
}

export function readClient(thread: MailThread, headers: MailHeaders, officeDomains: string[]): ClientReading {
  const isOffice = (e?: string) => isOfficeAddress(e, officeDomains);
  const { party, where: partyWhere } = clientParty(thread, headers, isOffice);
  const domain = domainOf(party.email);
  const people = [party.name ?? ''].filter(Boolean);
  const byParty = (b: MailBlock) =>
    !!b.author?.email && (b.author.email === party.email || (!isFreeMail(domain) && domainOf(b.author.email) === domain && !isOffice(b.author.email)));
  const candidates: Array<Candidate<string>> = [];
  const add = (m: CompanyMatch | undefined, base: number, where: Where, line: string, extraFlags: Flag[] = []) => {
    if (!m) return;
    const score = base + STRENGTH_SCORE[m.strength] + (matchesDomain(m.name, domain) ? 1 : 0);
    candidates.push({ value: m.name, key: coreName(m.name), score, offerable: true, flags: extraFlags, source: sourceOf(where, m.name, line) });
  };

  for (const block of thread.blocks.filter(byParty)) {
    const older = block.kind !== 'own' ? 1 : 0;
    const flags: Flag[] = block.kind === 'quoted' ? ['quoted'] : [];
    const signature = block.lines.filter((l) => l.signature);
    const lines = signature.map((l) => ({ l, text: l.text.replace(/^[│|┃\s]+/, '') }));
    const found = lines.map(({ l, text }) => ({ l, m: companyIn(text, people, domain) })).filter((x) => x.m);
    const best =
      found.find((x) => x.m!.strength === 'legal') ??
      found.find((x) => x.m!.strength === 'likely') ??
      found[0] ??
      lines.map(({ l, text }) => ({ l, m: japaneseSignatureName(text, people) })).find((x) => x.m);
    if (best) add(best.m, 6 - older, 'signature', best.l.raw, flags);
    for (const line of block.lines.filter((l) => !l.signature).slice(0, 8)) {
      const ja = JA_INTRO.exec(line.text);
      if (ja) add(japaneseCompany(ja[1]!), 4 - older, block.kind === 'own' ? 'body' : block.kind, line.raw, flags);
      const en = EN_INTRO.exec(line.text);
      if (en) add(englishCompany(en[1]!, people, domain), 4 - older, block.kind === 'own' ? 'body' : block.kind, line.raw, flags);
    }
  }
  if (party.name) {
    const display = toHalfWidth(party.name);
    // "Schulz, Hannah (Alpenblick Hotels AG)": the organisation in brackets; else only a name
    // with a legal form or one spelling the domain (a display name is usually the person).
    const paren = /\(([^()]+)\)\s*$/.exec(display)?.[1];
    const en = englishCompany(paren ?? display, people, domain);
    add(japaneseCompany(display) ?? (en && (paren || en.strength !== 'possible') ? en : undefined), 5, partyWhere === 'to' ? 'to' : 'from', party.name);
  }
  if (partyWhere === 'to') {
    // The office's salutation names the client: the lines before the greeting.
    const own = thread.blocks[0]!.lines.filter((l) => l.text).slice(0, 3);
    for (const line of own) {
      if (/お世話|いつも|ありがとう|^(?:dear|hi|hello)\b/i.test(line.text)) break;
      add(japaneseCompany(line.text), 5, 'salutation', line.raw);
    }
  }
  if (domain && !isFreeMail(domain)) {
    candidates.push({ value: domain, key: `domain:${domain}`, score: 1, offerable: true, flags: ['domain'], source: sourceOf(partyWhere === 'to' ? 'to' : 'from', domain, party.email!) });
  }
  if (party.name && !candidates.some((c) => c.source.line === party.name)) {
    candidates.push({ value: party.name, key: `person:${party.name}`, score: 0.5, offerable: true, flags: ['person'], source: sourceOf(partyWhere === 'to' ? 'to' : 'from', party.name, party.name) });
  }
  // Agreeing names are one candidate: keep the strongest, credit the agreement.
  const merged = new Map<string, Candidate<string>>();
  for (const c of candidates) {
    const seen = merged.get(c.key);
    if (!seen) merged.set(c.key, c);
    else {
      // Show the fuller spelling (with its legal form) of the same name.
      const fuller = hasLegalForm(c.value) && !hasLegalForm(seen.value) ? c : seen;
      merged.set(c.key, { ...fuller, score: Math.max(c.score, seen.score) + 0.5 });
    }
  }
  const reading: ClientReading = choose([...merged.values()]);
  if (party.email) reading.email = party.email;
  if (party.name) reading.personName = party.name;
  return reading;
}
