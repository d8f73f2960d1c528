import { timingSafeEqual } from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { tokenChecker } from '../../../services/api/auth.ts';
import { hashPassword, verifyPassword } from '../../../services/devices/device-credentials.ts';

// Wrap the real comparison to see that every check goes through it, with equal-length inputs.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return {
    ...actual,
    timingSafeEqual: vi.fn((a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) =>
      actual.timingSafeEqual(a, b),
    ),
  };
});

const compare = vi.mocked(timingSafeEqual);

describe('constant-time secret checks', () => {
  beforeEach(() => {
    compare.mockClear();
  });

  it('device passwords: scrypt, then timingSafeEqual on equal-length keys, right or wrong', async () => {
    const hash = hashPassword('correct horse battery staple');
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
    expect(await verifyPassword('wrong', hash)).toBe(false);
    expect(await verifyPassword(Buffer.from('a much longer wrong password than the right one'), hash)).toBe(
      false,
    );
    expect(compare).toHaveBeenCalledTimes(3);
    for (const [a, b] of compare.mock.calls) expect((a as Buffer).length).toBe((b as Buffer).length);
  });

  it('an unknown device or a malformed hash still costs one scrypt and one comparison, and fails', async () => {
    expect(await verifyPassword('anything', undefined)).toBe(false);
    expect(await verifyPassword('anything', null)).toBe(false);
    expect(await verifyPassword('anything', 'not-a-hash')).toBe(false);
    expect(compare).toHaveBeenCalledTimes(3);
  });

  it('the API token: SHA-256 digests compared with timingSafeEqual, whatever the length sent', () => {
    const check = tokenChecker('s3cret-token-0123456789');
    expect(check('s3cret-token-0123456789')).toBe(true);
    expect(check('s')).toBe(false);
    expect(check('x'.repeat(500))).toBe(false);
    expect(compare).toHaveBeenCalledTimes(3);
    for (const [a, b] of compare.mock.calls) {
      expect((a as Buffer).length).toBe(32);
      expect((b as Buffer).length).toBe(32);
    }
  });
});
