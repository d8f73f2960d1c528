import { describe, expect, it } from 'vitest';
import { BarrierAligner } from '../../../../services/engine/checkpoint/barrier-aligner.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';

/** An aligner over `inputs` inputs that logs what it tells the task. */
function aligner(inputs: number) {
  const clock = new ManualClock(1_000);
  const events: string[] = [];
  const a = new BarrierAligner(
    inputs,
    {
      snapshot: (id) => events.push(`snapshot ${id}`),
      resume: (resumed) => events.push(`resume ${resumed.join(',')}`),
      aborted: (id, reason) => events.push(`aborted ${id}: ${reason}`),
    },
    clock,
  );
  const blocked = () => [...Array(inputs).keys()].filter((i) => a.isBlocked(i));
  return { a, clock, events, blocked };
}

describe('BarrierAligner', () => {
  it('aligns 3 inputs whose barriers arrive out of order, blocking each until the last one', () => {
    const { a, clock, events, blocked } = aligner(3);
    a.onBarrier(2, 1);
    expect(blocked()).toEqual([2]);
    expect(a.aligning).toBe(1);
    clock.advance(30);
    a.onBarrier(0, 1);
    expect(blocked()).toEqual([0, 2]);
    expect(events).toEqual([]);
    clock.advance(20);
    a.onBarrier(1, 1);
    expect(events).toEqual(['snapshot 1', 'resume 0,2']);
    expect(blocked()).toEqual([]);
    expect(a.metrics()).toMatchObject({ aligned: 1, aborted: 0, lastAlignmentMs: 50, maxAlignmentMs: 50 });

    // the next checkpoint, in another order
    a.onBarrier(1, 2);
    a.onBarrier(0, 2);
    clock.advance(5);
    a.onBarrier(2, 2);
    expect(events.slice(2)).toEqual(['snapshot 2', 'resume 0,1']); // in input order; input 2 was never blocked
    expect(a.metrics()).toMatchObject({
      aligned: 2,
      lastAlignmentMs: 5,
      maxAlignmentMs: 50,
      aligning: undefined,
    });
  });

  it('aligns a single input at once', () => {
    const { a, events, blocked } = aligner(1);
    a.onBarrier(0, 4);
    expect(events).toEqual(['snapshot 4']);
    expect(blocked()).toEqual([]);
    expect(a.metrics().lastAlignmentMs).toBe(0);
  });

  it('abandons a checkpoint overtaken by a newer barrier and aligns the newer one; late old barriers are ignored', () => {
    const { a, events, blocked } = aligner(3);
    a.onBarrier(0, 1);
    a.onBarrier(1, 1);
    a.onBarrier(2, 2); // input 2 never delivered barrier 1 (e.g. checkpoint 1 was aborted upstream)
    expect(events).toEqual(['aborted 1: overtaken by checkpoint 2 on input 2', 'resume 0,1']);
    expect(blocked()).toEqual([2]);
    expect(a.aligning).toBe(2);
    a.onBarrier(2, 1); // stale: ignored, stays blocked on 2
    expect(blocked()).toEqual([2]);
    a.onBarrier(0, 2);
    a.onBarrier(1, 2);
    expect(events.slice(2)).toEqual(['snapshot 2', 'resume 0,2']);
    expect(a.metrics()).toMatchObject({ aligned: 1, aborted: 1, ignoredBarriers: 1 });
  });

  it('counts an input that ends during alignment as aligned, and for every later checkpoint', () => {
    const { a, events, blocked } = aligner(3);
    a.onBarrier(0, 1);
    a.onBarrier(2, 1);
    a.onEndOfInput(1);
    expect(events).toEqual(['snapshot 1', 'resume 0,2']);
    a.onBarrier(2, 2);
    expect(blocked()).toEqual([2]);
    a.onBarrier(0, 2);
    expect(events.slice(2)).toEqual(['snapshot 2', 'resume 2']);
    a.onBarrier(1, 3); // an ended input delivers nothing more: ignored
    expect(a.aligning).toBe(undefined);
  });

  it('aligns when the only unaligned input ends, and when the other inputs have ended before the barrier', () => {
    const { a, events } = aligner(3);
    a.onEndOfInput(0);
    a.onEndOfInput(1);
    a.onBarrier(2, 9);
    expect(events).toEqual(['snapshot 9']);
  });

  it('snapshots once per id: repeated barriers on an input and barriers of an aligned id are ignored', () => {
    const { a, events, blocked } = aligner(2);
    a.onBarrier(0, 1);
    a.onBarrier(0, 1);
    expect(blocked()).toEqual([0]);
    a.onBarrier(1, 1);
    a.onBarrier(1, 1);
    expect(events).toEqual(['snapshot 1', 'resume 0']);
    expect(blocked()).toEqual([]);
    expect(a.metrics().ignoredBarriers).toBe(2);
  });

  it('abort() abandons the aligning checkpoint and ignores its late barriers', () => {
    const { a, events, blocked } = aligner(2);
    a.onBarrier(1, 5);
    a.abort(5, 'timeout');
    expect(events).toEqual(['aborted 5: timeout', 'resume 1']);
    a.onBarrier(0, 5);
    expect(blocked()).toEqual([]);
    a.abort(7); // not aligning yet: its barriers are ignored when they come
    a.onBarrier(0, 7);
    expect(blocked()).toEqual([]);
    a.onBarrier(0, 8);
    a.onBarrier(1, 8);
    expect(events.slice(2)).toEqual(['snapshot 8', 'resume 0']);
  });

  it('leaves no input blocked when the snapshot throws', () => {
    const a = new BarrierAligner(2, {
      snapshot: () => {
        throw new Error('disk full');
      },
    });
    a.onBarrier(0, 1);
    expect(() => a.onBarrier(1, 1)).toThrow('disk full');
    expect(a.isBlocked(0) || a.isBlocked(1)).toBe(false);
  });

  it('rejects inputs out of range', () => {
    expect(() => new BarrierAligner(0, { snapshot: () => {} })).toThrow(RangeError);
    const { a } = aligner(2);
    expect(() => a.onBarrier(2, 1)).toThrow(/out of range/);
    expect(() => a.isBlocked(-1)).toThrow(/out of range/);
  });
});
