import fc from 'fast-check';
import murmurhash from 'murmurhash';
import { describe, expect, it } from 'vitest';
import { murmur3OfString } from '../../../services/engine/murmur3-string.ts';

describe('murmur3OfString', () => {
  it('is murmurhash.v3 of the UTF-8 bytes, for every length, for non-ASCII text and with a seed', () => {
    for (const key of [
      '',
      'a',
      'ab',
      'abc',
      'abcd',
      'abcde',
      'device-1/temperature',
      'é',
      'aé',
      'abcé',
      'abcdé',
      '🙂x',
      '\u007f\u0080',
    ]) {
      expect(murmur3OfString(key), JSON.stringify(key)).toBe(murmurhash.v3(key));
    }
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 })),
        (key) => {
          expect(murmur3OfString(key)).toBe(murmurhash.v3(key));
        },
      ),
      { seed: 0x5eed, numRuns: 2_000 },
    );
  });
});
