/**
 * The words of `billing.document` in Japanese and English: what the user reads on the job card
 * and in errors, and the bilingual lines tasuki writes into the documents themselves (qualified
 * invoices are printed in both languages, as the seeded templates are). Pure data and small
 * builders, no run-time imports, so the Apps Script bundle can use them too.
 */
import type { Localized } from '../locale.js';

export type DocumentType = 'estimate' | 'invoice';

export const DOCUMENT_TYPE_NAMES: Record<DocumentType, Localized> = {
  estimate: { ja: '見積書', en: 'estimate' },
  invoice: { ja: '請求書', en: 'invoice' },
};

/** The elements a qualified invoice must state (インボイス制度, 消費税法57条の4第1項). */
export type RequiredElement = 'issuer' | 'registrationNumber' | 'transactionDate' | 'items' | 'ratesAndTotals' | 'taxPerRate' | 'recipient';

export const REQUIRED_ELEMENT_NAMES: Record<RequiredElement, Localized> = {
  issuer: { ja: '発行者の氏名又は名称', en: "the issuer's name" },
  registrationNumber: { ja: '登録番号', en: 'the registration number' },
  transactionDate: { ja: '取引年月日', en: 'the transaction date' },
  items: { ja: '取引内容（軽減税率対象品目である旨）', en: 'what was sold (with reduced-rate items marked)' },
  ratesAndTotals: { ja: '税率ごとに区分した対価の額及び適用税率', en: 'the amounts per tax rate with the rates' },
  taxPerRate: { ja: '税率ごとに区分した消費税額等', en: 'the consumption tax per rate' },
  recipient: { ja: '受領者（宛名）の氏名又は名称', en: "the recipient's name" },
};

const yen = (n: number) => `¥${n.toLocaleString('en-US')}`;

export const BILLING_TEXTS = {
  registrationNumberMissing: {
    ja: '登録番号（T + 13桁）が設定されていないため、適格請求書を発行できません。管理者に連絡してください。',
    en: 'No registration number (T + 13 digits) is set up, so no qualified invoice can be issued. Ask your administrator.',
  },
  issuerNameMissing: {
    ja: '発行者名が設定されていないため、適格請求書を発行できません。管理者に連絡してください。',
    en: "The issuer's name is not set up, so no qualified invoice can be issued. Ask your administrator.",
  },
  askAdministrator: { ja: '管理者に連絡してください。', en: 'Ask your administrator.' },
  reducedRateNote: { ja: '※は軽減税率対象品目です。', en: '※ marks reduced-rate (8%) items.' },
} satisfies Record<string, Localized>;

export function transactionDateMissing(projectNumber: string): Localized {
  return {
    ja: `取引年月日がわかりません。台帳の ${projectNumber} の「納品日」を入力するか、取引日を指定してから請求書を作成してください。`,
    en: `The transaction date is unknown. Fill in the "Delivered" date of ${projectNumber} in the ledger, or give a transaction date, then make the invoice.`,
  };
}

export function recipientMissing(projectNumber: string): Localized {
  return {
    ja: `宛名（クライアント名）がありません。台帳の ${projectNumber} の「クライアント」を入力してください。`,
    en: `There is no recipient: fill in the client of ${projectNumber} in the ledger.`,
  };
}

/** A template (or the accounting service's template) that cannot carry a required element. */
export function templateLacks(element: RequiredElement, where: string, fix: Localized): Localized {
  const name = REQUIRED_ELEMENT_NAMES[element];
  return {
    ja: `${where} に適格請求書の記載事項「${name.ja}」がないため発行しませんでした。${fix.ja}`,
    en: `${where} lacks ${name.en}, which a qualified invoice must state, so nothing was issued. ${fix.en}`,
  };
}

/** An issued document that, read back, does not state a required element. */
export function documentLacks(element: RequiredElement, documentNumber: string, fix: Localized): Localized {
  const name = REQUIRED_ELEMENT_NAMES[element];
  return {
    ja: `${documentNumber} に適格請求書の記載事項「${name.ja}」が記載されていません。${fix.ja}`,
    en: `${documentNumber} does not state ${name.en}, which a qualified invoice must state. ${fix.en}`,
  };
}

