import murmurhash from 'murmurhash';

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/**
 * MurmurHash3 (x86, 32-bit) of a string's UTF-8 bytes: the same number as
 * `murmurhash.v3(key, seed)`, which key groups (seed 0) and publishing phases are defined by,
 * without its cost per call (a new `TextEncoder` and a byte array). ASCII strings (device ids and
 * series keys) are hashed from their characters; any other string goes to the library.
 *
 * @example
 * murmur3OfString('device-1/temperature') === murmurhash.v3('device-1/temperature'); // true
 */
export function murmur3OfString(key: string, seed = 0): number {
  const length = key.length;
  const blocks = length & ~3;
  let h1 = seed | 0;
  let i = 0;
  for (; i < blocks; i += 4) {
    const a = key.charCodeAt(i);
    const b = key.charCodeAt(i + 1);
    const c = key.charCodeAt(i + 2);
    const d = key.charCodeAt(i + 3);
    if ((a | b | c | d) > 0x7f) return murmurhash.v3(key, seed);
    h1 ^= scramble(a | (b << 8) | (c << 16) | (d << 24));
    h1 = (h1 << 13) | (h1 >>> 19);
    h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
  }
  const rest = length - blocks;
  if (rest > 0) {
    let k1 = 0;
    for (let j = rest - 1; j >= 0; j--) {
      const code = key.charCodeAt(i + j);
      if (code > 0x7f) return murmurhash.v3(key, seed);
      k1 ^= code << (8 * j);
    }
    h1 ^= scramble(k1);
  }
  h1 ^= length;
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13;
  h1 = Math.imul(h1, 0xc2b2ae35);
  h1 ^= h1 >>> 16;
  return h1 >>> 0;
}

/** A block's (or the tail's) 32 bits, mixed before they go into the hash. */
function scramble(k1: number): number {
  const k = Math.imul(k1, C1);
  return Math.imul((k << 15) | (k >>> 17), C2);
}
