/**
 * Consumption tax and totals for an estimate or invoice, in whole yen, as a qualified invoice
 * (適格請求書) states them.
 *
 * Rules:
 * - Each line carries its rate: 10 (standard) or 8 (reduced, 軽減税率; the line is marked ※).
 * - A line's amount is quantity × unit price rounded half-up to the yen (quantities have at most
 *   three decimals, as freee accepts).
 * - Lines are summed PER RATE, and the tax of each rate is computed once on that rate's sum and
 *   rounded once by the configured rule (floor by default). Never per line: the National Tax
 *   Agency's インボイス Q&A 問57 says tax is rounded once per rate per invoice (消費税法施行令
 *   70条の10, 基本通達1-8-15) and that rounding each item and adding the results is not allowed.
 *   Which rule (切捨て/切上げ/四捨五入) is the business's choice.
 * - Integer arithmetic only, so 0.1 + 0.2 never decides a yen.
 */

export type TaxRounding = 'floor' | 'round' | 'ceil';
export const TAX_RATES = [10, 8] as const;
export type TaxRate = (typeof TAX_RATES)[number];

export type LineInput = { description: string; quantity: number; unitPrice: number; taxRate: TaxRate };
/** `reduced` marks a reduced-rate (8%) line: the document prints ※ beside it. */
export type Line = LineInput & { amount: number; reduced: boolean };
/** One rate's block of the totals: 10%対象 ¥200,000 消費税 ¥20,000. */
export type RateTotal = { rate: TaxRate; reduced: boolean; subtotal: number; tax: number; total: number };
export type Totals = { lines: Line[]; byRate: RateTotal[]; subtotal: number; tax: number; total: number };

/** Rounds numerator/denominator (both non-negative integers) to an integer by the rule. */
function divide(numerator: number, denominator: number, rounding: TaxRounding): number {
  const quotient = Math.floor(numerator / denominator);
  const remainder = numerator - quotient * denominator;
  if (remainder === 0) return quotient;
  if (rounding === 'floor') return quotient;
  if (rounding === 'ceil') return quotient + 1;
  return remainder * 2 >= denominator ? quotient + 1 : quotient;
}

/** Quantities are exact to three decimals (freee請求書 accepts the same). */
export const QUANTITY_SCALE = 1_000;

/** quantity × unitPrice, half-up to the yen. */
export function lineAmount(quantity: number, unitPrice: number): number {
  const scaledQuantity = Math.round(quantity * QUANTITY_SCALE);
  return divide(scaledQuantity * unitPrice, QUANTITY_SCALE, 'round');
}

/** The tax on one rate's sum, rounded once. */
export function taxOnRate(subtotal: number, rate: TaxRate, rounding: TaxRounding): number {
  return divide(subtotal * rate, 100, rounding);
}

export function isTaxRate(value: unknown): value is TaxRate {
  return (TAX_RATES as readonly unknown[]).includes(value);
}

export function computeTotals(items: LineInput[], rounding: TaxRounding): Totals {
  const lines = items.map((item) => {
    if (!isTaxRate(item.taxRate)) throw new RangeError(`tax rate must be 10 or 8 (percent), got ${String(item.taxRate)}`);
    if (!Number.isInteger(item.unitPrice) || item.unitPrice < 0) throw new RangeError(`unit price must be whole yen: ${item.unitPrice}`);
    if (!(item.quantity > 0)) throw new RangeError(`quantity must be positive: ${item.quantity}`);
    if (Math.abs(item.quantity * QUANTITY_SCALE - Math.round(item.quantity * QUANTITY_SCALE)) > 1e-6) {
      throw new RangeError(`quantity has more than three decimals: ${item.quantity}`);
    }
    return { ...item, amount: lineAmount(item.quantity, item.unitPrice), reduced: item.taxRate === 8 };
  });
  // Standard rate first, as invoices print it; a rate with no lines is not printed at all.
  const byRate: RateTotal[] = TAX_RATES.flatMap((rate) => {
    const ofRate = lines.filter((l) => l.taxRate === rate);
    if (ofRate.length === 0) return [];
    const subtotal = ofRate.reduce((sum, l) => sum + l.amount, 0);
    const tax = taxOnRate(subtotal, rate, rounding);
    return [{ rate, reduced: rate === 8, subtotal, tax, total: subtotal + tax }];
  });
  const subtotal = byRate.reduce((sum, r) => sum + r.subtotal, 0);
  const tax = byRate.reduce((sum, r) => sum + r.tax, 0);
  return { lines, byRate, subtotal, tax, total: subtotal + tax };
}

/** 1234567 → ¥1,234,567 */
export function formatYen(amount: number): string {
  return `${amount < 0 ? '-' : ''}¥${Math.abs(amount).toLocaleString('ja-JP')}`;
}
