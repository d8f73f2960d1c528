/**
 * NAB's scaled sigmoid of a relative position (Lavin & Ahmad 2015, eq. 1; `scaledSigmoid` in NAB's
 * `nab/sweeper.py`): `2 / (1 + e^(5y)) - 1`, and exactly -1 past `y > 3`. Inside a window `y` runs
 * from -1 (its first record, 0.98661) towards 0 (its end, 0); after a window `y` is the distance
 * past its end over its length, so false positives cost more the further they are (-0.98661 at 1).
 *
 * @example
 * scaledSigmoid(-1); // 0.9866142981514305
 * scaledSigmoid(-0.5); // 0.8482836399575131
 * scaledSigmoid(0); // 0
 * scaledSigmoid(3.5); // -1
 */
export function scaledSigmoid(relativePosition: number): number {
  if (relativePosition > 3) return -1;
  return 2 / (1 + Math.exp(5 * relativePosition)) - 1;
}
