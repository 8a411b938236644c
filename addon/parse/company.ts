/**
 * What looks like an organisation's name in one line of a signature, a salutation, a display
 * name or an introduction, and how strongly: a legal form (株式会社…, …有限会社, 医療法人社団 …,
 * (株)…, …Inc., Co., Ltd., GmbH, K.K., LLP, S.L. …) is near certain; a Japanese name ending the way
 * businesses and public bodies are named (…書店, …役場, ギャラリー…) is likely; an English line of
 * capitalised words that is not the person, a job title, a team, a place or contact details is
 * likely when its words spell the mail domain ("Blue Harbor Coffee" ~ blueharbor.example) and
 * possible otherwise. Departments after the name (販売促進部, Product team) are cut off.
 */

export type CompanyMatch = { name: string; strength: 'legal' | 'likely' | 'possible' };

const JA_LEGAL = '株式会社|有限会社|合同会社|合資会社|合名会社|一般社団法人|一般財団法人|公益社団法人|公益財団法人|社会福祉法人|医療法人社団|医療法人財団|医療法人|学校法人|宗教法人|特定非営利活動法人|NPO法人|国立大学法人|独立行政法人|\\(株\\)|\\(有\\)|㈱|㈲';
const JA_DEPARTMENT = /(?:部|課|室|局|係|本部|事業部|グループ|チーム|センター|支店|支社|営業所|事務局|編集部)$/;
/** Name, legal form first ("株式会社アクメ", "医療法人 花水木会") or last ("北風商事株式会社"). */
const JA_LEGAL_FIRST = new RegExp(`(?:^|[\\s・/|])((?:${JA_LEGAL})\\s?[^\\s、,。の「」()（）/|]+)`);
const JA_LEGAL_LAST = new RegExp(`([^\\s、,:。「」()（）/|]+?(?:${JA_LEGAL}))(?=$|[\\s、,。/|])`);
const JA_SUFFIX = /^[^\s、,。:：「」()（）様殿]{1,16}?(?:書店|書房|商店|商会|本舗|工房|工務店|製作所|事務所|不動産|製菓|珈琲|農園|旅館|ホテル|役場|役所|県庁|都庁|大学|学園|学校|病院|医院|クリニック|歯科|美術館|博物館|協会|組合|出版|新聞社|印刷|企画|商事|産業|工業|建設|電機|スクール|教室|塾|学院|道場|スタジオ|サロン|カフェ|ベーカリー|食堂|酒造|醸造|茶舗|園)$/;
const JA_PREFIX = /^(?:ギャラリー|カフェ|ホテル|スタジオ|サロン|レストラン)[^\s、,。:：様]{1,12}$/;

const EN_FORMS = 'Inc\\.?|Incorporated|LLC|L\\.L\\.C\\.|Ltd\\.?|Limited|Co\\.,?\\s?Ltd\\.?|Co\\.|Corp\\.?|Corporation|GmbH|AG|K\\.K\\.|KK|Pty\\.?\\s?Ltd\\.?|Pte\\.?\\s?Ltd\\.?|Pvt\\.?\\s?Ltd\\.?|PLC|plc|LLP|S\\.L\\.|S\\.A\\.|S\\.A\\.S\\.|SARL|SAS|S\\.r\\.l\\.|Srl|S\\.p\\.A\\.|SpA|B\\.V\\.|BV|N\\.V\\.|NV|Oy|AB|ApS|A/S|AS';
const EN_LEGAL = new RegExp(`(?<![\\w\\u00C0-\\u024F])([A-Z\\u00C0-\\u00DE][\\w\\u00C0-\\u024F&'’.\\-]*(?:\\s+(?:[A-Z\\u00C0-\\u00DE&][\\w\\u00C0-\\u024F&'’.\\-]*|of|and|the|de|&))*,?\\s+(?:${EN_FORMS}))(?=$|[\\s,;)|—–-])`);
const LEGAL_FORM = new RegExp(`${JA_LEGAL}|,?\\s(?:${EN_FORMS})$`, 'g');

/** The name without its legal form, spaces, width or case: one organisation however written. */
export function coreName(name: string): string {
  return name.normalize('NFKC').replace(LEGAL_FORM, '').replace(/[\s・.,]/g, '').toLowerCase();
}

export function hasLegalForm(name: string): boolean {
  LEGAL_FORM.lastIndex = 0;
  return LEGAL_FORM.test(name.normalize('NFKC'));
}
const ROLE = /\b(?:manager|director|lead|head|chief|officer|coordinator|designer|producer|founder|co-founder|owner|president|ceo|cfo|coo|cto|cmo|vp|editor|specialist|assistant|associate|executive|partner|consultant|representative|secretary|planner|strategist|writer|buyer|curator|principal|intern|analyst|administrator|supervisor)\b/i;
const TEAM = /\b(?:team|department|dept\.?|division|marketing|communications?|relations|operations|sales|design|brand|product|creative|content|finance|accounting|legal|hr|human resources|compliance|standards|exhibitions|merchandising|visual|events|public affairs|pr|customer|support|purchasing|procurement|editorial|production)\b/i;
const CONTACT = /@|https?:|www\.|\.(?:com|jp|net|org|example)\b|\d{3,}|\+\d|〒|\btel\b|\bfax\b|\bphone\b|\bmobile\b/i;
const NOT_NAME = /^(?:dear|hi|hello|hey|thanks|thank|best|kind|warm|regards|cheers|sincerely|confidential|this|please|sent|from|to|subject|on)\b/i;

