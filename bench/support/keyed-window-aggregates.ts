import type { Reading } from '../../services/domain/reading.ts';
import type { WindowAggregate } from '../../services/domain/window-aggregate.ts';
import { summaryStats } from '../../services/engine/aggregates/summary-stats.ts';
import type { DataStream } from '../../services/engine/api/data-stream.ts';
import type { StreamEnvironment } from '../../services/engine/api/stream-environment.ts';
import { readingCodec } from '../../services/engine/runtime/channels/reading-codec.ts';
import { windowAggregateCodec } from '../../services/engine/runtime/channels/window-aggregate-codec.ts';
import { TumblingEventTimeWindows } from '../../services/engine/windows/assigners/tumbling-event-time-windows.ts';

/**
 * The benches' keyed stage, as the default job shapes it: readings keyed by device, tumbling
 * windows of `windowMs` with summary statistics, to the bound sink `results`. Readings and
 * aggregates cross threads with the typed-array codecs.
 */
export function keyedWindowAggregates(
  env: StreamEnvironment,
  readings: DataStream<Reading>,
  windowMs: number,
): void {
  const keyed = readings.keyBy((r) => r.device);
  env.setRecordCodec(keyed, readingCodec);
  const aggregates = keyed.window(TumblingEventTimeWindows.of(windowMs)).aggregate(
    summaryStats((r: Reading) => r.value),
    (device, window, stats): WindowAggregate => ({
      device,
      metric: 'temperature',
      window: '10s',
      start: window.start,
      end: window.end,
      ...stats,
    }),
  );
  env.setRecordCodec(aggregates, windowAggregateCodec);
  aggregates.sinkTo(env.boundSink('results'));
}
