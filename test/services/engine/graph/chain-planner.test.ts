import { describe, expect, it } from 'vitest';
import { count } from '../../../../services/engine/aggregates/count.ts';
import { CollectingSink } from '../../../../services/engine/api/sinks/collecting-sink.ts';
import { CollectionSource } from '../../../../services/engine/api/sources/collection-source.ts';
import { StreamEnvironment } from '../../../../services/engine/api/stream-environment.ts';
import { planChains } from '../../../../services/engine/graph/chain-planner.ts';
import type { Transformation } from '../../../../services/engine/graph/transformation.ts';
import type { Downstream } from '../../../../services/engine/runtime/output.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';
import { WatermarkStrategy } from '../../../../services/engine/time/watermark-strategy.ts';
import { TumblingEventTimeWindows } from '../../../../services/engine/windows/assigners/tumbling-event-time-windows.ts';

interface Ev {
  key: string;
  ts: number;
}
const watermarks = WatermarkStrategy.forMonotonousTimestamps<Ev>().withTimestampAssigner((e) => e.ts);

describe('planChains', () => {
  it('forwards records, watermarks and barriers through a chain of operators to the exchange it feeds', () => {
    const env = new StreamEnvironment();
    env
      .fromSource(new CollectionSource<Ev>([]), watermarks)
      .filter((e) => e.ts >= 0)
      .map((e) => ({ ...e, ts: e.ts + 1 }))
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of(10))
      .aggregate(count())
      .sinkTo(new CollectingSink('keys'));
    const seen: string[] = [];
    const exchange: Downstream<Ev> = {
      collect: (value, timestamp) => seen.push(`record ${value.key}@${timestamp} ts=${value.ts}`),
      emitWatermark: (watermark) => seen.push(`watermark ${watermark}`),
      emitBarrier: (id) => seen.push(`barrier ${id}`),
    };
    const isKeyBy = (node: Transformation) => node.kind === 'partition';
    const plan = planChains(env.plan, {
      runsHere: (node) => node.kind === 'source' || node.name === 'filter' || node.name === 'map',
      exchange: (_node, consumer) => (isKeyBy(consumer) ? exchange : undefined),
      entries: [],
    });
    for (const { operator, output } of plan.operators)
      operator.open({ clock: new ManualClock(0), maxParallelism: 128 }, output);
    const head = plan.sources[0]!.output;
    head.collect({ key: 'a', ts: 5 }, 5);
    head.collect({ key: 'b', ts: -1 }, -1);
    head.emitWatermark(5);
    head.emitBarrier?.(1);
    expect(seen).toEqual(['record a@5 ts=6', 'watermark 5', 'barrier 1']);
  });
});
