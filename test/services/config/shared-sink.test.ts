import { describe, expect, it } from 'vitest';
import { shareSink } from '../../../services/config/shared-sink.ts';
import type { Sink } from '../../../services/engine/api/sink.ts';
import { ManualClock } from '../../../services/engine/time/clock.ts';

function recordingSink() {
  const calls: string[] = [];
  const sink: Sink<number> = {
    name: 'influx:window_agg',
    open: async () => {
      calls.push('open');
    },
    write: (record) => {
      calls.push(`write ${record}`);
    },
    flush: async () => {
      calls.push('flush');
    },
    close: async () => {
      calls.push('close');
    },
  };
  return { sink, calls };
}

describe('shareSink', () => {
  it('opens the sink with the first branch and closes it with the last; writes go straight through', async () => {
    const { sink, calls } = recordingSink();
    const shared = shareSink(sink);
    const a = shared.branch();
    const b = shared.branch();
    const ctx = { clock: new ManualClock(0) };
    await Promise.all([a.open(ctx), b.open(ctx)]);
    a.write(1, 0);
    b.write(2, 0);
    await b.flush();
    await a.close();
    expect(calls).toEqual(['open', 'write 1', 'write 2', 'flush']);
    await b.close();
    await b.close(); // a second close changes nothing
    expect(calls).toEqual(['open', 'write 1', 'write 2', 'flush', 'close']);
  });

  it("keeps the sink's name on the first branch (metrics find it there) and numbers the others", () => {
    const shared = shareSink(recordingSink().sink);
    expect([shared.branch().name, shared.branch().name]).toEqual([
      'influx:window_agg',
      'influx:window_agg#2',
    ]);
  });
});