/** Lower-case letters only, "&" read as "and": for comparing a name with a domain. */
export function letters(text: string): string {
  return text.normalize('NFD').toLowerCase().replace(/&/g, 'and').replace(/[^a-z0-9]/g, '');
}

/** The name spells the domain's first label (blueharbor ⊂ blueharborcoffee, saltandcedar). */
export function matchesDomain(name: string, domain: string | undefined): boolean {
  const label = letters(domain?.split('.')[0] ?? '');
  const n = letters(name);
  return label.length >= 4 && n.length >= 4 && (n.includes(label) || label.includes(n));
}

function cleanJa(name: string): string {
  return name.replace(/\s*(?:様|御中|殿)$/, '').trim();
}

/** A Japanese organisation in the line, or undefined. */
export function japaneseCompany(line: string): CompanyMatch | undefined {
  const text = line.trim();
  const first = JA_LEGAL_FIRST.exec(text);
  const last = JA_LEGAL_LAST.exec(text);
  const legal = [first, last].filter((m): m is RegExpExecArray => !!m).sort((a, b) => a.index - b.index)[0];
  if (legal) return { name: cleanJa(legal[1]!), strength: 'legal' };
  for (const token of text.split(/\s+/)) {
    const t = cleanJa(token);
    if (JA_DEPARTMENT.test(t) || t.length < 2) continue;
    if (JA_SUFFIX.test(t) || JA_PREFIX.test(t)) return { name: t, strength: 'likely' };
  }
  return undefined;
}

const JA_ROLE = /(?:部|課|室|局|係|長|担当|代表|取締役|主任|店長|女将|事務局|マネージャー|ディレクター|デザイナー)$/;

/**
 * The organisation in a Japanese signature that names it without a legal form or a business
 * word ("つばさダンススクール" is caught by the suffixes; "風の子" is not): a short line that is not the
 * person's name, a role or department, an address or a phone number. Only a guess.
 */
export function japaneseSignatureName(line: string, personNames: string[]): CompanyMatch | undefined {
  const t = line.trim();
  if (!/[\u3040-\u30ff\u4e00-\u9fff]/.test(t) || t.length > 20 || CONTACT.test(t) || /[:：、。!?！？]/.test(t)) return undefined;
  const compact = t.replace(/\s+/g, '');
  const people = personNames.map((p) => p.replace(/\s+/g, '')).filter(Boolean);
  if (people.some((p) => compact.includes(p) || p.includes(compact))) return undefined;
  const first = t.split(/\s+/)[0]!;
  if (JA_ROLE.test(first) || JA_DEPARTMENT.test(first) || first.length < 2) return undefined;
  // "山田 花子" (two short name-like words) is a person.
  if (/^[\u4e00-\u9fff]{1,4}\s[\u3040-\u30ff\u4e00-\u9fff]{1,4}$/.test(t)) return undefined;
  return { name: first, strength: 'possible' };
}

/** The person's name words, to tell "Olivia Brown" from "Blue Harbor Coffee". */
function isPerson(segment: string, personNames: string[]): boolean {
  const words = segment.toLowerCase().split(/\s+/).filter(Boolean);
  return words.length > 0 && words.every((w) => personNames.some((p) => p.toLowerCase().split(/[\s,]+/).includes(w.replace(/[.,]$/, ''))));
}

/** An English organisation in the line (a signature line), or undefined. */
export function englishCompany(line: string, personNames: string[], domain: string | undefined): CompanyMatch | undefined {
  const text = line.trim();
  const legal = EN_LEGAL.exec(text);
  if (legal) return { name: legal[1]!.trim(), strength: 'legal' };
  if (CONTACT.test(text) && !/[|—–]/.test(text)) return undefined;
  // "Marketing Manager, Blue Harbor Coffee" · "Megan Doyle | Owner | Salt & Cedar" · "Producer — Gridline Games"
  const segments = text.split(/\s*[|—–]\s*|,\s+|\s+-\s+|\s+at\s+/).map((s) => s.trim()).filter(Boolean);
  let possible: CompanyMatch | undefined;
  for (const s of segments) {
    if (!/^[A-Z\u00C0-\u00DE]/.test(s) || s.length > 48 || CONTACT.test(s) || NOT_NAME.test(s)) continue;
    if (ROLE.test(s) || isPerson(s, personNames)) continue;
    const words = s.split(/\s+/);
    if (words.length > 6 || !words.every((w) => /^(?:[A-Z\u00C0-\u00DE][\w\u00C0-\u024F'’&.\-]*|&|of|and|the|de)$/.test(w))) continue;
    if (matchesDomain(s, domain)) return { name: s, strength: 'likely' };
    // A single word is more often a place or a first name than a company, unless it spells the domain.
    if (TEAM.test(s) || words.length === 1 || sharesName(s, personNames)) continue;
    possible ??= { name: s, strength: 'possible' };
  }
  return possible;
}

/** "Megan Doyle" when the From header says only "Megan". */
function sharesName(segment: string, personNames: string[]): boolean {
  const words = segment.toLowerCase().split(/\s+/);
  return personNames.some((p) => p.toLowerCase().split(/[\s,]+/).some((w) => w.length > 1 && words.includes(w)));
}
