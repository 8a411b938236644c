/**
 * The freee stand-in's data: one app (client id/secret), one company (事業所) with its document
 * templates (the invoice template carries the registration number, as freee's does), partners
 * (取引先), invoices and quotations, and the OAuth grants (authorization codes, access tokens,
 * refresh tokens, each refresh token usable once). Kept in `<dataDir>/freee-standin.json`,
 * written after every change, so `npm start` keeps what was issued across restarts.
 *
 * Amounts are computed as freee請求書 states them: each line's 税別金額 rounded by
 * line_amount_fraction, then per rate (10%, 8% reduced, 8%, 0%) the sum and its tax rounded
 * once by tax_fraction (omit 切り捨て / round_up 切り上げ / round 四捨五入), for 外税 (out) and
 * 内税 (in) entry.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const STANDIN_APP = { clientId: 'tasuki-local-freee-app', clientSecret: 'tasuki-local-freee-secret' } as const;
export const STANDIN_COMPANY_ID = 3_141_592;
export const STANDIN_REGISTRATION_NUMBER = 'T9010401234567';

type Fraction = 'omit' | 'round_up' | 'round';
export type Line = {
  id: number; type: 'item' | 'text'; description: string; quantity: number | null; unit_price: string | null;
  tax_rate: 0 | 8 | 10 | null; reduced_tax_rate: boolean; withholding: boolean; amount_excluding_tax: number | null; sales_date: string | null;
};
export type Partner = { id: number; company_id: number; name: string; code: string | null; long_name: string | null; default_title: string | null; email: string | null; available: boolean; update_date: string };
export type Template = { id: number; name: string; title: string; invoice_registration_number?: string; company_name: string; company_description: string };
export type Document = Record<string, unknown> & { id: number; company_id: number; kind: 'invoice' | 'quotation'; number: string; lines: Line[] };
export type Company = { id: number; name: string; display_name: string; name_kana: string; role: string; numbering: 'manual' | 'auto'; corporate_number: string; external_cid?: string };

/** freee: a refresh token lives 90 days (developer.freee.co.jp, トークンの有効期限について). */
export const REFRESH_TOKEN_LIFE_MS = 90 * 86_400_000;

type Data = {
  app: { clientId: string; clientSecret: string };
  companies: Company[];
  templates: { invoice: Template[]; quotation: Template[] };
  partners: Partner[];
  documents: Document[];
  codes: Record<string, { companyId: number; redirectUri: string; expiresAt: number }>;
  accessTokens: Record<string, { companyId: number; expiresAt: number; revoked?: boolean }>;
  refreshTokens: Record<string, { companyId: number; usedAt?: string; accessToken: string; issuedAt?: number }>;
  nextId: number;
};

function seedData(): Data {
  const companyName = 'アトリエ襷';
  return {
    app: { ...STANDIN_APP },
    companies: [{ id: STANDIN_COMPANY_ID, name: companyName, display_name: companyName, name_kana: 'アトリエタスキ', role: 'admin', numbering: 'manual', corporate_number: STANDIN_REGISTRATION_NUMBER.slice(1), external_cid: '7309845610' }],
    templates: {
      invoice: [{ id: 501, name: '標準の請求書テンプレート', title: '請求書', invoice_registration_number: STANDIN_REGISTRATION_NUMBER, company_name: companyName, company_description: '〒150-0002 東京都渋谷区渋谷2-1-1' }],
      quotation: [{ id: 601, name: '標準の見積書テンプレート', title: '見積書', company_name: companyName, company_description: '〒150-0002 東京都渋谷区渋谷2-1-1' }],
    },
    partners: [
      { id: 70_001, company_id: STANDIN_COMPANY_ID, name: '株式会社アクメ', code: null, long_name: '株式会社アクメ', default_title: '御中', email: 'tanaka@acme.example', available: true, update_date: '2026-06-03' },
      { id: 70_002, company_id: STANDIN_COMPANY_ID, name: '山田製菓', code: null, long_name: '山田製菓株式会社', default_title: '御中', email: 'yamada@yamada-seika.example', available: true, update_date: '2026-07-01' },
    ],
    documents: [],
    codes: {},
    accessTokens: {},
    refreshTokens: {},
    nextId: 1_000,
  };
}

function divide(numerator: number, denominator: number, fraction: Fraction): number {
  const q = numerator / denominator;
  const floor = Math.floor(q + 1e-9);
  if (Math.abs(q - floor) < 1e-9) return floor;
  if (fraction === 'omit') return floor;
  if (fraction === 'round_up') return floor + 1;
  return q - floor >= 0.5 - 1e-9 ? floor + 1 : floor;
}

