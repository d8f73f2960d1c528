import { describe, expect, it } from 'vitest';
import { IdleKeyExpiry } from '../../../../services/engine/state/idle-key-expiry.ts';
import { MAX_WATERMARK } from '../../../../services/engine/time/watermark.ts';

const HOUR = 3_600_000;
/** The expiry grid of a 1 h TTL: ttl / 64. */
const STEP = Math.ceil(HOUR / 64);

/** Runs `expire` and returns the keys dropped, in the order dropped. */
function expireAt(expiry: IdleKeyExpiry<string>, watermark: number): string[] {
  const dropped: string[] = [];
  expiry.expire(watermark, (key) => dropped.push(key));
  return dropped;
}

describe('IdleKeyExpiry', () => {
  it('drops a key once the watermark reaches its last record + TTL (rounded up to ttl/64), never before', () => {
    const expiry = new IdleKeyExpiry<string>(HOUR);
    expiry.seen('d1', 1_000);
    const at = expiry.expiresAt('d1')!;
    expect(at).toBeGreaterThanOrEqual(1_000 + HOUR);
    expect(at).toBeLessThan(1_000 + HOUR + STEP);
    expect(expireAt(expiry, 1_000 + HOUR - 1)).toEqual([]);
    expect(expireAt(expiry, at - 1)).toEqual([]);
    expect(expireAt(expiry, at)).toEqual(['d1']);
    expect(expiry.size).toBe(0);
    expect(expiry.expired).toBe(1);
    expect(expiry.lastSeenOf('d1')).toBe(Number.NEGATIVE_INFINITY);
  });

  it('keeps a key that keeps sending, however long the stream runs', () => {
    const expiry = new IdleKeyExpiry<string>(HOUR);
    for (let ts = 0; ts <= 20 * HOUR; ts += HOUR / 2) {
      expiry.seen('active', ts);
      expect(expireAt(expiry, ts)).toEqual([]);
    }
    expect(expiry.size).toBe(1);
    expect(expiry.lastSeenOf('active')).toBe(20 * HOUR);
  });

  it('older records do not move the last-seen time back', () => {
    const expiry = new IdleKeyExpiry<string>(HOUR);
    expiry.seen('d1', 5_000);
    expiry.seen('d1', 1_000);
    expect(expiry.lastSeenOf('d1')).toBe(5_000);
  });

  it('holds about one TTL of keys when every record brings a new key (100,000 keys)', () => {
    const expiry = new IdleKeyExpiry<string>(HOUR);
    const perSecond = 1; // one new key a second: 3,600 keys per TTL
    let most = 0;
    let visited = 0;
    for (let i = 0; i < 100_000; i++) {
      const ts = (i / perSecond) * 1_000;
      expiry.seen(`device-${i}`, ts);
      if (i % 100 === 99) {
        visited += expiry.expire(ts, () => {});
        most = Math.max(most, expiry.size);
      }
    }
    expect(most).toBeLessThanOrEqual(3_600 + STEP / 1_000 + 100);
    expect(most).toBeGreaterThanOrEqual(3_600);
    expect(visited).toBe(100_000 - expiry.size); // each dropped key visited once
    expect(expiry.expired).toBe(visited);
  });

  it('expires nothing at the final watermark, nor when off', () => {
    const expiry = new IdleKeyExpiry<string>(HOUR);
    expiry.seen('d1', 0);
    expect(expireAt(expiry, MAX_WATERMARK)).toEqual([]);
    const off = new IdleKeyExpiry<string>();
    off.seen('d1', 0);
    expect(expireAt(off, 100 * HOUR)).toEqual([]);
    expect(off.lastSeenOf('d1')).toBe(0); // still kept, for snapshots
    expect(off.expiresAt('d1')).toBeUndefined();
  });

  it('a restored key expires at the same event time as the original', () => {
    const original = new IdleKeyExpiry<string>(HOUR);
    original.seen('d1', 12_345);
    const restored = new IdleKeyExpiry<string>(HOUR);
    restored.restore('d1', original.lastSeenOf('d1'));
    expect(restored.expiresAt('d1')).toBe(original.expiresAt('d1'));
  });

  it('a key restored without a last-seen time counts as seen at the first watermark after the restore', () => {
    const expiry = new IdleKeyExpiry<string>(HOUR);
    expiry.restore('old', undefined);
    expect(expireAt(expiry, 10 * HOUR)).toEqual([]);
    expect(expiry.lastSeenOf('old')).toBe(10 * HOUR);
    expect(expireAt(expiry, 11 * HOUR + STEP)).toEqual(['old']);
  });

  it('a record of a key restored without a last-seen time places it by that record', () => {
    const expiry = new IdleKeyExpiry<string>(HOUR);
    expiry.restore('old', undefined);
    expiry.seen('old', 5 * HOUR);
    expect(expireAt(expiry, 5 * HOUR)).toEqual([]);
    expect(expiry.lastSeenOf('old')).toBe(5 * HOUR);
    expect(expireAt(expiry, 6 * HOUR + STEP)).toEqual(['old']);
  });

  it('forget drops a key without counting it', () => {
    const expiry = new IdleKeyExpiry<string>(HOUR);
    expiry.seen('d1', 0);
    expiry.forget('d1');
    expect(expireAt(expiry, 2 * HOUR)).toEqual([]);
    expect(expiry.expired).toBe(0);
  });

  it('refuses a TTL that is not a positive number of ms', () => {
    expect(() => new IdleKeyExpiry(0)).toThrow(/state TTL must be a finite number of ms > 0, got 0/);
    expect(() => new IdleKeyExpiry(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
