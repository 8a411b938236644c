/**
 * A local freee for exactly the subset tasuki uses, at freee's own paths and shapes (the
 * published OpenAPI schemas, read through service/billing/freee/freeeSchemas.ts so requests are
 * validated as freee validates them). Mounted by the local stack under `/freee` on the console's
 * server, so TASUKI_FREEE_API_URL = TASUKI_FREEE_ACCOUNTS_URL = <console>/freee.
 *
 *   OAuth (accounts.secure.freee.co.jp):
 *     GET  /public_api/authorize?response_type=code&client_id&redirect_uri&state&prompt=select_company
 *          consent page (company choice, 許可する) → POST /public_api/authorize → 302 to
 *          redirect_uri?code&state (urn:ietf:wg:oauth:2.0:oob: the code shown on the page)
 *     POST /public_api/token   grant_type=authorization_code | refresh_token (form-encoded);
 *          { access_token, token_type: "bearer", expires_in, refresh_token, scope, created_at,
 *          company_id (a string, as freee's reference shows it), external_cid }; a refresh token
 *          works once and for 90 days, and not after its access token was revoked (401
 *          invalid_grant)
 *   freee会計 (api.freee.co.jp/api/1): GET /companies, GET /companies/{id}, GET|POST /partners
 *   freee請求書 (api.freee.co.jp/iv): GET|POST /invoices, GET|PUT /invoices/{id},
 *     GET /invoices/templates, and the same for /quotations
 *   the document viewer (freee's web screens): GET /web/{invoices|quotations}/{id}
 *   admin (console, tests): GET /_admin/state, POST /_admin/faults, POST /_admin/revoke
 *
 * Errors have freee's shapes: { status_code, errors: [{ type, messages }] } (400/403/404/429/5xx,
 * application/problem+json on /iv), { message } for 401 on /iv. Every API answer carries
 * X-RateLimit-* headers (freeeFaults.ts) and X-Freee-Request-ID.
 */
import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import {
  InvoiceRequest, PartnerCreateParams, QuotationRequest,
} from '../../service/billing/freee/freeeSchemas.js';
import { FreeeFaults, FreeeFaultUpdate } from './freeeFaults.js';
import { amountsOf, FreeeState, lineAmount, type Document, type Line } from './freeeState.js';

class FreeeError extends Error {
  constructor(readonly status: number, readonly messages: string[], readonly type = 'bad_request', readonly headers: Record<string, string> = {}) {
    super(messages.join(' '));
  }
}

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export type FreeeStandIn = { router: Router; state: FreeeState; faults: FreeeFaults };

