/**
 * zod schemas for exactly the subset of freee's public APIs tasuki uses, written from freee's
 * published OpenAPI documents (github.com/freee/freee-api-schema) and checked field by field:
 * - freee請求書 API, iv/open-api-3/api-schema.yml (server https://api.freee.co.jp/iv):
 *   POST /invoices (InvoiceRequest → 201 InvoiceResponse), GET /invoices?company_id&invoice_number
 *   (InvoiceIndexResponse), GET /invoices/{id}?company_id (InvoiceShowResponse), PUT /invoices/{id},
 *   and the same four for /quotations (QuotationRequest, quotation_number, quotation_date,
 *   expiration_date); GET /invoices/templates (TemplateIndexResponse).
 * - freee会計 API, v2020_06_15/open-api-3 (server https://api.freee.co.jp): GET /api/1/companies,
 *   GET /api/1/partners?company_id&keyword (PartnersResponse), POST /api/1/partners
 *   (PartnerCreateParams → 201 PartnerResponse).
 * - OAuth 2.0 (developer.freee.co.jp 認可コード): POST https://accounts.secure.freee.co.jp/public_api/token.
 * Response schemas list only the fields tasuki reads and pass the rest through (freee adds
 * response fields without notice, as its compatibility policy says); request schemas are strict.
 * The same schemas validate what the local stand-in (local/freee) receives, so both sides agree.
 */
import * as z from 'zod';

const Id = z.number().int().min(1);
const IsoDate = z.string().regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/);
const TaxRate = z.union([z.literal(0), z.literal(8), z.literal(10)]);
/** 消費税端数の計算方法 / 金額端数の計算方法: omit 切り捨て, round_up 切り上げ, round 四捨五入. */
export const Fraction = z.enum(['omit', 'round_up', 'round']);
export type Fraction = z.infer<typeof Fraction>;
/** 敬称: 御中, 様, (空白); the full-width （空白） is deprecated but still accepted. */
const PartnerTitle = z.enum(['御中', '様', '(空白)', '（空白）']);

// ── OAuth ──────────────────────────────────────────────────────────────────────────────────────

/** POST /public_api/token (authorization_code or refresh_token grant): 200. */
export const TokenResponse = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string(),
  /** Seconds; freee issues 21600 (6 hours). */
  expires_in: z.number().int().positive(),
  refresh_token: z.string().min(1),
  scope: z.string().optional(),
  created_at: z.number().int().optional(),
  /** The company (事業所) the user chose on the consent screen (prompt=select_company). */
  company_id: z.union([z.number().int(), z.string()]).optional(),
});
export type TokenResponse = z.infer<typeof TokenResponse>;

/** OAuth error body (RFC 6749 §5.2), e.g. { error: "invalid_grant", error_description: "…" }. */
export const OAuthError = z.looseObject({ error: z.string(), error_description: z.string().optional() });

// ── Errors ─────────────────────────────────────────────────────────────────────────────────────

