/**
 * Consumption tax and totals for an estimate or invoice, in whole yen.
 *
 * Rules (as a qualified invoice, 適格請求書, states them): each line's amount is quantity ×
 * unit price rounded half-up to the yen; tax is computed ONCE on the subtotal at the configured
 * rate and rounded by the configured rule (floor by default, the common practice), never per
 * line. Integer arithmetic only, so 0.1 + 0.2 never decides a yen.
 */

export type TaxRounding = 'floor' | 'round' | 'ceil';

export type LineInput = { description: string; quantity: number; unitPrice: number };
export type Line = LineInput & { amount: number };
export type Totals = { lines: Line[]; subtotal: number; taxRatePercent: number; tax: number; total: number };

/** Rounds numerator/denominator (both non-negative integers) to an integer by the rule. */
function divide(numerator: number, denominator: number, rounding: TaxRounding): number {
  const quotient = Math.floor(numerator / denominator);
  const remainder = numerator - quotient * denominator;
  if (remainder === 0) return quotient;
  if (rounding === 'floor') return quotient;
  if (rounding === 'ceil') return quotient + 1;
  return remainder * 2 >= denominator ? quotient + 1 : quotient;
}

/** quantity × unitPrice, half-up to the yen, exact for quantities with up to 4 decimals. */
export function lineAmount(quantity: number, unitPrice: number): number {
  const scaledQuantity = Math.round(quantity * 10_000);
  return divide(scaledQuantity * unitPrice, 10_000, 'round');
}

export function computeTotals(items: LineInput[], taxRatePercent: number, rounding: TaxRounding): Totals {
  if (!Number.isInteger(taxRatePercent) || taxRatePercent < 0 || taxRatePercent > 100) {
    throw new RangeError(`tax rate must be a whole percent between 0 and 100, got ${taxRatePercent}`);
  }
  const lines = items.map((item) => {
    if (!Number.isInteger(item.unitPrice) || item.unitPrice < 0) throw new RangeError(`unit price must be whole yen: ${item.unitPrice}`);
    if (!(item.quantity > 0)) throw new RangeError(`quantity must be positive: ${item.quantity}`);
    return { ...item, amount: lineAmount(item.quantity, item.unitPrice) };
  });
  const subtotal = lines.reduce((sum, line) => sum + line.amount, 0);
  const tax = divide(subtotal * taxRatePercent, 100, rounding);
  return { lines, subtotal, taxRatePercent, tax, total: subtotal + tax };
}

/** 1234567 → ¥1,234,567 */
export function formatYen(amount: number): string {
  return `¥${amount.toLocaleString('ja-JP')}`;
}
