import type { Reading } from './reading.ts';

/**
 * A reading that arrived after its window had closed (past the window's allowed lateness), as a job
 * file's `late: influx` keeps it: the reading and the label of the window it missed. Written to
 * InfluxDB measurement `late_readings`, stamped with the reading's own event time.
 */
export interface LateReading extends Reading {
  /** Label of the window the reading was late for, e.g. `10s`. */
  readonly window: string;
}
