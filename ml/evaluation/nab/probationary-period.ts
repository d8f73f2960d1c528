/** NAB's `probationPercent`: the share of each file at its start where detections are not scored. */
export const NAB_PROBATION_PERCENT = 0.15;

/**
 * How many records at the start of a file are probationary (a detector is still learning; NAB
 * ignores its detections there): NAB's `getProbationPeriod` in `nab/util.py`, used by
 * `Sweeper._getProbationaryLength` in `nab/sweeper.py`, is `min(floor(percent × length),
 * percent × 5000)`, i.e. 15% of the file but never more than 750 records. Record `i` is
 * probationary when `i < probationaryLength(length)`.
 *
 * @example
 * probationaryLength(4032); // 604
 * probationaryLength(22695); // 750
 */
export function probationaryLength(records: number, percent = NAB_PROBATION_PERCENT): number {
  return Math.min(Math.floor(percent * records), percent * 5000);
}
