/**
 * A job module for the parallel runtime tests: keyed 10 ms tumbling windows (count and sum per
 * key and window) from the bound source `events` (or a split collection) to the bound sink `results`.
 */
import { summaryStats } from '../../../../../../services/engine/aggregates/summary-stats.ts';
import { OutputTag } from '../../../../../../services/engine/api/output-tag.ts';
import { CollectionSource } from '../../../../../../services/engine/api/sources/collection-source.ts';
import { defineJobModule } from '../../../../../../services/engine/runtime/parallel/job-module.ts';
import { WatermarkStrategy } from '../../../../../../services/engine/time/watermark-strategy.ts';
import { TumblingEventTimeWindows } from '../../../../../../services/engine/windows/assigners/tumbling-event-time-windows.ts';

export interface Event {
  readonly key: string;
  readonly ts: number;
  readonly value: number;
}

export interface TumblingJobArgs {
  readonly windowMs: number;
  readonly boundMs: number;
  /** Milliseconds of busy work per record in the window (a slow subtask). */
  readonly slowMs?: number;
  /** The window's aggregate throws on this key (a failing subtask). */
  readonly failOnKey?: string;
  readonly allowedLatenessMs?: number;
  /** Late events go to the bound sink `late` (a side output gathered from the subtasks). */
  readonly collectLate?: boolean;
  /**
   * Read these events with a splittable `CollectionSource` (one split per subtask, in the workers)
   * instead of the bound source `events`.
   */
  readonly split?: { readonly events: readonly Event[]; readonly batchSize: number };
}

const LATE = new OutputTag<Event>('late');

export const tumblingJob = defineJobModule<TumblingJobArgs>((env, args) => {
  const watermarks = WatermarkStrategy.forBoundedOutOfOrderness<Event>(args.boundMs).withTimestampAssigner(
    (e) => e.ts,
  );
  const stats = summaryStats((e: Event) => {
    if (e.key === args.failOnKey) throw new Error(`poisoned key ${e.key}`);
    if (args.slowMs) {
      const until = performance.now() + args.slowMs;
      while (performance.now() < until) {}
    }
    return e.value;
  });
  const events = args.split
    ? env.fromParallelSource(
        new CollectionSource(args.split.events, {
          name: 'events',
          batchSize: args.split.batchSize,
          yieldEvery: 1,
        }),
        watermarks,
      )
    : env.fromSource(env.boundSource<Event>('events'), watermarks);
  const windows = events
    .filter((e) => e.value >= 0)
    .keyBy((e) => e.key)
    .window(TumblingEventTimeWindows.of(args.windowMs))
    .allowedLateness(args.allowedLatenessMs ?? 0);
  if (args.collectLate) windows.sideOutputLateData(LATE);
  const results = windows.aggregate(
    stats,
    // the values are integers: the rounded sum is exact, whatever order a subtask added them in
    (key, window, s) =>
      `${key}[${window.start},${window.end}) n=${s.count} sum=${Math.round(s.mean * s.count)}`,
  );
  results.sinkTo(env.boundSink('results'));
  if (args.collectLate) results.getSideOutput(LATE).sinkTo(env.boundSink('late'));
});

export default tumblingJob;
