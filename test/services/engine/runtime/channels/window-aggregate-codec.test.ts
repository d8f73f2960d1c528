import { describe, expect, it } from 'vitest';
import type { WindowAggregate } from '../../../../../services/domain/window-aggregate.ts';
import { windowAggregateCodec } from '../../../../../services/engine/runtime/channels/window-aggregate-codec.ts';

const aggregate = (device: string, start: number, extra?: Record<string, number>): WindowAggregate => ({
  device,
  metric: 'temperature',
  window: '10s',
  start,
  end: start + 10_000,
  count: 10,
  mean: 21.5,
  min: 20,
  max: 23.25,
  stddev: Number.NaN, // a statistic the job did not ask for
  ...(extra ? { extra } : {}),
});

describe('windowAggregateCodec', () => {
  it('round-trips aggregates, extra fields and NaN included, over several batches', () => {
    const encoder = windowAggregateCodec.createEncoder();
    const decoder = windowAggregateCodec.createDecoder();
    const batches = [
      [aggregate('a', 0), aggregate('b', 0, { p95: 23 }), aggregate('a', 10_000)],
      Array.from({ length: 600 }, (_, i) =>
        aggregate(`d${i % 50}`, i * 10_000, i % 7 ? undefined : { sum: i }),
      ),
    ];
    for (const batch of batches) {
      for (const a of batch) encoder.add(a);
      const encoded = encoder.finish();
      expect(encoded.transfer).toHaveLength(2);
      expect(decoder.decode(encoded.payload, batch.length)).toEqual(batch);
    }
  });

  it('refuses what is not a WindowAggregate', () => {
    expect(() => windowAggregateCodec.createEncoder().add({ device: 'a' } as WindowAggregate)).toThrow(
      /structuredCloneCodec/,
    );
  });
});
