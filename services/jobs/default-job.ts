import { type Reading, seriesKey, splitSeriesKey } from '../domain/reading.ts';
import type { WindowAggregate } from '../domain/window-aggregate.ts';
import { summaryStats } from '../engine/aggregates/summary-stats.ts';
import type { Sink } from '../engine/api/sink.ts';
import type { Source } from '../engine/api/source.ts';
import type { StreamEnvironment } from '../engine/api/stream-environment.ts';
import { WatermarkStrategy } from '../engine/time/watermark-strategy.ts';
import { TumblingEventTimeWindows } from '../engine/windows/assigners/tumbling-event-time-windows.ts';

export interface DefaultJobOptions {
  /** Tumbling window size. Default 10 s. */
  readonly windowMs?: number;
  /** How much out of order readings may arrive and still count. Default 2 s. */
  readonly outOfOrdernessMs?: number;
  /** After this much silence, event time follows processing time so the last windows close. Default 30 s. */
  readonly quietPeriodMs?: number;
}

export const DEFAULT_JOB = { windowMs: 10_000, outOfOrdernessMs: 2_000, quietPeriodMs: 30_000 } as const;

/**
 * Eddy's default job: per device and metric, tumbling event-time windows with count, mean, min,
 * max and stddev, sent to every given sink (InfluxDB `window_agg`, the live feed).
 *
 * readings ─ timestamps & watermarks ─ keyBy(device/metric) ─ tumbling window ─ summary ─ sinks
 */
export function defineDefaultJob(
  env: StreamEnvironment,
  source: Source<Reading>,
  sinks: readonly Sink<WindowAggregate>[],
  options: DefaultJobOptions = {},
): void {
  const windowMs = options.windowMs ?? DEFAULT_JOB.windowMs;
  const watermarks = WatermarkStrategy.forBoundedOutOfOrderness<Reading>(
    options.outOfOrdernessMs ?? DEFAULT_JOB.outOfOrdernessMs,
  )
    .withTimestampAssigner((r) => r.ts)
    .withQuietPeriod(options.quietPeriodMs ?? DEFAULT_JOB.quietPeriodMs);
  const windows = TumblingEventTimeWindows.of<Reading>(windowMs);
  const aggregates = env
    .fromSource(source, watermarks)
    .keyBy((r) => seriesKey(r.device, r.metric))
    .window(windows)
    .aggregate(
      summaryStats((r: Reading) => r.value),
      (key, window, stats): WindowAggregate => ({
        ...splitSeriesKey(key),
        window: windows.label,
        start: window.start,
        end: window.end,
        ...stats,
      }),
    );
  for (const sink of sinks) aggregates.sinkTo(sink);
}