/** 10%対象 ¥200,000（消費税 ¥20,000）、8%対象※ ¥10,000（消費税 ¥800） */
export function taxSummary(byRate: Array<{ rate: number; reduced: boolean; subtotal: number; tax: number }>): Localized {
  return {
    ja: byRate.map((r) => `${r.rate}%対象${r.reduced ? '※' : ''} ${yen(r.subtotal)}（消費税 ${yen(r.tax)}）`).join('、'),
    en: byRate.map((r) => `${r.rate}%${r.reduced ? ' reduced※' : ''}: ${yen(r.subtotal)} (tax ${yen(r.tax)})`).join('; '),
  };
}

/** One line per rate, printed on the document (bilingual, as the templates are). */
export function taxBreakdownLines(byRate: Array<{ rate: number; reduced: boolean; subtotal: number; tax: number }>): string[] {
  return byRate.map((r) =>
    r.reduced
      ? `${r.rate}%対象※ Reduced rate ${r.rate}%: ${yen(r.subtotal)}　消費税 Tax: ${yen(r.tax)}`
      : `${r.rate}%対象 Standard rate ${r.rate}%: ${yen(r.subtotal)}　消費税 Tax: ${yen(r.tax)}`,
  );
}

export function issuedSummary(type: DocumentType, documentNumber: string, client: string, total: number): Localized {
  return {
    ja: `${DOCUMENT_TYPE_NAMES[type].ja} ${documentNumber} を発行しました（${client} 御中、合計 ${yen(total)}）。`,
    en: `Issued ${DOCUMENT_TYPE_NAMES[type].en} ${documentNumber} (${client}, total ${yen(total)}).`,
  };
}

export function reissuedSummary(type: DocumentType, documentNumber: string, voided: string, reason: string): Localized {
  return {
    ja: `${DOCUMENT_TYPE_NAMES[type].ja} ${documentNumber} を再発行しました。旧番号 ${voided} は取消済みです（理由: ${reason}）。`,
    en: `Reissued the ${DOCUMENT_TYPE_NAMES[type].en} as ${documentNumber}; the old number ${voided} is now void (reason: ${reason}).`,
  };
}

/** The project already has this document: say so, and how to reissue on purpose. */
export function alreadyIssuedSummary(type: DocumentType, projectNumber: string, documentNumber: string): Localized {
  const command = type === 'invoice' ? '/invoice' : '/estimate';
  return {
    ja: `${projectNumber} の${DOCUMENT_TYPE_NAMES[type].ja}は発行済みです（${documentNumber}）。新しい番号は発行していません。作り直す場合は理由を添えて「${command} ${projectNumber} reissue 理由」で再発行してください（旧番号は取消になります）。`,
    en: `${projectNumber} already has ${type === 'invoice' ? 'an invoice' : 'an estimate'}: ${documentNumber}. No new number was issued. To replace it, reissue with a reason: "${command} ${projectNumber} reissue <reason>" (the old number becomes void).`,
  };
}

export function issueInProgress(type: DocumentType, projectNumber: string, jobId: string): Localized {
  return {
    ja: `${projectNumber} の${DOCUMENT_TYPE_NAMES[type].ja}は別のジョブ（${jobId}）が発行中です。終わり次第、その書類を表示します。`,
    en: `Another job (${jobId}) is issuing the ${DOCUMENT_TYPE_NAMES[type].en} of ${projectNumber}; this one shows it once that finishes.`,
  };
}

/** The banner written at the top of a voided document (bilingual, as the document is). */
/**
 * The first line of the PDF copy (控え) of a document whose original lives in an accounting
 * service: whoever opens the copy in the project folder sees where the document of record is.
 */
export const COPY_MARKER = '【控え COPY】';
export function copyBanner(type: DocumentType, documentNumber: string, service: Localized): string {
  return `${COPY_MARKER}この${DOCUMENT_TYPE_NAMES[type].ja}（${documentNumber}）は ${service.ja} で発行したものの控えです。原本は ${service.ja} にあります。 / A copy of ${DOCUMENT_TYPE_NAMES[type].en} ${documentNumber} issued in ${service.en}, where the original is kept.`;
}

export function voidBanner(type: DocumentType, documentNumber: string, date: string, reason: string, replacedBy: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return `【取消 VOID】この${DOCUMENT_TYPE_NAMES[type].ja}（${documentNumber}）は ${y}年${m}月${d}日 に取り消されました。理由: ${reason}。再発行: ${replacedBy} / This ${DOCUMENT_TYPE_NAMES[type].en} (${documentNumber}) was voided on ${date}. Reason: ${reason}. Replaced by ${replacedBy}.`;
}
