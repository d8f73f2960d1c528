import { describe, expect, it } from 'vitest';
import type { Source, SourceContext } from '../../../../services/engine/api/source.ts';
import type { TaskStatusOutput } from '../../../../services/engine/runtime/channels/task-outputs.ts';
import { SourceTask } from '../../../../services/engine/runtime/source-task.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';
import { WatermarkStrategy } from '../../../../services/engine/time/watermark-strategy.ts';

class PushSource implements Source<number> {
  readonly name = 'push';
  ctx!: SourceContext<number>;
  async open(ctx: SourceContext<number>) {
    this.ctx = ctx;
  }
  async close() {}
}

/** Event time = the record's value; 2 ms out of order, a 100 ms quiet period, a tick every 10 ms. */
async function task(status?: TaskStatusOutput, idlenessMs?: number) {
  const clock = new ManualClock(0);
  const source = new PushSource();
  const log: string[] = [];
  let strategy = WatermarkStrategy.forBoundedOutOfOrderness<number>(2)
    .withTimestampAssigner((n) => n)
    .withQuietPeriod(100)
    .withEmitInterval(10);
  if (idlenessMs !== undefined) strategy = strategy.withIdleness(idlenessMs);
  const t = new SourceTask<number>(
    source,
    strategy,
    { collect: (v) => log.push(`record ${v}`), emitWatermark: (w) => log.push(`wm ${w}`) },
    clock,
    (error) => log.push(`failed ${error}`),
    () => log.push('ended'),
    status,
  );
  await t.open();
  return { t, clock, source, log };
}

describe('SourceTask while its source cannot reach its input (markUnavailable, ManualClock)', () => {
  it('does not let the quiet period move event time on during the outage, and counts it from the recovery', async () => {
    const { clock, source, log } = await task();
    source.ctx.collect(1_000);
    expect(log).toEqual(['record 1000', 'wm 997']);
    source.ctx.markUnavailable!(true);
    clock.advance(10_000); // far past the quiet period: nothing moves
    expect(log).toEqual(['record 1000', 'wm 997']);
    source.ctx.markUnavailable!(false);
    clock.advance(90);
    source.ctx.collect(999); // what the broker held: not late
    expect(log).toEqual(['record 1000', 'wm 997', 'record 999']);
    clock.advance(100); // quiet for 100 ms after the last record: event time follows the clock again
    expect(log.at(-1)).toBe('wm 1097');
  });

  it('without an outage the same wait would have made the held-back record late', async () => {
    const { clock, source, log } = await task();
    source.ctx.collect(1_000);
    clock.advance(10_000);
    expect(log.at(-1)).toBe('wm 10997');
  });

  it('does not mark the exchanges idle during the outage (parallelism > 1)', async () => {
    const marks: string[] = [];
    const status: TaskStatusOutput = {
      markIdle: () => marks.push('idle'),
      markActive: () => marks.push('active'),
      end: () => marks.push('end'),
    };
    const { clock, source } = await task(status, 50);
    source.ctx.collect(1_000);
    source.ctx.markUnavailable!(true);
    clock.advance(1_000);
    source.ctx.markUnavailable!(false);
    clock.advance(40);
    expect(marks).toEqual([]);
    clock.advance(10);
    expect(marks).toEqual(['idle']);
  });
});

describe('SourceTask held back by the job (backpressure) or still opening (ManualClock)', () => {
  it('does not count a pause as silence: the quiet period counts from the resume', async () => {
    const { t, clock, source, log } = await task();
    source.ctx.collect(1_000);
    t.pause(); // e.g. InfluxDB is away and its sink is full
    clock.advance(60_000);
    expect(log).toEqual(['record 1000', 'wm 997']);
    t.resume();
    clock.advance(90);
    source.ctx.collect(999); // published during the pause: not late
    expect(log).toEqual(['record 1000', 'wm 997', 'record 999']);
    clock.advance(100);
    expect(log.at(-1)).toBe('wm 1097');
  });

  it('counts the quiet period of a restored task from the end of open(), not from the restore', async () => {
    const clock = new ManualClock(0);
    const log: string[] = [];
    let ctx!: SourceContext<number>;
    const slowToOpen: Source<number> = {
      name: 'slow',
      open: async (c) => {
        ctx = c;
      },
      close: async () => {},
    };
    const t = new SourceTask<number>(
      slowToOpen,
      WatermarkStrategy.forBoundedOutOfOrderness<number>(2)
        .withTimestampAssigner((n) => n)
        .withQuietPeriod(100)
        .withEmitInterval(10),
      { collect: (v) => log.push(`record ${v}`), emitWatermark: (w) => log.push(`wm ${w}`) },
      clock,
      (error) => log.push(`failed ${error}`),
      () => log.push('ended'),
    );
    t.restoreState({ maxTimestamp: 1_000, watermark: 997 });
    clock.advance(5_000); // the restored job's workers starting: longer than the quiet period
    await t.open();
    clock.advance(10); // a tick before the first record arrives
    ctx.collect(999); // what the broker held for the restored job: not late
    expect(log).toEqual(['wm 997', 'record 999']);
  });
});
