import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceRegistry } from '../../../services/devices/device-registry.ts';
import { ManualClock } from '../../../services/engine/time/clock.ts';

const registries: DeviceRegistry[] = [];
const open = (clock = new ManualClock(1_000_000), location = ':memory:') => {
  const registry = DeviceRegistry.open(location, { clock, flushIntervalMs: 2_000, offlineFloorMs: 15_000 });
  registries.push(registry);
  return registry;
};
afterEach(() => {
  for (const r of registries.splice(0)) r.close();
});

describe('DeviceRegistry', () => {
  it('registers a device ahead and returns a password that verifies, once', async () => {
    const registry = open();
    const { device, credentials } = registry.register('boiler-1', {
      name: 'Boiler 1',
      kind: 'boiler',
      location: 'plant 2',
      tags: { site: 'lyon' },
      expectedIntervalMs: 5_000,
    });
    expect(device).toMatchObject({
      id: 'boiler-1',
      kind: 'boiler',
      tags: { site: 'lyon' },
      auto: false,
      hasCredentials: true,
      status: 'unknown',
      registeredAt: 1_000_000,
      firstSeen: null,
    });
    expect(credentials.username).toBe('boiler-1');
    expect(credentials.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(JSON.stringify(device)).not.toContain(credentials.password);
    expect(await registry.verify('boiler-1', credentials.password)).toBe(true);
    expect(await registry.verify('boiler-1', 'wrong')).toBe(false);
    expect(await registry.verify('nobody', credentials.password)).toBe(false);
    expect(() => registry.register('boiler-1')).toThrow(/registered already/);
  });

  it('rotating credentials invalidates the old password', async () => {
    const registry = open();
    const first = registry.register('d1').credentials.password;
    const second = registry.rotateCredentials('d1').credentials.password;
    expect(await registry.verify('d1', first)).toBe(false);
    expect(await registry.verify('d1', second)).toBe(true);
    expect(() => registry.rotateCredentials('nope')).toThrow('no device "nope"');
  });

  it('a device appears on its first message (auto), flushed in batches, and can be adopted', () => {
    const clock = new ManualClock(1_000_000);
    const registry = open(clock);
    registry.seen('auto-1');
    expect(registry.get('auto-1')).toMatchObject({ auto: true, firstSeen: 1_000_000, status: 'online' });
    const { device } = registry.register('auto-1', { kind: 'sensor' });
    expect(device).toMatchObject({ auto: false, kind: 'sensor', hasCredentials: true, firstSeen: 1_000_000 });
  });

  it('persists across reopen (file database, WAL)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-devices-'));
    try {
      const clock = new ManualClock(5_000);
      const a = DeviceRegistry.open(dir, { clock, flushIntervalMs: 1_000 });
      a.register('kept', { tags: { zone: 'a' } });
      a.seen('kept');
      clock.advance(1_000); // the flush timer writes the activity
      a.seen('other');
      a.close(); // flushes the rest
      const b = DeviceRegistry.open(dir, { clock });
      expect(b.list().devices.map((d) => [d.id, d.auto, d.lastSeen])).toEqual([
        ['kept', false, 5_000],
        ['other', true, 6_000],
      ]);
      b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('computes the message rate over the last minute and the median interval', () => {
    const clock = new ManualClock(0);
    const registry = open(clock);
    for (let i = 0; i < 30; i++) {
      clock.advance(2_000);
      registry.seen('d');
    }
    const view = registry.get('d')!;
    expect(view.observedIntervalMs).toBe(2_000);
    expect(view.messageRate).toBeCloseTo(30 / 60, 5);
    clock.advance(61_000);
    expect(registry.get('d')!.messageRate).toBe(0);
  });

  it('flags a device offline after max(3 × its interval, the floor)', () => {
    const clock = new ManualClock(0);
    const registry = open(clock);
    registry.register('slow', { expectedIntervalMs: 10_000 });
    registry.seen('slow');
    clock.advance(30_000);
    expect(registry.get('slow')!.status).toBe('online');
    clock.advance(1);
    expect(registry.get('slow')!.status).toBe('offline');
    // learnt interval of 1 s: the 15 s floor applies
    registry.seen('fast', clock.now());
    registry.seen('fast', clock.now() + 1_000);
    clock.advance(16_001);
    expect(registry.get('fast')!.status).toBe('offline');
  });

  it('filters by status, kind and tag, and pages', () => {
    const clock = new ManualClock(0);
    const registry = open(clock);
    registry.register('a', { kind: 'boiler', tags: { site: 'lyon' } });
    registry.register('b', { kind: 'boiler', tags: { site: 'oslo' } });
    registry.register('c', { kind: 'pump' });
    registry.seen('a');
    expect(registry.list({ kind: 'boiler' }).devices.map((d) => d.id)).toEqual(['a', 'b']);
    expect(registry.list({ tag: { key: 'site', value: 'oslo' } }).devices.map((d) => d.id)).toEqual(['b']);
    expect(registry.list({ status: 'online' }).devices.map((d) => d.id)).toEqual(['a']);
    expect(registry.list({ status: 'unknown', limit: 1, offset: 1 })).toMatchObject({ total: 2 });
    expect(registry.list({ limit: 1, offset: 1 }).devices.map((d) => d.id)).toEqual(['b']);
  });

  it('refuses bad ids, reserved or unsafe tags, and bad intervals, naming them', () => {
    const registry = open();
    expect(() => registry.register('../etc')).toThrow('device id "../etc" must be');
    expect(() => registry.register('x', { tags: { device: 'y' } })).toThrow('tag key "device" is reserved');
    expect(() => registry.register('x', { tags: { site: 'a b' } })).toThrow('tag "site" value "a b"');
    expect(() => registry.register('x', { tags: { 'bad key': 'v' } })).toThrow('tag key "bad key"');
    expect(() => registry.register('x', { expectedIntervalMs: 5 })).toThrow('expectedIntervalMs');
    expect(() => registry.update('nope', {})).toThrow('no device "nope"');
  });

  it('removes a device and stops tracking it; a cap bounds auto devices', () => {
    const clock = new ManualClock(0);
    const registry = DeviceRegistry.open(':memory:', { clock, maxDevices: 2, flushIntervalMs: 0 });
    registries.push(registry);
    registry.seen('a');
    registry.seen('b');
    registry.seen('c');
    expect(registry.ignoredDevices()).toBe(1);
    registry.remove('a');
    expect(registry.get('a')).toBeUndefined();
    expect(() => registry.remove('a')).toThrow('no device "a"');
    registry.seen('c');
    expect(registry.list().devices.map((d) => d.id)).toEqual(['b', 'c']);
  });
});
