import { describe, expect, it } from 'vitest';
import { parseRateLimit, securityStartOptions } from '../../../services/cli/security-flags.ts';

describe('security flags', () => {
  it('--rate-limit takes requests per minute or off', () => {
    expect(parseRateLimit('120')).toBe(120);
    expect(parseRateLimit('120/min')).toBe(120);
    expect(parseRateLimit('120 per minute')).toBe(120);
    expect(parseRateLimit('off')).toBe('off');
    expect(() => parseRateLimit('0')).toThrow('expected requests per minute');
    expect(() => parseRateLimit('1.5')).toThrow('expected requests per minute');
    expect(() => parseRateLimit('lots')).toThrow('expected requests per minute');
  });

  it('passes on only the flags that were given', () => {
    expect(securityStartOptions({ tlsCert: 'a.crt', tlsKey: 'a.key', rateLimit: 'off' })).toEqual({
      tlsCert: 'a.crt',
      tlsKey: 'a.key',
      rateLimit: 'off',
    });
    expect(securityStartOptions({})).toEqual({});
  });
});
