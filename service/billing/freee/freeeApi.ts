/**
 * The calls tasuki makes to freee (freee請求書 under /iv, freee会計 under /api/1), each answer
 * validated by freeeSchemas.ts, each failure turned into a JobFailure the worker understands:
 * - 429 and 5xx (and network errors): retryable, waiting Retry-After or until the reset of the
 *   window freee says is used up (its limits: per minute, per hour, per day; X-RateLimit-*);
 * - 401: the token is refreshed once and the call repeated; a second 401 asks for reconnecting;
 * - 400 (validation) and 404: permanent, with freee's own message shown to the user;
 * - 403: permanent: no permission, a plan without freee請求書, or freee's temporary block after
 *   excessive access (freee lifts it after about ten minutes: Retry is offered).
 */
import type * as z from 'zod';
import { JobFailure } from '../../jobFailure.js';
import type { FreeeTokenSource } from './freeeTokens.js';
import {
  CompanyIndexResponse, errorMessages, InvoiceIndexResponse, InvoiceRequest, InvoiceResponse, PartnerCreateParams, PartnerResponse,
  PartnersResponse, QuotationIndexResponse, QuotationRequest, QuotationResponse, type Invoice, type Partner, type Quotation,
} from './freeeSchemas.js';

type Method = 'GET' | 'POST' | 'PUT';

/**
 * freee's three windows, as its X-RateLimit-* headers name them (the hour's without a suffix):
 * the answer of a 429 says which one is used up (Remaining 0) and when it resets.
 */
const WINDOWS = [
  { window: 'day', remaining: 'x-ratelimit-remaining-day', reset: 'x-ratelimit-reset-day' },
  { window: 'hour', remaining: 'x-ratelimit-remaining', reset: 'x-ratelimit-reset' },
  { window: 'minute', remaining: 'x-ratelimit-remaining-minute', reset: 'x-ratelimit-reset-minute' },
] as const;
type RateWindow = (typeof WINDOWS)[number]['window'];

/** The longest wait tasuki asks the queue for; a longer one (the day's window) is asked again. */
const MAX_WAIT_SECONDS = 3600;

/**
 * Seconds to wait before retrying: Retry-After when freee sends it, else until the reset of the
 * window that is used up (the day's before the hour's before the minute's), else the minute's.
 */
export function retryAfter(res: Response, now = Date.now()): { seconds: number; window?: RateWindow } | undefined {
  const after = Number(res.headers.get('retry-after'));
  if (Number.isFinite(after) && after > 0) return { seconds: Math.min(after, MAX_WAIT_SECONDS) };
  const until = (header: string) => {
    const at = Date.parse(res.headers.get(header) ?? '');
    return Number.isFinite(at) ? Math.max(1, Math.min(MAX_WAIT_SECONDS, Math.ceil((at - now) / 1000))) : undefined;
  };
  for (const w of WINDOWS) {
    const seconds = res.headers.get(w.remaining) === '0' ? until(w.reset) : undefined;
    if (seconds !== undefined) return { seconds, window: w.window };
  }
  for (const header of ['x-ratelimit-reset-minute', 'x-ratelimit-reset']) {
    const seconds = until(header);
    if (seconds !== undefined) return { seconds };
  }
  return undefined;
}

