import { summaryStats } from '../../services/engine/aggregates/summary-stats.ts';
import type { Sink } from '../../services/engine/api/sink.ts';
import { CollectionSource } from '../../services/engine/api/sources/collection-source.ts';
import { StreamEnvironment } from '../../services/engine/api/stream-environment.ts';
import { WatermarkStrategy } from '../../services/engine/time/watermark-strategy.ts';
import type { WindowAssigner } from '../../services/engine/windows/assigners/window-assigner.ts';
import type { BenchReading } from '../data/synthetic-readings.ts';

/**
 * The benchmarked job through the public API: in-memory readings (batches of 1,000) with
 * bounded-out-of-orderness watermarks → keyBy → `windows` → summary statistics → a sink that
 * counts. Returns the number of window results.
 */
export async function runEngineWindowJob(
  readings: readonly BenchReading[],
  windows: WindowAssigner<BenchReading>,
  boundMs: number,
): Promise<number> {
  let results = 0;
  const sink: Sink<unknown> = {
    name: 'count',
    open: async () => {},
    write: () => {
      results++;
    },
    flush: async () => {},
    close: async () => {},
  };
  const env = new StreamEnvironment();
  env
    .fromSource(
      new CollectionSource(readings, { batchSize: 1_000 }),
      WatermarkStrategy.forBoundedOutOfOrderness<BenchReading>(boundMs).withTimestampAssigner((r) => r.ts),
    )
    .keyBy((r) => r.key)
    .window(windows)
    .aggregate(summaryStats((r: BenchReading) => r.value))
    .sinkTo(sink);
  const job = await env.start('bench-keyed-windows');
  await job.finished;
  return results;
}
