import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../services/common/logger.ts';
import { DeviceRegistry } from '../../../services/devices/device-registry.ts';
import type { Reading } from '../../../services/domain/reading.ts';
import type { Source, SourceContext } from '../../../services/engine/api/source.ts';
import { ManualClock } from '../../../services/engine/time/clock.ts';
import { openDeviceTags, withDeviceSeen } from '../../../services/server/device-wiring.ts';

describe('withDeviceSeen', () => {
  it('marks the device of every message seen once and passes readings and hooks through', async () => {
    const seen: string[] = [];
    const collected: Reading[] = [];
    const calls: string[] = [];
    let inner: SourceContext<Reading> | undefined;
    const source: Source<Reading> = {
      name: 'telemetry',
      open: async (ctx) => {
        inner = ctx;
      },
      close: async () => {},
      pause: () => calls.push('pause'),
      snapshotState: (id) => ({ id }),
    };
    const wrapped = withDeviceSeen(source, { seen: (device) => seen.push(device) });
    const ctx: SourceContext<Reading> = {
      collect: (r) => collected.push(r),
      collectBatch: (rs) => collected.push(...rs),
      endOfInput: () => calls.push('end'),
      clock: new ManualClock(0),
    };
    await wrapped.open(ctx);
    const r = (device: string, metric: string): Reading => ({ device, metric, ts: 1, value: 2 });
    inner!.collectBatch([r('a', 't'), r('a', 'h')]);
    inner!.collectBatch([]);
    inner!.collect(r('b', 't'));
    inner!.endOfInput();
    wrapped.pause!();
    expect(seen).toEqual(['a', 'b']);
    expect(collected.map((x) => `${x.device}/${x.metric}`)).toEqual(['a/t', 'a/h', 'b/t']);
    expect(calls).toEqual(['end', 'pause']);
    expect(wrapped.snapshotState!(3)).toEqual({ id: 3 });
    expect(wrapped.resume).toBeUndefined();
    expect(wrapped.name).toBe('telemetry');
  });
});

describe('openDeviceTags', () => {
  it("keeps the registry's tags in memory for the point mappers", () => {
    const clock = new ManualClock(0);
    const registry = DeviceRegistry.open(':memory:', { clock, flushIntervalMs: 0 });
    const tags = openDeviceTags(registry, clock, silentLogger);
    registry.register('boiler-1', { tags: { site: 'lyon' } });
    expect(tags.tagsOf('boiler-1')).toEqual({ site: 'lyon' });
    expect(tags.tagsOf('pump-1')).toEqual({});
    tags.close();
    registry.close();
  });
});