export function freeeFailure(what: string, res: Response, body: unknown): JobFailure {
  const messages = errorMessages(body);
  const detail = messages.join(' / ') || `HTTP ${res.status}`;
  const message = `freee ${what}: ${res.status} ${detail}`;
  if (res.status === 429 || res.status >= 500) {
    const wait = retryAfter(res);
    const daily = res.status === 429 && wait?.window === 'day';
    return new JobFailure({
      code: res.status === 429 ? 'freee_rate_limited' : 'freee_unavailable',
      retryable: true,
      message: `${message}${wait?.window ? ` (the ${wait.window}'s limit is used up)` : ''}`,
      ...(wait ? { retryAfterSeconds: wait.seconds } : {}),
      userMessage: daily
        ? { ja: `freee の API 利用回数の1日の上限（事業所ごと、プランにより 3,000〜10,000 回）に達しました（${what}）。上限がリセットされた後に自動で再試行します。`, en: `freee's daily API limit for the company (3,000 to 10,000 calls by plan) was reached (${what}); tasuki will try again after it resets.` }
        : res.status === 429
          ? { ja: `freee の API 利用回数の上限に達しました（${what}）。時間をおいて自動で再試行します。`, en: `freee's API rate limit was reached (${what}); tasuki will try again later.` }
          : { ja: `freee が一時的に応答しません（${what}）。自動で再試行します。`, en: `freee did not answer for now (${what}); tasuki will try again.` },
    });
  }
  if (res.status === 403) {
    return new JobFailure({
      code: 'freee_forbidden',
      retryable: false,
      message,
      userMessage: {
        ja: `freee が操作を拒否しました（${what}: ${detail}）。連携したユーザーの権限と、freee請求書の利用登録・プランを確認してください。短時間にアクセスが集中した場合は約10分で解除されるので、その後に再実行してください。`,
        en: `freee refused (${what}: ${detail}). Check the connected user's permissions and that the company uses freee請求書 on a plan that includes it. If it was freee's block after too many calls, it lifts after about ten minutes; retry then.`,
      },
    });
  }
  return new JobFailure({
    code: res.status === 404 ? 'freee_not_found' : 'freee_rejected',
    retryable: false,
    message,
    userMessage: {
      ja: `freee がリクエストを受け付けませんでした（${what}）: ${detail}`,
      en: `freee did not accept the request (${what}): ${detail}`,
    },
  });
}

export class FreeeApi {
  constructor(
    private readonly opts: { apiUrl: string; tokens: FreeeTokenSource; signal?: AbortSignal },
  ) {}

  async companyId(): Promise<number> {
    return (await this.opts.tokens.get()).companyId;
  }

  private async call<S extends z.ZodType>(what: string, method: Method, path: string, schema: S, body?: unknown): Promise<z.infer<S>> {
    let rejected: string | undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      const token = await this.opts.tokens.get(rejected);
      let res: Response;
      try {
        res = await fetch(`${this.opts.apiUrl}${path}`, {
          method,
          headers: { authorization: `Bearer ${token.accessToken}`, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
          ...(body ? { body: JSON.stringify(body) } : {}),
          signal: this.opts.signal ? AbortSignal.any([this.opts.signal, AbortSignal.timeout(30_000)]) : AbortSignal.timeout(30_000),
        });
      } catch (err) {
        throw new JobFailure({ code: 'freee_unavailable', retryable: true, cause: err, message: `freee ${what}: ${String(err)}`, userMessage: { ja: `freee に接続できません（${what}）。自動で再試行します。`, en: `Could not reach freee (${what}); tasuki will try again.` } });
      }
      const parsed: unknown = await res.json().catch(() => undefined);
      if (res.status === 401 && attempt === 0) {
        rejected = token.accessToken;
        continue;
      }
      if (res.status === 401) {
        throw new JobFailure({ code: 'freee_not_connected', retryable: false, message: `freee ${what}: 401 after a token refresh; connect again with npm run freee:connect`, userMessage: { ja: 'freee との連携が切れています。管理者に連携し直すよう依頼してください。', en: 'tasuki is no longer connected to freee. Ask your administrator to connect it again.' } });
      }
      if (!res.ok) throw freeeFailure(what, res, parsed);
      const checked = schema.safeParse(parsed);
      if (!checked.success) {
        throw new JobFailure({ code: 'freee_unexpected_answer', retryable: false, message: `freee ${what}: unexpected answer: ${checked.error.message}`, userMessage: { ja: `freee の応答を読めませんでした（${what}）。管理者に連絡してください。`, en: `tasuki could not read freee's answer (${what}); tell the administrator.` } });
      }
      return checked.data;
    }
    throw new Error('unreachable');
  }

  private q(params: Record<string, string | number>): string {
    return new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
  }

  async listCompanies() {
    return (await this.call('GET /api/1/companies', 'GET', '/api/1/companies', CompanyIndexResponse)).companies;
  }

  async findPartners(companyId: number, keyword: string): Promise<Partner[]> {
    return (await this.call('GET /api/1/partners', 'GET', `/api/1/partners?${this.q({ company_id: companyId, keyword, limit: 100 })}`, PartnersResponse)).partners;
  }

  async createPartner(params: PartnerCreateParams): Promise<Partner> {
    return (await this.call('POST /api/1/partners', 'POST', '/api/1/partners', PartnerResponse, PartnerCreateParams.parse(params))).partner;
  }

  async findInvoiceByNumber(companyId: number, invoiceNumber: string): Promise<number | null> {
    const found = (await this.call('GET /invoices', 'GET', `/iv/invoices?${this.q({ company_id: companyId, invoice_number: invoiceNumber, limit: 100 })}`, InvoiceIndexResponse)).invoices;
    return found.find((i) => i.invoice_number === invoiceNumber)?.id ?? null;
  }

  async createInvoice(request: InvoiceRequest): Promise<Invoice> {
    return (await this.call('POST /invoices', 'POST', '/iv/invoices', InvoiceResponse, InvoiceRequest.parse(request))).invoice;
  }

  async getInvoice(companyId: number, id: number): Promise<Invoice> {
    return (await this.call('GET /invoices/{id}', 'GET', `/iv/invoices/${id}?${this.q({ company_id: companyId })}`, InvoiceResponse)).invoice;
  }

  async updateInvoice(id: number, request: InvoiceRequest): Promise<Invoice> {
    return (await this.call('PUT /invoices/{id}', 'PUT', `/iv/invoices/${id}`, InvoiceResponse, InvoiceRequest.parse(request))).invoice;
  }

  async findQuotationByNumber(companyId: number, quotationNumber: string): Promise<number | null> {
    const found = (await this.call('GET /quotations', 'GET', `/iv/quotations?${this.q({ company_id: companyId, quotation_number: quotationNumber, limit: 100 })}`, QuotationIndexResponse)).quotations;
    return found.find((q) => q.quotation_number === quotationNumber)?.id ?? null;
  }

  async createQuotation(request: QuotationRequest): Promise<Quotation> {
    return (await this.call('POST /quotations', 'POST', '/iv/quotations', QuotationResponse, QuotationRequest.parse(request))).quotation;
  }

  async getQuotation(companyId: number, id: number): Promise<Quotation> {
    return (await this.call('GET /quotations/{id}', 'GET', `/iv/quotations/${id}?${this.q({ company_id: companyId })}`, QuotationResponse)).quotation;
  }

  async updateQuotation(id: number, request: QuotationRequest): Promise<Quotation> {
    return (await this.call('PUT /quotations/{id}', 'PUT', `/iv/quotations/${id}`, QuotationResponse, QuotationRequest.parse(request))).quotation;
  }
}
