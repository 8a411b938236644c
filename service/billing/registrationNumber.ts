/**
 * The qualified-invoice issuer registration number (適格請求書発行事業者登録番号): `T` followed
 * by 13 digits. For a corporation the 13 digits are its corporate number (法人番号), whose FIRST
 * digit is a check digit over the other twelve (the base number, 基礎番号). The formula is
 * 法人番号の指定等に関する省令 (平成26年財務省令第70号) 第2条:
 *
 *   check = 9 − ( Σ_{n=1..12} Pn × Qn  mod 9 )
 *   Pn = the n-th digit of the base number counted from its LAST (least significant) digit
 *   Qn = 1 when n is odd, 2 when n is even
 *
 * (The ordinance's own parenthesisation reads as if each Pn×Qn were reduced mod 9; it is the
 * sum that is.) The result is always 1…9, so a corporate number never starts with 0.
 *
 * tasuki applies this check to every registration number; a typo in the number is caught at
 * start (configuration) instead of on a client's invoice.
 */

/** The check digit (1–9) of a 12-digit base number. */
export function corporateNumberCheckDigit(base: string): number {
  if (!/^\d{12}$/.test(base)) throw new RangeError(`a corporate number's base is 12 digits, got "${base}"`);
  let sum = 0;
  for (let n = 1; n <= 12; n++) {
    const digit = Number(base[12 - n]);
    sum += digit * (n % 2 === 1 ? 1 : 2);
  }
  return 9 - (sum % 9);
}

/** True when `number` is 13 digits whose first digit is the check digit of the other twelve. */
export function isCorporateNumber(number: string): boolean {
  return /^\d{13}$/.test(number) && Number(number[0]) === corporateNumberCheckDigit(number.slice(1));
}

export type RegistrationNumberCheck = { ok: true; value: string } | { ok: false; problem: string };

/**
 * Normalises (full-width digits and Ｔ, spaces and hyphens as people type them) and checks a
 * registration number. The problem is English, for configuration errors; the handler puts the
 * user-facing text together itself.
 */
export function checkRegistrationNumber(raw: string): RegistrationNumberCheck {
  const value = raw
    .normalize('NFKC')
    .replace(/[\s\-‐－―]/g, '')
    .toUpperCase();
  if (!/^T\d{13}$/.test(value)) return { ok: false, problem: `must be T followed by 13 digits (e.g. T7000012050002), got "${raw}"` };
  const digits = value.slice(1);
  const expected = corporateNumberCheckDigit(digits.slice(1));
  if (Number(digits[0]) !== expected) {
    return { ok: false, problem: `"${raw}" fails the corporate-number check digit (the first digit should be ${expected} for ${digits.slice(1)}); check for a typo` };
  }
  return { ok: true, value };
}
