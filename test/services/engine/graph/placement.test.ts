import { describe, expect, it } from 'vitest';
import { summaryStats } from '../../../../services/engine/aggregates/summary-stats.ts';
import { OutputTag } from '../../../../services/engine/api/output-tag.ts';
import { CollectingSink } from '../../../../services/engine/api/sinks/collecting-sink.ts';
import { CollectionSource } from '../../../../services/engine/api/sources/collection-source.ts';
import { StreamEnvironment } from '../../../../services/engine/api/stream-environment.ts';
import { planFingerprint, planLayout } from '../../../../services/engine/graph/placement.ts';
import { WatermarkStrategy } from '../../../../services/engine/time/watermark-strategy.ts';
import { TumblingEventTimeWindows } from '../../../../services/engine/windows/assigners/tumbling-event-time-windows.ts';

interface Ev {
  key: string;
  ts: number;
}
const watermarks = WatermarkStrategy.forMonotonousTimestamps<Ev>().withTimestampAssigner((e) => e.ts);

/** source → filter → keyBy → window → map → sink, plus the raw stream to a second sink. */
function job(env: StreamEnvironment) {
  const events = env.fromSource(new CollectionSource<Ev>([]), watermarks).filter((e) => e.ts >= 0);
  events.sinkTo(new CollectingSink('raw'));
  events
    .keyBy((e) => e.key)
    .window(TumblingEventTimeWindows.of(10))
    .aggregate(summaryStats((e: Ev) => e.ts))
    .map((s) => s.count)
    .sinkTo(new CollectingSink('counts'));
  return env.plan;
}

describe('planLayout', () => {
  it('at parallelism > 1: sources and pre-key steps in main, keyed chain in the subtasks, sinks in main', () => {
    const plan = job(new StreamEnvironment({ parallelism: 2 }));
    const layout = planLayout(plan, 2);
    expect(plan.map((n) => `${n.name}@${layout.placement(n)}`)).toEqual([
      'collection@main',
      'filter@main',
      'raw@main',
      'key-by@subtasks',
      'window(10ms)@subtasks',
      'map@subtasks',
      'counts@main',
    ]);
    expect(layout.exchanges.map((e) => `${e.kind} ${e.name} ${e.from}→${e.to}`)).toEqual([
      'hash key-by main→subtasks',
      'gather map→counts subtasks→main',
    ]);
    expect(layout.exchangesFrom(plan[0]!).map((e) => e.name)).toEqual(['key-by']);
    expect(layout.exchangesFrom(plan[3]!).map((e) => e.name)).toEqual(['map→counts']);
  });

  it('a parallel source runs in the subtasks, and its stream reaches main-thread sinks through a gather', () => {
    const env = new StreamEnvironment({ parallelism: 2 });
    env
      .fromParallelSource(() => new CollectionSource<Ev>([]), watermarks, 'splits')
      .sinkTo(new CollectingSink('all'));
    const layout = planLayout(env.plan, 2);
    expect(env.plan.map((n) => layout.placement(n))).toEqual(['subtasks', 'main']);
    expect(layout.exchanges.map((e) => `${e.kind} ${e.name}`)).toEqual(['gather splits→all']);
  });

  it('side outputs of a subtask operator are gathered on their own exchange', () => {
    const env = new StreamEnvironment({ parallelism: 2 });
    const late = new OutputTag<Ev>('late');
    const windowed = env
      .fromSource(new CollectionSource<Ev>([]), watermarks)
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of(10))
      .aggregate(
        summaryStats((e: Ev) => e.ts),
        undefined,
        'windows',
      );
    windowed.sinkTo(new CollectingSink('main'));
    windowed.getSideOutput(late).sinkTo(new CollectingSink('late'));
    const layout = planLayout(env.plan, 2);
    expect(layout.exchanges.map((e) => `${e.kind} ${e.name}`)).toEqual([
      'hash key-by',
      'gather windows→main',
      'gather side-output:late→late',
    ]);
  });

  it('at parallelism 1 nothing crosses a thread', () => {
    const plan = job(new StreamEnvironment());
    const layout = planLayout(plan, 1);
    expect(layout.exchanges).toEqual([]);
    expect(plan.every((n) => layout.placement(n) === 'main')).toBe(true);
  });

  it('the fingerprint is the same for the same job built twice, and leaves out source and sink names', () => {
    const a = job(new StreamEnvironment({ parallelism: 2 }));
    const b = job(new StreamEnvironment({ parallelism: 2 }));
    expect(planFingerprint(a)).toBe(planFingerprint(b));
    expect(planFingerprint(a)).toBe(
      '0:source|1:operator:filter<0|2:sink<1|3:partition:key-by<1|4:operator:window(10ms)<3|5:operator:map<4|6:sink<5',
    );
  });
});