export function createFreeeStandIn(opts: { dataDir: string; now?: () => Date; faults?: ConstructorParameters<typeof FreeeFaults>[0] }): FreeeStandIn {
  const state = new FreeeState(opts.dataDir);
  const faults = new FreeeFaults(opts.faults);
  const now = () => opts.now?.() ?? new Date();
  const router = express.Router();
  router.use(express.json({ limit: '1mb' }), express.urlencoded({ extended: false }));

  // ── OAuth ─────────────────────────────────────────────────────────────────────────────────
  const checkClient = (clientId: unknown, redirectUri: unknown) => {
    if (clientId !== state.app.clientId) throw new FreeeError(400, ['client_id が不正です。'], 'invalid_client');
    const ok = typeof redirectUri === 'string' && (redirectUri === 'urn:ietf:wg:oauth:2.0:oob' || /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//.test(redirectUri));
    if (!ok) throw new FreeeError(400, ['redirect_uri がアプリに登録されたコールバックURLと一致しません。'], 'invalid_request');
  };

  router.get('/public_api/authorize', (req, res) => {
    checkClient(req.query.client_id, req.query.redirect_uri);
    if (req.query.response_type !== 'code') throw new FreeeError(400, ['response_type は code を指定してください。'], 'unsupported_response_type');
    const options = state.companies.map((c) => `<option value="${c.id}">${esc(c.display_name)}</option>`).join('');
    res.type('html').send(`<!doctype html><meta charset="utf-8"><title>freee アプリ連携の開始 (stand-in)</title>
<h1>tasuki と連携しますか？</h1><p>freee stand-in: 事業所を選んで「許可する」を押すと認可コードを発行します。</p>
<form method="post" action="authorize">
<input type="hidden" name="client_id" value="${esc(req.query.client_id)}"><input type="hidden" name="redirect_uri" value="${esc(req.query.redirect_uri)}">
<input type="hidden" name="state" value="${esc(req.query.state)}"><label>事業所 <select name="company_id">${options}</select></label>
<button type="submit" name="approve" value="1">許可する</button></form>`);
  });

  router.post('/public_api/authorize', (req, res) => {
    const { client_id: clientId, redirect_uri: redirectUri, state: oauthState, company_id: companyId } = req.body as Record<string, string>;
    checkClient(clientId, redirectUri);
    const company = state.company(Number(companyId));
    if (!company) throw new FreeeError(400, ['事業所が存在しません。']);
    const code = state.issueCode(company.id, redirectUri!, now().getTime());
    if (redirectUri === 'urn:ietf:wg:oauth:2.0:oob') {
      res.type('html').send(`<!doctype html><meta charset="utf-8"><title>認可コード</title><p>認可コード: <code id="code">${code}</code></p>`);
      return;
    }
    const target = new URL(redirectUri!);
    target.searchParams.set('code', code);
    if (oauthState) target.searchParams.set('state', oauthState);
    res.redirect(302, target.toString());
  });

  router.post('/public_api/token', (req, res) => {
    const body = req.body as Record<string, string>;
    const oauthError = (status: number, error: string, description: string) => res.status(status).json({ error, error_description: description });
    if (body.client_id !== state.app.clientId || body.client_secret !== state.app.clientSecret) return oauthError(401, 'invalid_client', 'クライアント認証に失敗しました。');
    const issue = (companyId: number) => {
      const ttl = faults.settings.accessTokenTtlSeconds;
      const t = state.issueTokens(companyId, ttl, now().getTime());
      res.json({ access_token: t.accessToken, token_type: 'bearer', expires_in: ttl, refresh_token: t.refreshToken, scope: 'read write', created_at: Math.floor(now().getTime() / 1000), company_id: String(companyId), external_cid: state.company(companyId)?.external_cid ?? '' });
    };
    if (body.grant_type === 'authorization_code') {
      const grant = body.code ? state.takeCode(body.code, now().getTime()) : null;
      if (!grant || grant.redirectUri !== body.redirect_uri) return oauthError(400, 'invalid_grant', '認可コードが無効です。');
      return issue(grant.companyId);
    }
    if (body.grant_type === 'refresh_token') {
      const grant = body.refresh_token ? state.useRefreshToken(body.refresh_token, now()) : null;
      if (!grant) return oauthError(401, 'invalid_grant', 'リフレッシュトークンが無効です（使用済みまたは失効）。');
      return issue(grant.companyId);
    }
    return oauthError(400, 'unsupported_grant_type', 'grant_type が不正です。');
  });

  // ── admin ───────────────────────────────────────────────────────────────────────────────────
  router.get('/_admin/state', (_req, res) => {
    res.json({ companies: state.companies, partners: state.partners, documents: state.documents.map(view), faults: faults.settings, injected: faults.injected, grants: state.grantStats() });
  });
  router.post('/_admin/faults', (req, res) => {
    const update = FreeeFaultUpdate.parse(req.body);
    if (update.numbering) for (const c of state.companies) c.numbering = update.numbering;
    state.save();
    res.json(faults.set(update));
  });
  router.post('/_admin/revoke', (_req, res) => {
    state.revokeAll();
    res.json({ revoked: true });
  });

  // ── the document viewer ─────────────────────────────────────────────────────────────────────
  router.get(/^\/web\/(invoices|quotations)\/(\d+)$/, (req, res) => {
    const [kindPath, id] = [req.params[0], Number(req.params[1])];
    const doc = state.documents.find((d) => d.id === id && `${d.kind}s` === kindPath);
    if (!doc) throw new FreeeError(404, ['存在しないか既に削除されたレコードです。'], 'not_found');
    const v = view(doc);
    const rows = doc.lines.map((l) => `<tr><td>${esc(l.description)}${l.reduced_tax_rate ? ' ※' : ''}</td><td>${esc(l.quantity)}</td><td>${esc(l.unit_price)}</td><td>${esc(l.tax_rate)}%</td><td>${esc(l.amount_excluding_tax)}</td></tr>`).join('');
    const registration = (v.template as { invoice_registration_number?: string } | undefined)?.invoice_registration_number;
    res.type('html').send(`<!doctype html><meta charset="utf-8"><title>${esc(doc.number)}</title>
<h1>${doc.kind === 'invoice' ? '請求書' : '見積書'} ${esc(doc.number)}</h1><p>${esc(v.partner_display_name)} ${esc(v.partner_title)}</p><p>${esc(v.subject)}</p>
<table border="1"><tr><th>摘要</th><th>数量</th><th>単価</th><th>税率</th><th>金額</th></tr>${rows}</table>
<p>10%対象 ${esc(v.amount_excluding_tax_10 ?? 0)} 消費税 ${esc(v.amount_tax_10 ?? 0)} / 8%対象(軽減) ${esc(v.amount_excluding_tax_8_reduced ?? 0)} 消費税 ${esc(v.amount_tax_8_reduced ?? 0)}</p>
<p>合計 ${esc(v.total_amount)}</p>${registration ? `<p>登録番号 ${esc(registration)}</p>` : ''}`);
  });

  // ── the APIs: latency, injected errors, bearer token, rate limit ────────────────────────────
  router.use(['/api/1', '/iv'], async (req: Request, res: Response, next: NextFunction) => {
    res.setHeader('X-Freee-Request-ID', randomUUID());
    try {
      if (faults.settings.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.settings.latencyMs));
      const injected = faults.pickError();
      if (injected) throw new FreeeError(injected, [injected === 429 ? 'リクエスト回数制限を超えました。' : 'エラーが発生しました。再試行しても解消しない場合は、サポートセンターまでご連絡ください。'], injected === 429 ? 'too_many_requests' : 'internal_server_error', injected === 429 ? { 'Retry-After': '1' } : {});
      const token = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
      const grant = token ? state.accessToken(token, now().getTime()) : null;
      if (!grant) {
        res.status(401).json(req.baseUrl.endsWith('/iv') ? { message: 'ログインをして下さい', messages: 'アクセストークンが無効です' } : { status_code: 401, errors: [{ type: 'status', messages: ['アクセストークンが無効です'] }] });
        return;
      }
      const { headers, limited } = faults.count(String(grant.companyId), now().getTime());
      res.set(headers);
      if (limited) throw new FreeeError(429, ['APIの利用制限を超えました。しばらく時間をおいてから再度お試しください。'], 'too_many_requests');
      res.locals.companyId = grant.companyId;
      next();
    } catch (err) {
      next(err);
    }
  });

  const companyOf = (res: Response, raw: unknown): number => {
    const id = Number(raw);
    if (!Number.isInteger(id) || id < 1) throw new FreeeError(400, ['company_id は必須です。']);
    if (id !== res.locals.companyId) throw new FreeeError(403, ['この事業所にアクセスする権限がありません。'], 'forbidden');
    return id;
  };

  router.get('/api/1/companies', (_req, res) => {
    res.json({ companies: state.companies.filter((c) => c.id === res.locals.companyId).map(({ id, name, name_kana, display_name, role }) => ({ id, name, name_kana, display_name, role })) });
  });
  router.get('/api/1/companies/:id', (req, res) => {
    const id = companyOf(res, req.params.id);
    const c = state.company(id)!;
    res.json({ company: { id: c.id, name: c.name, name_kana: c.name_kana, display_name: c.display_name, role: c.role, corporate_number: c.corporate_number } });
  });
  router.get('/api/1/partners', (req, res) => {
    const companyId = companyOf(res, req.query.company_id);
    const words = String(req.query.keyword ?? '').split(/[\s\u3000\t]+/).filter(Boolean);
    const limit = Math.min(3000, Number(req.query.limit ?? 50) || 50);
    const offset = Number(req.query.offset ?? 0) || 0;
    const hits = state.partners.filter((p) => p.company_id === companyId && words.every((w) => [p.name, p.long_name, p.code].some((f) => f?.includes(w))));
    res.json({ partners: hits.slice(offset, offset + limit) });
  });
  router.post('/api/1/partners', (req, res) => {
    const parsed = PartnerCreateParams.safeParse(req.body);
    if (!parsed.success) throw new FreeeError(400, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`), 'validation');
    companyOf(res, parsed.data.company_id);
    if (state.partners.some((p) => p.company_id === parsed.data.company_id && p.name === parsed.data.name)) throw new FreeeError(400, ['取引先名が重複しています。'], 'validation');
    const partner = { id: state.nextId(), company_id: parsed.data.company_id, name: parsed.data.name, code: null, long_name: parsed.data.long_name ?? null, default_title: parsed.data.default_title ?? null, email: parsed.data.email ?? null, available: true, update_date: now().toISOString().slice(0, 10) };
    state.partners.push(partner);
    state.save();
    if (faults.loseThisCreate()) throw new FreeeError(503, ['エラーが発生しました。'], 'internal_server_error');
    res.status(201).json({ partner });
  });

  // ── freee請求書 ─────────────────────────────────────────────────────────────────────────────
  for (const kind of ['invoice', 'quotation'] as const) {
    const plural = `${kind}s`;
    const numberField = `${kind}_number`;
    const schema = kind === 'invoice' ? InvoiceRequest : QuotationRequest;

    router.get(`/iv/${plural}/templates`, (req, res) => {
      companyOf(res, req.query.company_id);
      res.json({ templates: state.templates(kind).map(({ id, name }) => ({ id, name })) });
    });
    router.get(`/iv/${plural}`, (req, res) => {
      const companyId = companyOf(res, req.query.company_id);
      const limit = Math.min(100, Number(req.query.limit ?? 20) || 20);
      const offset = Number(req.query.offset ?? 0) || 0;
      const wanted = req.query[numberField];
      const hits = state.documents.filter((d) => d.kind === kind && d.company_id === companyId && (wanted === undefined || d.number === wanted));
      res.json({ [plural]: hits.slice(offset, offset + limit).map(indexView) });
    });
    router.get(`/iv/${plural}/:id`, (req, res) => {
      const companyId = companyOf(res, req.query.company_id);
      res.json({ [kind]: view(find(kind, companyId, Number(req.params.id))) });
    });
    const write = (req: Request, res: Response, existing: Document | null) => {
      const parsed = schema.safeParse(req.body);
      if (!parsed.success) throw new FreeeError(400, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`), 'validation');
      const body = parsed.data as Record<string, unknown> & { company_id: number; lines: Array<Record<string, unknown>> };
      const companyId = companyOf(res, body.company_id);
      const company = state.company(companyId)!;
      const given = body[numberField] as string | undefined;
      let number = existing?.number ?? '';
      if (!existing) {
        if (company.numbering === 'auto' && given) throw new FreeeError(400, [`採番の設定が[自動採番する]のため、${kind === 'invoice' ? '請求書' : '見積書'}番号は指定できません。`], 'validation');
        if (company.numbering === 'manual' && !given) throw new FreeeError(400, [`${kind === 'invoice' ? '請求書' : '見積書'}番号を入力してください。`], 'validation');
        number = given ?? `${kind === 'invoice' ? 'INV' : 'Q'}-${String(state.nextId()).padStart(10, '0')}`;
        if (state.documents.some((d) => d.kind === kind && d.company_id === companyId && d.number === number)) throw new FreeeError(400, [`${kind === 'invoice' ? '請求書' : '見積書'}番号「${number}」は既に使用されています。`], 'validation');
      } else if (given && given !== existing.number) {
        number = given;
      }
      const partnerId = body.partner_id as number | undefined;
      const partner = state.partners.find((p) => p.id === partnerId && p.company_id === companyId);
      if (!partner) throw new FreeeError(400, ['取引先が存在しません。'], 'validation');
      for (const l of body.lines) {
        if (l.reduced_tax_rate && l.tax_rate !== 8) throw new FreeeError(400, ['軽減税率対象はtax_rate:8の時のみ指定可能です。'], 'validation');
      }
      const lineFraction = (body.line_amount_fraction as 'omit' | 'round_up' | 'round' | null | undefined) ?? 'omit';
      const lines: Line[] = body.lines.map((l, i) => ({
        id: existing?.lines[i]?.id ?? state.nextId(),
        type: 'item',
        description: String(l.description),
        quantity: Number(l.quantity),
        unit_price: String(l.unit_price),
        tax_rate: l.tax_rate as 0 | 8 | 10,
        reduced_tax_rate: Boolean(l.reduced_tax_rate),
        withholding: Boolean(l.withholding),
        amount_excluding_tax: lineAmount(Number(l.quantity), String(l.unit_price), lineFraction),
        sales_date: (l.sales_date as string | undefined) ?? null,
      }));
      const template = state.templates(kind).find((t) => t.id === (body.template_id ?? state.templates(kind)[0]!.id));
      if (!template) throw new FreeeError(400, ['帳票テンプレートが存在しません。'], 'validation');
      const { company_id: _c, lines: _l, [numberField]: _n, ...fields } = body;
      const doc: Document = {
        ...(existing ?? {}),
        ...fields,
        id: existing?.id ?? state.nextId(),
        company_id: companyId,
        kind,
        number,
        template_id: template.id,
        template_name: template.name,
        partner_name: partner.name,
        partner_display_name: (body.partner_display_name as string | undefined) ?? partner.name,
        memo: (body.memo as string | undefined) ?? '',
        subject: (body.subject as string | undefined) ?? '',
        lines,
        created_at: (existing?.created_at as string | undefined) ?? now().toISOString().slice(0, 19).replace('T', ' '),
      };
      if (existing) state.documents.splice(state.documents.indexOf(existing), 1, doc);
      else state.documents.push(doc);
      state.save();
      if (!existing && faults.loseThisCreate()) throw new FreeeError(503, ['エラーが発生しました。再試行しても解消しない場合は、サポートセンターまでご連絡ください。'], 'internal_server_error');
      res.status(existing ? 200 : 201).json({ [kind]: view(doc) });
    };
    router.post(`/iv/${plural}`, (req, res) => write(req, res, null));
    router.put(`/iv/${plural}/:id`, (req, res) => write(req, res, find(kind, Number((req.body as { company_id?: unknown }).company_id), Number(req.params.id))));
  }

  function find(kind: 'invoice' | 'quotation', companyId: number, id: number): Document {
    const doc = state.documents.find((d) => d.kind === kind && d.company_id === companyId && d.id === id);
    if (!doc) throw new FreeeError(404, ['存在しないか既に削除されたレコードです。'], 'not_found');
    return doc;
  }

  function view(doc: Document): Record<string, unknown> {
    const { kind, number, ...rest } = doc;
    const amounts = amountsOf(doc.lines, { tax_entry_method: (doc.tax_entry_method as 'in' | 'out') ?? 'out', tax_fraction: (doc.tax_fraction as 'omit' | 'round_up' | 'round') ?? 'omit' });
    const template = state.templates(kind).find((t) => t.id === doc.template_id);
    // freee answers the deprecated full-width （空白） as the half-width (空白).
    const partnerTitle = rest.partner_title === '（空白）' ? '(空白)' : rest.partner_title;
    return {
      ...rest,
      [`${kind}_number`]: number,
      ...amounts,
      partner_title: partnerTitle,
      lines: kind === 'quotation' ? doc.lines.map(({ sales_date: _salesDate, ...line }) => line) : doc.lines,
      amount_withholding_tax: null,
      amount_brought_forward: null,
      cancel_status: 'uncanceled',
      sending_status: 'unsent',
      ...(kind === 'invoice' ? { payment_status: 'unsettled', deal_status: 'unregistered', deal_id: null, invoice_note: (doc.invoice_note as string | undefined) ?? '' } : { quotation_note: (doc.quotation_note as string | undefined) ?? '', delivery_deadline: '', delivery_location: '' }),
      ...(template ? { template: { title: template.title, company_name: template.company_name, company_description: template.company_description, ...(kind === 'invoice' && template.invoice_registration_number ? { invoice_registration_number: template.invoice_registration_number } : {}) } } : {}),
    };
  }

  function indexView(doc: Document): Record<string, unknown> {
    const full = view(doc);
    const { lines: _lines, template: _template, ...index } = full;
    return index;
  }

  router.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    if (err instanceof FreeeError) {
      res.status(err.status).set(err.headers);
      const body = { status_code: err.status, errors: [{ type: err.type, messages: err.messages }] };
      if (req.originalUrl.includes('/iv/') && err.status !== 401) res.type('application/problem+json').send(JSON.stringify(body));
      else res.json(body);
      return;
    }
    if ((err as { type?: string }).type === 'entity.parse.failed') {
      res.status(400).json({ status_code: 400, errors: [{ type: 'bad_request', messages: ['リクエストの形式が不正です。'] }] });
      return;
    }
    next(err);
  });

  return { router, state, faults };
}
