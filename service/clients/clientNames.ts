/**
 * One client, one name: the key under which spellings of a client's name are the same client.
 * みどり不動産株式会社, 株式会社みどり不動産, ㈱みどり不動産, （株）みどり不動産 and ﾐﾄﾞﾘ… written in
 * full or half width all key to the same string as みどり不動産; Blue Harbor Coffee, Inc. and
 * BLUE HARBOR COFFEE likewise. Pure functions.
 *
 * How: Unicode NFKC (full-width Latin and digits → half width, half-width kana → full width,
 * ㈱ → (株), （）→ ()), then legal-entity forms removed wherever they stand (株式会社, 有限会社,
 * 合同会社 …, (株) (有) …, Co., Ltd., Inc., LLC, K.K., GmbH …), then spaces and punctuation
 * removed and Latin lower-cased. A name that is nothing but a legal form keys to itself.
 */

const JA_FORMS = [
  '特定非営利活動法人', '一般社団法人', '一般財団法人', '公益社団法人', '公益財団法人', '社会福祉法人', '医療法人', '学校法人',
  '株式会社', '有限会社', '合同会社', '合資会社', '合名会社', 'NPO法人',
  '(株)', '(有)', '(同)', '(資)', '(名)', '(社)', '(財)',
];
// Longest first, so "Co., Ltd." goes before "Ltd.". Word-bounded, any case, optional dots/commas.
const EN_FORMS = /(?:^|[\s,.])(?:co\.?,?\s*ltd|company\s+limited|incorporated|corporation|corp|inc|llc|l\.l\.c|ltd|limited|k\.?\s?k|gmbh|plc|pte\.?\s*ltd|s\.?a)\.?(?=$|[\s,.])/gi;
const PUNCTUATION = /[\s・･.,，、。:：;；'’"“”`\-‐‑–—―_/／()（）「」『』【】\[\]&＆+＋!！?？~〜]/g;

export function clientKey(name: string): string {
  const nfkc = name.normalize('NFKC').trim();
  let stripped = nfkc;
  for (const form of JA_FORMS) stripped = stripped.split(form).join(' ');
  stripped = stripped.replace(EN_FORMS, ' ');
  const key = stripped.replace(PUNCTUATION, '').toLowerCase();
  return key || nfkc.replace(PUNCTUATION, '').toLowerCase();
}

/**
 * Mail domains that say nothing about the company (free mail, carriers): never matched on.
 * The office's own domains are added by the caller (a forwarded request comes from a colleague).
 */
export const PERSONAL_MAIL_DOMAINS = new Set([
  'gmail.com', 'googlemail.com', 'yahoo.co.jp', 'yahoo.com', 'ymail.ne.jp', 'outlook.com', 'outlook.jp', 'hotmail.com',
  'hotmail.co.jp', 'live.jp', 'live.com', 'msn.com', 'icloud.com', 'me.com', 'mac.com', 'aol.com', 'proton.me',
  'protonmail.com', 'docomo.ne.jp', 'ezweb.ne.jp', 'au.com', 'softbank.ne.jp', 'i.softbank.jp', 'nifty.com',
  'biglobe.ne.jp', 'so-net.ne.jp', 'ocn.ne.jp', 'gmx.com', 'gmx.de', 'mail.com', 'qq.com', '163.com', 'naver.com',
]);

/** The lower-cased domain of an address (or of a bare domain), without a leading @; '' if none. */
export function mailDomain(emailOrDomain: string | undefined): string {
  const text = (emailOrDomain ?? '').trim().toLowerCase().replace(/^.*@/, '').replace(/^@/, '').replace(/[>\s].*$/, '');
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(text) ? text : '';
}
