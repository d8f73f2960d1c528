import { describe, expect, it } from 'vitest';
import { EventLoopTurns } from '../../../services/common/event-loop-turns.ts';
import { countLoopIterations } from '../../support/loop-iterations.ts';

describe('EventLoopTurns', () => {
  it('hands out turns in order, each in its own iteration of the event loop', async () => {
    const loop = countLoopIterations();
    const turns = new EventLoopTurns();
    const seen: [turn: number, iteration: number][] = [];
    await Promise.all([0, 1, 2, 3].map((turn) => turns.next().then(() => seen.push([turn, loop.count]))));
    loop.stop();
    expect(seen.map(([turn]) => turn)).toEqual([0, 1, 2, 3]);
    for (let i = 1; i < seen.length; i++) expect(seen[i]![1]).toBeGreaterThan(seen[i - 1]![1]);
  });

  it('goes on after a turn whose holder failed', async () => {
    const turns = new EventLoopTurns();
    const first = turns.next().then(() => {
      throw new Error('serialising failed');
    });
    await expect(first).rejects.toThrow('serialising failed');
    await expect(turns.next()).resolves.toBeUndefined();
  });
});
