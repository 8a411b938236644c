/**
 * The Documents sheet's layout (書類台帳), kept out of shared/sheetLayouts.ts so the add-on bundle,
 * which never reads it, does not carry it.
 */
import { layout } from '../sheetLayouts.js';

/**
 * Documents (書類台帳): every estimate and invoice number tasuki has issued or found, one row per
 * number, with what a qualified invoice states (amounts and tax per rate, registration number)
 * and its status: issued, or void with the reason and the number that replaced it. Written only
 * by billing.document (rows keyed by number); created at the right of the ledger spreadsheet's
 * sheets when missing. Ledger spreadsheet.
 */
export const DOCUMENTS = layout('Documents', [
  { key: 'documentNumber', header: '番号 Number' },
  { key: 'type', header: '種別 Type' },
  { key: 'projectNumber', header: '案件番号 Project' },
  { key: 'recipient', header: '宛名 Recipient' },
  { key: 'issueDate', header: '発行日 Issued' },
  { key: 'transactionDate', header: '取引日 Transaction date' },
  { key: 'subtotal10', header: '10%対象 Standard 10%' },
  { key: 'tax10', header: '消費税10% Tax 10%' },
  { key: 'subtotal8', header: '8%対象※ Reduced 8%' },
  { key: 'tax8', header: '消費税8% Tax 8%' },
  { key: 'total', header: '合計 Total' },
  { key: 'registrationNumber', header: '登録番号 Registration No.' },
  { key: 'status', header: '状態 Status' },
  { key: 'voidReason', header: '取消理由 Void reason' },
  { key: 'replacedBy', header: '再発行 Replaced by' },
  { key: 'link', header: '書類 Document' },
  { key: 'provider', header: '発行元 Issued in' },
  { key: 'jobId', header: 'ジョブ Job' },
]);
