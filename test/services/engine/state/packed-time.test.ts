import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packTime, unpackTime } from '../../../../services/engine/state/packed-time.ts';

describe('packTime', () => {
  it('gives every time back exactly, as a small integer near its base', () => {
    const end = 1_700_000_010_000;
    expect(packTime(end - 1, end)).toBe(1);
    expect(unpackTime(packTime(Number.NaN, end), end)).toBeNaN();
    fc.assert(
      fc.property(
        fc.double({ noNaN: true }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        (time, base) => {
          expect(unpackTime(packTime(time, base), base) === time).toBe(true); // -0 comes back as 0
        },
      ),
    );
  });
});