/** badRequest / forbiddenError / notfoundError / internalServerError (iv) and the 会計 API's. */
export const ErrorBody = z.looseObject({
  status_code: z.number().int().optional(),
  errors: z.array(z.looseObject({ type: z.string().optional(), messages: z.union([z.array(z.string()), z.string()]).optional() })).optional(),
  /** unauthorizedError / accessDeniedError. */
  message: z.string().optional(),
  messages: z.union([z.array(z.string()), z.string()]).optional(),
  code: z.string().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** The human-readable messages of a freee error body, in its own words (Japanese). */
export function errorMessages(body: unknown): string[] {
  const parsed = ErrorBody.safeParse(body);
  if (!parsed.success) return [];
  const out: string[] = [];
  for (const e of parsed.data.errors ?? []) out.push(...(Array.isArray(e.messages) ? e.messages : e.messages ? [e.messages] : []));
  if (parsed.data.message) out.push(parsed.data.message);
  if (Array.isArray(parsed.data.messages)) out.push(...parsed.data.messages);
  else if (parsed.data.messages) out.push(parsed.data.messages);
  return out;
}

// ── freee会計: companies, partners ──────────────────────────────────────────────────────────────

export const CompanyIndexResponse = z.looseObject({
  companies: z.array(z.looseObject({ id: Id, name: z.string().nullable().optional(), display_name: z.string().nullable().optional(), role: z.string().optional() })),
});

export const Partner = z.looseObject({
  id: Id,
  company_id: Id,
  name: z.string(),
  code: z.string().nullable().optional(),
  long_name: z.string().nullable().optional(),
  available: z.boolean().optional(),
  email: z.string().nullable().optional(),
  default_title: z.string().nullable().optional(),
});
export type Partner = z.infer<typeof Partner>;
export const PartnersResponse = z.looseObject({ partners: z.array(Partner) });
export const PartnerResponse = z.looseObject({ partner: Partner });

/** PartnerCreateParams, the fields tasuki sends. */
export const PartnerCreateParams = z.strictObject({
  company_id: Id,
  /** 取引先名 (255文字以内) */
  name: z.string().min(1).max(255),
  /** 正式名称 (255文字以内) */
  long_name: z.string().max(255).optional(),
  /** 敬称 */
  default_title: z.enum(['御中', '様', '(空白)']).optional(),
  /** 担当者 メールアドレス */
  email: z.string().max(255).optional(),
  /** 事業所種別 (null: 未設定、1: 法人、2: 個人) */
  org_code: z.union([z.literal(1), z.literal(2)]).optional(),
  /** 地域 (JP: 国内、ZZ: 国外) */
  country_code: z.enum(['JP', 'ZZ']).optional(),
});
export type PartnerCreateParams = z.infer<typeof PartnerCreateParams>;

// ── freee請求書: invoices, quotations ─────────────────────────────────────────────────────────

/** InvoiceRequest_lines / QuotationRequest_lines: item rows (tax_rate and quantity required). */
const RequestLine = z.strictObject({
  type: z.literal('item').default('item'),
  /** 摘要（品名）, 1–255 */
  description: z.string().min(1).max(255),
  /** 明細の数量 (整数部は8桁まで、小数部は3桁まで) */
  quantity: z.number().min(-99_999_999.999).max(99_999_999.999),
  /** 明細の単価, a decimal string (整数部は13桁まで、小数部は3桁まで) */
  unit_price: z.string().regex(/^-?[0-9]{0,13}(\.[0-9]{1,3})?$/),
  tax_rate: TaxRate,
  /** 軽減税率対象; true only with tax_rate 8 */
  reduced_tax_rate: z.boolean().default(false),
  withholding: z.boolean().optional(),
});
export const InvoiceRequestLine = RequestLine.extend({
  /** 取引日 (invoices only) */
  sales_date: IsoDate.optional(),
});
export const QuotationRequestLine = RequestLine;

const CommonRequest = {
  company_id: Id,
  /** 帳票テンプレートID (default: the company's default template) */
  template_id: Id.optional(),
  /** 件名, 1–255 */
  subject: z.string().min(1).max(255).optional(),
  /** in: 税込表示（内税）, out: 税別表示（外税） */
  tax_entry_method: z.enum(['in', 'out']),
  tax_fraction: Fraction,
  line_amount_fraction: Fraction.nullable().optional(),
  withholding_tax_entry_method: z.enum(['in', 'out']),
  /** 社内メモ, 1–2000 */
  memo: z.string().min(1).max(2000).optional(),
  /** 取引先ID (or partner_code; one of them is required) */
  partner_id: Id.optional(),
  partner_code: z.string().optional(),
  partner_title: PartnerTitle,
  /** 取引先宛名 (printed as the addressee) */
  partner_display_name: z.string().max(255).optional(),
};

export const InvoiceRequest = z.strictObject({
  ...CommonRequest,
  /** 請求書番号: must be given unless the company numbers automatically ([自動採番する]). */
  invoice_number: z.string().max(255).optional(),
  /** 請求日 */
  billing_date: IsoDate,
  /** 期日 (入金期日 for transfer) */
  payment_date: IsoDate.optional(),
  payment_type: z.enum(['transfer', 'direct_debit']).default('transfer'),
  /** 備考, 0–4000 */
  invoice_note: z.string().max(4000).optional(),
  lines: z.array(InvoiceRequestLine),
});
export type InvoiceRequest = z.input<typeof InvoiceRequest>;

export const QuotationRequest = z.strictObject({
  ...CommonRequest,
  quotation_number: z.string().max(255).optional(),
  /** 見積日 */
  quotation_date: IsoDate,
  /** 有効期限 */
  expiration_date: IsoDate.optional(),
  quotation_note: z.string().max(4000).optional(),
  lines: z.array(QuotationRequestLine),
});
export type QuotationRequest = z.input<typeof QuotationRequest>;

const Amount = z.number().nullable().optional();

/** The fields of InvoiceResponse_invoice / QuotationResponse_quotation (and the Show forms) tasuki reads. */
const CommonDocument = {
  id: Id,
  company_id: Id,
  subject: z.string(),
  partner_id: Id,
  partner_display_name: z.string().optional(),
  memo: z.string(),
  cancel_status: z.enum(['canceled', 'uncanceled']),
  sending_status: z.enum(['sent', 'unsent']),
  total_amount: z.number(),
  amount_excluding_tax: z.number(),
  amount_tax: z.number(),
  amount_including_tax: z.number(),
  amount_excluding_tax_10: Amount,
  amount_tax_10: Amount,
  amount_excluding_tax_8: Amount,
  amount_tax_8: Amount,
  amount_excluding_tax_8_reduced: Amount,
  amount_tax_8_reduced: Amount,
  tax_fraction: Fraction.nullable().optional(),
  created_at: z.string(),
  lines: z.array(
    z.looseObject({
      id: Id,
      type: z.enum(['item', 'text']),
      description: z.string(),
      quantity: z.number().nullable().optional(),
      unit_price: z.string().nullable().optional(),
      tax_rate: TaxRate.nullable().optional(),
      reduced_tax_rate: z.boolean().optional(),
      amount_excluding_tax: z.number().nullable().optional(),
      sales_date: IsoDate.nullable().optional(),
    }),
  ),
};

export const Invoice = z.looseObject({
  ...CommonDocument,
  invoice_number: z.string(),
  billing_date: IsoDate,
  payment_date: IsoDate.nullable().optional(),
  template: z
    .looseObject({
      title: z.string().optional(),
      /** インボイス制度適格請求書発行事業者登録番号: "T" + 13 digits */
      invoice_registration_number: z.string().optional(),
      company_name: z.string().optional(),
    })
    .optional(),
});
export type Invoice = z.infer<typeof Invoice>;
export const InvoiceResponse = z.looseObject({ invoice: Invoice });

export const Quotation = z.looseObject({
  ...CommonDocument,
  quotation_number: z.string(),
  quotation_date: IsoDate,
  expiration_date: IsoDate.nullable().optional(),
});
export type Quotation = z.infer<typeof Quotation>;
export const QuotationResponse = z.looseObject({ quotation: Quotation });

/** InvoiceIndexResponse_invoices / QuotationIndexResponse_quotations: what a lookup needs. */
export const InvoiceIndexResponse = z.looseObject({ invoices: z.array(z.looseObject({ id: Id, invoice_number: z.string(), cancel_status: z.string().optional() })) });
export const QuotationIndexResponse = z.looseObject({ quotations: z.array(z.looseObject({ id: Id, quotation_number: z.string(), cancel_status: z.string().optional() })) });

export const TemplateIndexResponse = z.looseObject({ templates: z.array(z.looseObject({ id: Id, name: z.string() })) });