/** Per-rate amounts of a document, as freee's InvoiceResponse_invoice fields name them. */
export function amountsOf(lines: Line[], opts: { tax_entry_method: 'in' | 'out'; tax_fraction: Fraction }): Record<string, number | null> {
  const groups = [
    { suffix: '10', rate: 10, reduced: false },
    { suffix: '8_reduced', rate: 8, reduced: true },
    { suffix: '8', rate: 8, reduced: false },
    { suffix: '0', rate: 0, reduced: false },
  ];
  const out: Record<string, number | null> = {};
  let excluding = 0;
  let tax = 0;
  for (const g of groups) {
    const sum = lines.filter((l) => l.type === 'item' && l.tax_rate === g.rate && l.reduced_tax_rate === g.reduced).reduce((s, l) => s + (l.amount_excluding_tax ?? 0), 0);
    let ex: number;
    let tx: number;
    if (opts.tax_entry_method === 'out') {
      ex = sum;
      tx = divide(sum * g.rate, 100, opts.tax_fraction);
    } else {
      tx = divide(sum * g.rate, 100 + g.rate, opts.tax_fraction);
      ex = sum - tx;
    }
    out[`amount_excluding_tax_${g.suffix}`] = sum ? ex : null;
    out[`amount_tax_${g.suffix}`] = sum ? tx : null;
    out[`amount_including_tax_${g.suffix}`] = sum ? ex + tx : null;
    excluding += ex;
    tax += tx;
  }
  return { ...out, amount_excluding_tax: excluding, amount_tax: tax, amount_including_tax: excluding + tax, total_amount: excluding + tax };
}

export function lineAmount(quantity: number, unitPrice: string, fraction: Fraction): number {
  // Quantities have at most 3 decimals and prices 3: work in thousandths to stay exact.
  const q = Math.round(quantity * 1000);
  const p = Math.round(Number(unitPrice) * 1000);
  return divide(q * p, 1_000_000, fraction);
}

export class FreeeState {
  private data: Data;
  private readonly path: string;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.path = join(dataDir, 'freee-standin.json');
    let loaded: Data | null = null;
    try {
      loaded = JSON.parse(readFileSync(this.path, 'utf8')) as Data;
    } catch {
      loaded = null;
    }
    this.data = loaded ?? seedData();
    if (!loaded) this.save();
  }

  save(): void {
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.data));
    renameSync(tmp, this.path);
  }

  get app() {
    return this.data.app;
  }
  get companies(): Company[] {
    return this.data.companies;
  }
  company(id: number): Company | undefined {
    return this.data.companies.find((c) => c.id === id);
  }
  templates(kind: 'invoice' | 'quotation'): Template[] {
    return this.data.templates[kind];
  }
  get partners(): Partner[] {
    return this.data.partners;
  }
  get documents(): Document[] {
    return this.data.documents;
  }
  nextId(): number {
    return this.data.nextId++;
  }

  issueCode(companyId: number, redirectUri: string, now: number): string {
    const code = randomBytes(16).toString('hex');
    this.data.codes[code] = { companyId, redirectUri, expiresAt: now + 10 * 60_000 };
    this.save();
    return code;
  }
  takeCode(code: string, now: number): { companyId: number; redirectUri: string } | null {
    const grant = this.data.codes[code];
    delete this.data.codes[code];
    this.save();
    return grant && grant.expiresAt > now ? grant : null;
  }

  issueTokens(companyId: number, ttlSeconds: number, now: number): { accessToken: string; refreshToken: string } {
    const accessToken = randomBytes(24).toString('hex');
    const refreshToken = randomBytes(24).toString('hex');
    this.data.accessTokens[accessToken] = { companyId, expiresAt: now + ttlSeconds * 1000 };
    this.data.refreshTokens[refreshToken] = { companyId, accessToken, issuedAt: now };
    this.save();
    return { accessToken, refreshToken };
  }
  /**
   * Uses a refresh token once; null when unknown, already used (freee: one use only), older than
   * 90 days, or when the access token it came with was revoked (freee refuses that refresh too).
   */
  useRefreshToken(token: string, now: Date): { companyId: number; previousAccessToken: string } | null {
    const grant = this.data.refreshTokens[token];
    if (!grant || grant.usedAt) return null;
    if (grant.issuedAt !== undefined && now.getTime() - grant.issuedAt > REFRESH_TOKEN_LIFE_MS) return null;
    if (this.data.accessTokens[grant.accessToken]?.revoked) return null;
    grant.usedAt = now.toISOString();
    this.save();
    return { companyId: grant.companyId, previousAccessToken: grant.accessToken };
  }
  accessToken(token: string, now: number): { companyId: number } | null {
    const grant = this.data.accessTokens[token];
    return grant && !grant.revoked && grant.expiresAt > now ? grant : null;
  }
  revokeAll(): void {
    for (const t of Object.values(this.data.accessTokens)) t.revoked = true;
    for (const t of Object.values(this.data.refreshTokens)) t.usedAt ??= 'revoked';
    this.save();
  }
  /** For the console and tests: usage counts of the OAuth grants. */
  grantStats(): { accessTokens: number; refreshTokensUsed: number; refreshTokensLive: number } {
    const refresh = Object.values(this.data.refreshTokens);
    return { accessTokens: Object.keys(this.data.accessTokens).length, refreshTokensUsed: refresh.filter((r) => r.usedAt).length, refreshTokensLive: refresh.filter((r) => !r.usedAt).length };
  }
}
