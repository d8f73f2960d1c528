import type { AnomalyExplanation } from './detector.ts';

/**
 * A number for an explanation's text: 4 significant digits, no exponent for everyday magnitudes.
 *
 * @example
 * formatNumber(21.456789); // '21.46'
 * formatNumber(0.000123456); // '0.0001235'
 * formatNumber(Infinity); // '∞'
 */
export function formatNumber(v: number): string {
  if (v === Number.POSITIVE_INFINITY) return '∞';
  if (v === Number.NEGATIVE_INFINITY) return '-∞';
  if (v === 0 || !Number.isFinite(v)) return String(v);
  return String(Number(v.toPrecision(4)));
}

/**
 * The explanation of a record scored during warm-up.
 *
 * @example
 * warmingUp(3, 30); // { score: 0, reason: 'warming up (3 of 30 values learned)' }
 */
export function warmingUp(learned: number, needed: number, what = 'values'): AnomalyExplanation {
  return { score: 0, reason: `warming up (${learned} of ${needed} ${what} learned)` };
}
