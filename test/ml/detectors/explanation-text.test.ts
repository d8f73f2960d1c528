import { describe, expect, it } from 'vitest';
import { formatNumber, warmingUp } from '../../../ml/detectors/explanation-text.ts';

describe('explanation text', () => {
  it('formats numbers to 4 significant digits', () => {
    expect([21.456789, 0.000123456, 1234567, 0, -3.5, Number.POSITIVE_INFINITY].map(formatNumber)).toEqual([
      '21.46',
      '0.0001235',
      '1235000',
      '0',
      '-3.5',
      '∞',
    ]);
  });

  it('explains warm-up with score 0', () => {
    expect(warmingUp(3, 30)).toEqual({ score: 0, reason: 'warming up (3 of 30 values learned)' });
  });
});
