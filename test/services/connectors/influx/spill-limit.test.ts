import { describe, expect, it } from 'vitest';
import { parseSpillLimit } from '../../../../services/connectors/influx/spill-limit.ts';

describe('parseSpillLimit', () => {
  it('reads sizes in bytes, decimal and binary units, any case, and off', () => {
    expect(parseSpillLimit('1GiB')).toBe(1024 ** 3);
    expect(parseSpillLimit('512mib')).toBe(512 * 1024 ** 2);
    expect(parseSpillLimit('500 MB')).toBe(500_000_000);
    expect(parseSpillLimit('1.5KiB')).toBe(1536);
    expect(parseSpillLimit('1048576')).toBe(1_048_576);
    expect(parseSpillLimit('OFF')).toBe('off');
  });

  it('refuses anything else, naming the value and what to give', () => {
    for (const bad of ['', '0', '-1GiB', '1 parsec', 'lots', '0.1B']) {
      expect(() => parseSpillLimit(bad)).toThrow(/is not a spill limit: give a size such as 1GiB/);
    }
  });
});
