/**
 * A timestamp kept beside a window as its distance from a base (the window's end): a small integer
 * V8 stores unboxed in the object, where the timestamp itself (~1.7e12) would be a 16-byte heap
 * number. `undefined` stands for NaN (no time), and a one-element array for a time the difference
 * would not give back exactly.
 *
 * @example
 * const packed = packTime(1_700_000_009_999, 1_700_000_010_000); // 1
 * unpackTime(packed, 1_700_000_010_000); // 1_700_000_009_999
 */
export type PackedTime = number | [number] | undefined;

/** Packs `time` relative to `base`. */
export function packTime(time: number, base: number): PackedTime {
  if (Number.isNaN(time)) return undefined;
  const delta = base - time;
  return base - delta === time ? delta : [time];
}

/** The time `packed` stands for, relative to `base` (NaN for none). */
export function unpackTime(packed: PackedTime, base: number): number {
  if (packed === undefined) return Number.NaN;
  return typeof packed === 'number' ? base - packed : packed[0];
}
