import { describe, expect, it } from 'vitest';
import type { Source, SourceContext } from '../../../../../services/engine/api/source.ts';
import { CollectionSource } from '../../../../../services/engine/api/sources/collection-source.ts';
import { sourceRestoreInput } from '../../../../../services/engine/runtime/checkpointing/source-state.ts';
import { SourceTask } from '../../../../../services/engine/runtime/source-task.ts';
import { ManualClock } from '../../../../../services/engine/time/clock.ts';
import { MIN_WATERMARK } from '../../../../../services/engine/time/watermark.ts';
import { WatermarkStrategy } from '../../../../../services/engine/time/watermark-strategy.ts';

class PushSource implements Source<number> {
  readonly name = 'push';
  ctx!: SourceContext<number>;
  restored: unknown[] = [];
  async open(ctx: SourceContext<number>) {
    this.ctx = ctx;
  }
  async close() {}
  snapshotState(id: number) {
    return { position: id * 10 };
  }
  restoreState(state: unknown) {
    this.restored.push(state);
  }
}

const strategy = WatermarkStrategy.forBoundedOutOfOrderness<number>(100).withTimestampAssigner((n) => n);

function task(source: Source<number> = new PushSource()) {
  const log: string[] = [];
  const t = new SourceTask<number>(
    source,
    strategy,
    {
      collect: (v) => log.push(`record ${v}`),
      emitWatermark: (w) => log.push(`wm ${w}`),
      emitBarrier: (id) => log.push(`barrier ${id}`),
    },
    new ManualClock(0),
    (error) => log.push(`failed ${error}`),
    () => log.push('ended'),
  );
  return { t, log, source: source as PushSource };
}

describe('SourceTask checkpoints', () => {
  it("snapshots the source's state with the largest timestamp and the watermark, and emits barriers", async () => {
    const { t, log, source } = task();
    await t.open();
    source.ctx.collectBatch([1_000, 900]);
    expect(t.snapshotState(3)).toEqual({
      hasSource: true,
      source: { position: 30 },
      maxTimestamp: 1_000,
      watermark: 899,
    });
    t.emitBarrier(3);
    expect(log).toEqual(['record 1000', 'record 900', 'wm 899', 'barrier 3']);
  });

  it('restored, it emits the watermark before the first record, so a replayed late record stays behind it', async () => {
    const { t, log, source } = task();
    t.restoreState(
      sourceRestoreInput(
        'source#0',
        [{ hasSource: true, source: { position: 30 }, maxTimestamp: 1_000, watermark: 899 }],
        { index: 0, count: 1 },
      ),
    );
    await t.open();
    expect(source.restored).toEqual([{ position: 30 }]);
    source.ctx.collect(950); // behind the restored max: the watermark does not move
    source.ctx.collect(1_050);
    expect(log).toEqual(['wm 899', 'record 950', 'record 1050', 'wm 949']);
  });

  it('at another number of splits the source gets every old split state, event time the smallest progress', () => {
    const states = [
      { hasSource: true, source: { position: 1 }, maxTimestamp: 500, watermark: 399 },
      { hasSource: true, source: { position: 2 }, maxTimestamp: 700, watermark: 599 },
    ];
    expect(sourceRestoreInput('s', states, { index: 0, count: 3 })).toEqual({
      source: { state: [{ position: 1 }, { position: 2 }] },
      maxTimestamp: 500,
      watermark: 399,
    });
    expect(sourceRestoreInput('s', states, { index: 1, count: 2 })).toEqual({
      source: { state: { position: 2 } },
      maxTimestamp: 700,
      watermark: 599,
    });
    expect(sourceRestoreInput('s', [], { index: 0, count: 2 })).toEqual({
      maxTimestamp: Number.NEGATIVE_INFINITY,
      watermark: MIN_WATERMARK,
    });
    expect(() => sourceRestoreInput('s', [{ offset: 3 }], { index: 0, count: 1 })).toThrow(
      /cannot restore source "s"/,
    );
  });

  it('refuses source state for a source that cannot restore it', () => {
    const plain: Source<number> = { name: 'plain', open: async () => {}, close: async () => {} };
    const { t } = task(plain);
    expect(() =>
      t.restoreState({ source: { state: { position: 1 } }, maxTimestamp: 1, watermark: 0 }),
    ).toThrow(/source "plain" has state in the checkpoint but cannot restore it/);
  });
});

describe('CollectionSource positions', () => {
  it('snapshots its offset between batches and resumes from it', async () => {
    const source = new CollectionSource([1, 2, 3, 4, 5], { batchSize: 2 });
    const seen: number[][] = [];
    const offsets: unknown[] = [];
    const ctx = {
      collectBatch: (batch: readonly number[], from = 0, to = batch.length) =>
        seen.push(batch.slice(from, to)),
      collect() {},
      endOfInput: () => offsets.push(source.snapshotState(0)),
      clock: new ManualClock(0),
    };
    await source.open(ctx);
    expect(offsets).toEqual([{ offset: 5 }]);
    const resumed = new CollectionSource([1, 2, 3, 4, 5], { batchSize: 2 });
    resumed.restoreState({ offset: 2 });
    seen.length = 0;
    await resumed.open(ctx);
    expect(seen).toEqual([[3, 4], [5]]);
    expect(() => resumed.restoreState({ offset: 9 })).toThrow(/expected \{ offset \} between 0 and 5/);
    expect(() => resumed.restoreState([{ offset: 1 }, { offset: 2 }])).toThrow(/another number of splits/);
    resumed.restoreState([{ offset: 1 }]);
  });
});
