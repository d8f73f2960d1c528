import { describe, expect, it } from 'vitest';
import { DEFAULT_ACTIVITY_IDLE_MS, DeviceActivity } from '../../../services/devices/device-activity.ts';

describe('DeviceActivity', () => {
  it('measures rate, last seen and the median interval', () => {
    const activity = new DeviceActivity();
    activity.seen('boiler-1', 1_000);
    activity.seen('boiler-1', 2_000);
    expect(activity.rate('boiler-1', 2_000)).toBeCloseTo(2 / 60);
    expect(activity.lastSeen('boiler-1')).toBe(2_000);
    expect(activity.medianInterval('boiler-1')).toBe(1_000);
  });

  it('without idleMs keeps every device it saw', () => {
    const activity = new DeviceActivity();
    for (let i = 0; i < 1_000; i++) {
      activity.seen(`d${i}`, i * 60_000);
      activity.drain();
    }
    expect(activity.size).toBe(1_000);
    expect(activity.evicted).toBe(0);
  });

  it('with idleMs holds only the devices heard from lately while 100,000 rotating ids go through', () => {
    const activity = new DeviceActivity({ idleMs: DEFAULT_ACTIVITY_IDLE_MS });
    let most = 0;
    for (let i = 0; i < 100_000; i++) {
      const now = i * 100; // a new device every 100 ms: 1,200 per 2 min
      activity.seen(`device-${i}`, now);
      if (i % 20 === 19) {
        activity.drain(now); // the registry's flush, every 2 s
        most = Math.max(most, activity.size);
      }
    }
    expect(most).toBeGreaterThanOrEqual(1_200);
    expect(most).toBeLessThanOrEqual(1_200 + 40);
    expect(activity.evicted).toBe(100_000 - activity.size);
  });

  it('never forgets a device before its activity was drained, nor one still sending', () => {
    const activity = new DeviceActivity({ idleMs: 60_000 });
    activity.seen('quiet', 0);
    activity.seen('busy', 0);
    expect(activity.drain(1_000_000).map((r) => r.id)).toEqual(['quiet', 'busy']); // written first
    expect(activity.has('quiet')).toBe(true);
    for (let now = 1_000; now <= 200_000; now += 1_000) {
      activity.seen('busy', now);
      activity.drain(now);
    }
    expect(activity.has('quiet')).toBe(false);
    expect(activity.has('busy')).toBe(true);
    expect(activity.evicted).toBe(1);
  });

  it('measures idleness from the latest message when drain is not given the time', () => {
    const activity = new DeviceActivity({ idleMs: 60_000 });
    activity.seen('a', 0);
    activity.drain();
    activity.seen('b', 60_000);
    activity.drain();
    expect(activity.has('a')).toBe(false);
    expect(activity.has('b')).toBe(true);
  });

  it('refuses an idleMs that is not positive', () => {
    expect(() => new DeviceActivity({ idleMs: 0 })).toThrow(/idleMs must be > 0, got 0/);
  });
});
