import { describe, expect, it } from 'vitest';
import { CollectingSink } from '../../../../services/engine/api/sinks/collecting-sink.ts';
import type { Source, SourceContext } from '../../../../services/engine/api/source.ts';
import { StreamEnvironment } from '../../../../services/engine/api/stream-environment.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';
import { WatermarkStrategy } from '../../../../services/engine/time/watermark-strategy.ts';
import { TumblingProcessingTimeWindows } from '../../../../services/engine/windows/assigners/tumbling-processing-time-windows.ts';

interface Event {
  key: string;
  ts: number;
}

/** An unbounded source the test pushes into. */
class PushSource implements Source<Event> {
  readonly name = 'push';
  ctx!: SourceContext<Event>;
  async open(ctx: SourceContext<Event>) {
    this.ctx = ctx;
  }
  async close() {}
}

const watermarks = WatermarkStrategy.forBoundedOutOfOrderness<Event>(0).withTimestampAssigner((e) => e.ts);

describe('errors in processing-time timer callbacks', () => {
  it('fail the job (with the error) instead of escaping into the clock', async () => {
    const clock = new ManualClock(1_000);
    const env = new StreamEnvironment({ clock });
    const source = new PushSource();
    env
      .fromSource(source, watermarks)
      .keyBy((e) => e.key)
      .process<string>({
        processElement(_e, ctx) {
          ctx.timerService.registerProcessingTimeTimer(ctx.timerService.currentProcessingTime() + 100);
        },
        onTimer() {
          throw new Error('timer boom');
        },
      })
      .sinkTo(new CollectingSink<string>());
    const job = await env.start('failing timer');
    source.ctx.collect({ key: 'a', ts: 1 });
    expect(() => clock.advance(100)).not.toThrow();
    await expect(job.finished).rejects.toThrow('timer boom');
    expect(job.state).toBe('failed');
  });

  it('fail the job when a processing-time window result function throws', async () => {
    const clock = new ManualClock(0);
    const env = new StreamEnvironment({ clock });
    const source = new PushSource();
    env
      .fromSource(source, watermarks)
      .keyBy((e) => e.key)
      .window(TumblingProcessingTimeWindows.of<Event>(1_000))
      .reduce(
        (a) => a,
        () => {
          throw new Error('window boom');
        },
      )
      .sinkTo(new CollectingSink<unknown>());
    const job = await env.start('failing window');
    source.ctx.collect({ key: 'a', ts: 1 });
    expect(() => clock.advance(1_000)).not.toThrow();
    await expect(job.finished).rejects.toThrow('window boom');
  });
});
