import { describe, expect, it } from 'vitest';
import { MicroBatchTrainer, type MicroBatchTrainerOptions } from '../../../ml/tf/micro-batch-trainer.ts';
import { ReplayBuffer, type TrainingRow } from '../../../ml/tf/replay-buffer.ts';
import { ManualClock } from '../../../services/engine/time/clock.ts';

/** A trainer whose steps record their batches and, when `gate` is set, wait for it to open. */
function harness(overrides: Partial<MicroBatchTrainerOptions> = {}) {
  const clock = new ManualClock();
  const buffer = new ReplayBuffer({ capacity: 16, policy: 'fifo', seed: 1 });
  const batches: TrainingRow[][] = [];
  let running = 0;
  let maxRunning = 0;
  let gate: Promise<void> | undefined;
  let open: () => void = () => {};
  const trainer = new MicroBatchTrainer({
    buffer,
    clock,
    batchSize: 4,
    stepsPerRound: 2,
    everySamples: 8,
    everyMs: 1000,
    step: async (rows) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      batches.push([...rows]);
      if (gate) await gate;
      running--;
    },
    ...overrides,
  });
  return {
    clock,
    buffer,
    trainer,
    batches,
    maxRunning: () => maxRunning,
    hold() {
      gate = new Promise((resolve) => {
        open = resolve;
      });
    },
    release() {
      gate = undefined;
      open();
    },
  };
}

const row = (i: number) => ({ x: [i], y: [i] });

describe('MicroBatchTrainer', () => {
  it('never trains inside add: a round starts later, after every `everySamples` samples', async () => {
    const h = harness();
    for (let i = 0; i < 7; i++) h.trainer.add(row(i));
    await h.trainer.whenIdle();
    expect(h.batches).toHaveLength(0);
    h.trainer.add(row(7));
    expect(h.batches).toHaveLength(0); // scheduled, not run
    expect(h.trainer.training).toBe(true);
    await h.trainer.whenIdle();
    expect(h.batches.map((b) => b.length)).toEqual([4, 4]); // stepsPerRound micro-batches of batchSize
    expect(h.trainer.state()).toEqual({ rounds: 1, steps: 2, pending: 0 });
  });

  it('runs one round at a time; samples arriving meanwhile stay in the bounded buffer and trigger the next', async () => {
    const h = harness();
    h.hold();
    for (let i = 0; i < 8; i++) h.trainer.add(row(i));
    await new Promise((resolve) => setImmediate(resolve)); // the round starts and blocks
    expect(h.batches).toHaveLength(1);
    for (let i = 8; i < 100; i++) h.trainer.add(row(i)); // add returns at once during the round
    expect(h.buffer.size).toBe(16);
    expect(h.trainer.state().pending).toBe(92);
    h.release();
    await h.trainer.whenIdle();
    expect(h.maxRunning()).toBe(1);
    expect(h.trainer.state()).toEqual({ rounds: 2, steps: 4, pending: 0 });
    // The second round sampled the latest rows only (FIFO capacity 16).
    expect(h.batches[2]?.every((r) => (r.x[0] ?? 0) >= 84)).toBe(true);
  });

  it('trains the samples that wait `everyMs` on the injected clock', async () => {
    const h = harness();
    h.trainer.add(row(0));
    h.clock.advance(999);
    await h.trainer.whenIdle();
    expect(h.batches).toHaveLength(0);
    h.clock.advance(1);
    await h.trainer.whenIdle();
    expect(h.trainer.state().rounds).toBe(1);
    expect(h.clock.pendingCount()).toBe(0);
  });

  it('flush() trains what waits; whenIdle() reports a failed round once, and training goes on', async () => {
    let fail = true;
    const h = harness({
      everyMs: 0,
      step: async () => {
        if (fail) throw new Error('boom');
      },
    });
    h.trainer.add(row(0));
    h.trainer.flush();
    await expect(h.trainer.whenIdle()).rejects.toThrow('boom');
    await expect(h.trainer.whenIdle()).resolves.toBeUndefined();
    fail = false;
    for (let i = 0; i < 8; i++) h.trainer.add(row(i));
    await h.trainer.whenIdle();
    expect(h.trainer.state().rounds).toBe(1);
  });

  it('close() stops scheduling and waits for the running round', async () => {
    const h = harness();
    for (let i = 0; i < 8; i++) h.trainer.add(row(i));
    await h.trainer.close();
    for (let i = 0; i < 20; i++) h.trainer.add(row(i));
    await h.trainer.whenIdle();
    expect(h.trainer.state().rounds).toBe(0);
  });
});
