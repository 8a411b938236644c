/**
 * Who the request is from: the sender's display name and address from the From header, and the
 * company from the signature (株式会社…, …Inc., Co., Ltd. …). The project's client is the
 * company when the signature names one, else the sender's name, else the mail domain.
 */
import { ownLines, toHalfWidth } from './text.js';

export type Sender = { name?: string; email?: string };
export type ParsedClient = { name: string; email?: string; company?: string; senderName?: string };

/** `"山田 太郎" <yamada@acme.co.jp>`, `Yamada <y@x>`, or a bare address. */
export function parseFrom(from: string): Sender {
  const text = from.trim();
  const angle = /^(.*?)\s*<\s*([^<>\s]+@[^<>\s]+)\s*>\s*$/.exec(text);
  if (angle) {
    const name = angle[1]!.replace(/^["'\s]+|["'\s]+$/g, '').trim();
    return { name: name || undefined, email: angle[2]!.toLowerCase() };
  }
  if (/^[^\s@]+@[^\s@]+$/.test(text)) return { email: text.toLowerCase() };
  return text ? { name: text } : {};
}

const JA_COMPANY = /(?:株式会社|有限会社|合同会社|一般社団法人|\(株\)|\(有\))\s*[^\s　、,。の「」]+|[^\s　、,:：。「」]+?\s*(?:株式会社|有限会社|合同会社|\(株\)|\(有\))/;
const EN_COMPANY = /\b[A-Z][\w&'.\-]*(?:\s+[A-Z&][\w&'.\-]*)*,?\s+(?:Inc\.?|Co\.,?\s?Ltd\.?|Ltd\.?|LLC|Corporation|Corp\.?|GmbH|K\.K\.)/;

/** The company named in the signature block (the last lines of the message's own text). */
export function companyFromSignature(body: string): string | undefined {
  const raw = ownLines(toHalfWidth(body));
  // The conventional "-- " separator (or a rule line) starts the signature; else the last lines.
  const sigStart = raw.findIndex((l, i) => i > 0 && /^\s*(-- ?|[-=_*━─―]{3,})\s*$/.test(l));
  const tail = (sigStart >= 0 ? raw.slice(sigStart) : raw.slice(-12))
    .map((l) => l.replace(/^[\s\-=_*━─―·・|]+|[\s\-=_*━─―·・|]+$/g, ''))
    .filter((l) => l.length > 0);
  for (const line of tail) {
    const ja = JA_COMPANY.exec(line);
    if (ja) return ja[0].trim();
    const en = EN_COMPANY.exec(line);
    if (en) return en[0].trim();
  }
  return undefined;
}

export function parseClient(from: string, body: string): ParsedClient {
  const sender = parseFrom(from);
  const company = companyFromSignature(body);
  const domain = sender.email?.split('@')[1];
  const name = company ?? sender.name ?? domain ?? sender.email ?? '';
  const client: ParsedClient = { name };
  if (sender.email) client.email = sender.email;
  if (company) client.company = company;
  if (sender.name) client.senderName = sender.name;
  return client;
}
