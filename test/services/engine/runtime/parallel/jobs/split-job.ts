/**
 * A job module with a parallel source: subtask `i` reads `splits[i]` (then stays open, like a
 * live feed), keyed 10 ms tumbling windows counting per key, results to the bound sink `results`.
 */
import { summaryStats } from '../../../../../../services/engine/aggregates/summary-stats.ts';
import { defineJobModule } from '../../../../../../services/engine/runtime/parallel/job-module.ts';
import { WatermarkStrategy } from '../../../../../../services/engine/time/watermark-strategy.ts';
import { TumblingEventTimeWindows } from '../../../../../../services/engine/windows/assigners/tumbling-event-time-windows.ts';
import { ScriptedSource } from '../support/scripted-source.ts';
import type { Event } from './tumbling-job.ts';

export interface SplitJobArgs {
  readonly splits: readonly (readonly Event[])[];
  /** `withIdleness(idleMs)` on the watermark strategy, when set. */
  readonly idleMs?: number;
}

export default defineJobModule<SplitJobArgs>((env, { splits, idleMs }) => {
  let watermarks = WatermarkStrategy.forMonotonousTimestamps<Event>()
    .withTimestampAssigner((e) => e.ts)
    .withEmitInterval(5);
  if (idleMs !== undefined) watermarks = watermarks.withIdleness(idleMs);
  env
    .fromParallelSource(
      ({ index }) => new ScriptedSource([splits[index] ?? []], { name: `split-${index}`, end: false }),
      watermarks,
      'splits',
    )
    .keyBy((e) => e.key)
    .window(TumblingEventTimeWindows.of(10))
    .aggregate(
      summaryStats((e: Event) => e.value),
      (key, w, s) => `${key}[${w.start},${w.end}) n=${s.count}`,
    )
    .sinkTo(env.boundSink('results'));
});
