/**
 * Tracks event time for one input and says how far it has certainly progressed.
 * Called on the record path (`onEvent`) and periodically (`currentWatermark`).
 */
export interface WatermarkGenerator {
  /** Sees one record's event time; `now` is processing time when it arrived. */
  onEvent(timestamp: number, now: number): void;
  /** The watermark to emit now (the runtime never emits a smaller one than before). */
  currentWatermark(now: number): number;
}
