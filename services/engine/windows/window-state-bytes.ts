/**
 * Heap cost of a window operator's state, per live key and per live (key, window), in bytes:
 * the key's entry and its string (a key's first window lives in the entry itself, further ones as
 * contents objects in its short list); each window's accumulator and timer (windows themselves
 * are shared between keys). Fitted to the two measurements: a first window shares its key's entry, so
 * `perKey` comes out small.
 * Measured by `npm run bench -- state-bytes` (Node 20 x64, default job: ~20-character series
 * keys, summary-stats accumulator; 1 and 4 windows per key). Re-measure when the state layout changes.
 */
export const WINDOW_STATE_BYTES = { perKey: 33, perKeyWindow: 236 } as const;

/**
 * Estimated heap bytes held by a window operator with `keys` live keys and `keyWindows` live
 * (key, window) pairs: a linear model over counts, cheap enough for every metrics scrape. Larger
 * accumulators or longer keys cost more than the model says.
 *
 * @example
 * estimateWindowStateBytes(1_000, 2_000); // 1_000 * 33 + 2_000 * 236 = 505_000
 */
export function estimateWindowStateBytes(keys: number, keyWindows: number): number {
  return keys * WINDOW_STATE_BYTES.perKey + keyWindows * WINDOW_STATE_BYTES.perKeyWindow;
}
