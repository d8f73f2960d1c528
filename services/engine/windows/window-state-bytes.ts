/**
 * Heap cost of a window operator's state, per live key and per live (key, window), in bytes:
 * the key's entry and its string (with its values inline, or their short list); the window's
 * contents, accumulator and timer (windows themselves are shared between keys).
 * Measured by `npm run bench -- state-bytes` (Node 20 x64, default job: ~20-character series
 * keys, summary-stats accumulator; 1 and 4 windows per key). Re-measure when the state layout changes.
 */
export const WINDOW_STATE_BYTES = { perKey: 92, perKeyWindow: 274 } as const;

/**
 * Estimated heap bytes held by a window operator with `keys` live keys and `keyWindows` live
 * (key, window) pairs: a linear model over counts, cheap enough for every metrics scrape. Larger
 * accumulators or longer keys cost more than the model says.
 *
 * @example
 * estimateWindowStateBytes(1_000, 2_000); // 1_000 * 92 + 2_000 * 274 = 640_000
 */
export function estimateWindowStateBytes(keys: number, keyWindows: number): number {
  return keys * WINDOW_STATE_BYTES.perKey + keyWindows * WINDOW_STATE_BYTES.perKeyWindow;
}
