import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { duplicateKeyOffsets } from '../../../services/config/yaml-duplicate-keys.ts';

describe('duplicateKeyOffsets', () => {
  it('points at each key that repeats an earlier one of the same map', () => {
    const text = 'name: a\nwindows: [{ size: 1s, size: 2s }]\nname: b\n';
    const doc = parseDocument(text, { uniqueKeys: false });
    expect(duplicateKeyOffsets(doc)).toEqual([text.indexOf('size: 2s'), text.lastIndexOf('name')]);
    expect(
      duplicateKeyOffsets(parseDocument('a: 1\n"1": 2\n1: 3\nb: { a: 1 }\n', { uniqueKeys: false })),
    ).toEqual([]);
  });

  it('takes linear time: 100,000 repeated keys', () => {
    const doc = parseDocument('a: 1\n'.repeat(100_000), { uniqueKeys: false });
    const started = performance.now();
    expect(duplicateKeyOffsets(doc)).toHaveLength(99_999);
    // Comparing each key with every earlier one would take minutes.
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
