import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceRegistry } from '../../../services/devices/device-registry.ts';
import { DeviceTagCache, NO_DEVICE_TAGS } from '../../../services/devices/device-tag-cache.ts';
import { ManualClock } from '../../../services/engine/time/clock.ts';

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const step of cleanup.splice(0).reverse()) step();
});

function open(clock: ManualClock, location = ':memory:'): DeviceRegistry {
  const registry = DeviceRegistry.open(location, { clock, flushIntervalMs: 0 });
  cleanup.push(() => registry.close());
  return registry;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-tags-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('DeviceRegistry change hooks', () => {
  it('tells listeners about register, update and remove, and stops when unsubscribed', () => {
    const registry = open(new ManualClock(0));
    const changes: string[] = [];
    const stop = registry.onChange((id) => changes.push(id));
    registry.register('boiler-1', { tags: { site: 'lyon' } });
    registry.update('boiler-1', { name: 'Boiler 1' });
    registry.seen('pump-1'); // traffic is no change of fields
    registry.flush();
    registry.rotateCredentials('boiler-1');
    registry.remove('boiler-1');
    stop();
    registry.register('boiler-2');
    expect(changes).toEqual(['boiler-1', 'boiler-1', 'boiler-1']);
  });

  it('a listener that throws does not fail the change nor the other listeners', () => {
    const registry = open(new ManualClock(0));
    const seen: string[] = [];
    registry.onChange(() => {
      throw new Error('boom');
    });
    registry.onChange((id) => seen.push(id));
    expect(() => registry.register('boiler-1')).not.toThrow();
    expect(seen).toEqual(['boiler-1']);
  });

  it('deviceTags lists the devices that have tags; externalVersion moves only for other processes', () => {
    const dir = tempDir();
    const registry = open(new ManualClock(0), dir);
    registry.register('boiler-1', { tags: { site: 'lyon' } });
    registry.register('boiler-2');
    expect([...registry.deviceTags()]).toEqual([['boiler-1', { site: 'lyon' }]]);
    const before = registry.externalVersion();
    registry.update('boiler-2', { tags: { site: 'oslo' } });
    expect(registry.externalVersion()).toBe(before);
    const other = open(new ManualClock(0), dir);
    other.update('boiler-1', { tags: { site: 'paris' } });
    expect(registry.externalVersion()).not.toBe(before);
  });
});

describe('DeviceTagCache', () => {
  it('answers tags from memory and follows changes made through the registry at once (the doc example)', () => {
    const clock = new ManualClock(0);
    const registry = open(clock);
    registry.register('boiler-1');
    const cache = new DeviceTagCache(registry, { clock });
    cleanup.push(() => cache.close());
    expect(cache.tagsOf('boiler-1')).toBe(NO_DEVICE_TAGS);
    registry.update('boiler-1', { tags: { site: 'lyon' } });
    expect(cache.tagsOf('boiler-1')).toEqual({ site: 'lyon' });
    expect(cache.tagsOf('unknown')).toEqual({});
    registry.register('pump-1', { tags: { site: 'oslo', line: 'a' } });
    expect(cache.tagsOf('pump-1')).toEqual({ site: 'oslo', line: 'a' });
    expect(cache.size).toBe(2);
    registry.remove('boiler-1');
    expect(cache.tagsOf('boiler-1')).toEqual({});
    const { tagsOf } = cache; // bound: can be handed to the point mappers
    expect(tagsOf('pump-1')).toEqual({ site: 'oslo', line: 'a' });
  });

  it("picks up another process's changes at the next periodic check, and only reads tags when there were some", () => {
    const dir = tempDir();
    const clock = new ManualClock(0);
    const registry = open(clock, dir);
    registry.register('boiler-1', { tags: { site: 'lyon' } });
    let reads = 0;
    const counting = {
      onChange: registry.onChange.bind(registry),
      externalVersion: registry.externalVersion.bind(registry),
      deviceTags: () => {
        reads++;
        return registry.deviceTags();
      },
    };
    const cache = new DeviceTagCache(counting, { clock, refreshMs: 10_000 });
    cleanup.push(() => cache.close());
    expect(reads).toBe(1);
    clock.advance(30_000);
    expect(reads).toBe(1); // nothing changed elsewhere: one PRAGMA per check, no reload

    const cli = open(new ManualClock(0), dir); // e.g. `eddy devices register` in another process
    cli.update('boiler-1', { tags: { site: 'paris' } });
    cli.register('pump-1', { tags: { line: 'b' } });
    expect(cache.tagsOf('boiler-1')).toEqual({ site: 'lyon' });
    clock.advance(9_999);
    expect(cache.tagsOf('boiler-1')).toEqual({ site: 'lyon' });
    clock.advance(1);
    expect(cache.tagsOf('boiler-1')).toEqual({ site: 'paris' });
    expect(cache.tagsOf('pump-1')).toEqual({ line: 'b' });
    expect(reads).toBe(2);
  });

  it('after close it keeps its last tags and follows nothing more', () => {
    const clock = new ManualClock(0);
    const registry = open(clock);
    registry.register('boiler-1', { tags: { site: 'lyon' } });
    const cache = new DeviceTagCache(registry, { clock });
    cache.close();
    registry.update('boiler-1', { tags: { site: 'oslo' } });
    clock.advance(60_000);
    expect(cache.tagsOf('boiler-1')).toEqual({ site: 'lyon' });
  });
});
