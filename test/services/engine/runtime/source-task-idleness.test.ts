import { describe, expect, it } from 'vitest';
import type { Source, SourceContext } from '../../../../services/engine/api/source.ts';
import type { TaskStatusOutput } from '../../../../services/engine/runtime/channels/task-outputs.ts';
import { SourceTask } from '../../../../services/engine/runtime/source-task.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';
import { MAX_WATERMARK } from '../../../../services/engine/time/watermark.ts';
import { WatermarkStrategy } from '../../../../services/engine/time/watermark-strategy.ts';

class PushSource implements Source<number> {
  readonly name = 'push';
  ctx!: SourceContext<number>;
  calls: string[] = [];
  async open(ctx: SourceContext<number>) {
    this.ctx = ctx;
  }
  async close() {}
  pause() {
    this.calls.push('pause');
  }
  resume() {
    this.calls.push('resume');
  }
}

async function task(strategy: WatermarkStrategy<number>) {
  const clock = new ManualClock(0);
  const source = new PushSource();
  const log: string[] = [];
  const status: TaskStatusOutput = {
    markIdle: () => log.push('idle'),
    markActive: () => log.push('active'),
    end: () => log.push('end'),
  };
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

const monotonous = WatermarkStrategy.forMonotonousTimestamps<number>()
  .withTimestampAssigner((n) => n)
  .withEmitInterval(10);

describe('SourceTask at parallelism > 1: idleness, backpressure and end (ManualClock)', () => {
  it('marks its exchanges idle after the idleness timeout without records, and active on the next record', async () => {
    const { clock, source, log } = await task(monotonous.withIdleness(100));
    source.ctx.collect(5);
    clock.advance(90);
    expect(log).toEqual(['record 5', 'wm 4']);
    clock.advance(10); // 100 ms since the record: idle at this tick
    expect(log).toEqual(['record 5', 'wm 4', 'idle']);
    clock.advance(500); // stays idle, said once
    source.ctx.collectBatch([7, 8]);
    expect(log).toEqual(['record 5', 'wm 4', 'idle', 'active', 'record 7', 'record 8', 'wm 7']);
  });

  it('without withIdleness it never goes idle', async () => {
    const { clock, log } = await task(monotonous);
    clock.advance(10_000);
    expect(log).toEqual([]);
  });

  it('pause() and resume() reach the source; end of input sends MAX_WATERMARK, then the end', async () => {
    const { t, source, log } = await task(monotonous);
    t.pause();
    t.pause();
    t.resume();
    expect(source.calls).toEqual(['pause', 'resume']);
    expect(t.metrics()).toMatchObject({ paused: false, pauses: 1, idle: false });
    source.ctx.endOfInput();
    expect(log).toEqual([`wm ${MAX_WATERMARK}`, 'end', 'ended']);
  });

  it('finish(drain) after close ends the exchanges, after MAX_WATERMARK when draining', async () => {
    const a = await task(monotonous);
    a.source.ctx.collect(3);
    a.t.finish(false);
    expect(a.log).toEqual(['record 3', 'wm 2', 'end']);
    const b = await task(monotonous);
    b.t.finish(true);
    expect(b.log).toEqual([`wm ${MAX_WATERMARK}`, 'end']);
  });
});

describe('SourceTask.collectBatch with a range', () => {
  it('hands over only records[from] … records[to - 1] (a source over an array makes no copy), and wakes only for records', async () => {
    const { t, source, log } = await task(monotonous);
    source.ctx.collectBatch([1, 2, 3, 4, 5], 1, 3);
    expect(log).toEqual(['record 2', 'record 3', 'wm 2']);
    source.ctx.collectBatch([6, 7], 2, 2);
    source.ctx.collectBatch([8, 9], 1, 10);
    expect(log.slice(3)).toEqual(['record 9', 'wm 8']);
    expect(t.metrics()).toMatchObject({ recordsOut: 3 });
  });
});
