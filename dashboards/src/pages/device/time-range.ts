/** The ranges a page offers, by the label used in routes (`range=6h`). */
export const RANGE_PRESETS = {
  '15m': 15 * 60_000,
  '1h': 3_600_000,
  '6h': 6 * 3_600_000,
  '24h': 24 * 3_600_000,
} as const;

export type RangePreset = keyof typeof RANGE_PRESETS;

/** The preset when a route names none. */
export const DEFAULT_RANGE: RangePreset = '1h';

/** A page's time range: `[from, to)` in epoch ms. */
export interface TimeRange {
  readonly from: number;
  readonly to: number;
  /** The preset the range was made from, or `custom` (explicit `from`/`to`). */
  readonly preset: RangePreset | 'custom';
  /** True when the range ends now and slides with the clock (no `at`, `from` or `to`). */
  readonly follow: boolean;
  /** The moment the route centres on (`at`), if any. */
  readonly at?: number;
}

/** True when `text` is one of {@link RANGE_PRESETS}. */
export function isRangePreset(text: string | null): text is RangePreset {
  return text !== null && Object.hasOwn(RANGE_PRESETS, text);
}

/**
 * A time in a route: epoch ms digits or anything `Date.parse` reads; `undefined` when absent or
 * not a time.
 *
 * @example
 * parseRouteTime('1700000000000'); // 1700000000000
 * parseRouteTime('2023-11-14T22:13:20Z'); // 1700000000000
 */
export function parseRouteTime(text: string | null): number | undefined {
  if (text === null || text.trim() === '') return undefined;
  const ms = /^[0-9]+$/.test(text) ? Number(text) : Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * The range a route asks for: `from` and `to` (custom); else `at` centred in the preset's width
 * (`range`, default 1 h), as the anomalies page links; else the last `range` before `now`.
 *
 * @example
 * resolveTimeRange(new URLSearchParams('at=7200000&range=1h'), 0);
 * // { from: 5400000, to: 9000000, preset: '1h', follow: false, at: 7200000 }
 * resolveTimeRange(new URLSearchParams(''), 3_600_000); // { from: 0, to: 3600000, preset: '1h', follow: true }
 */
export function resolveTimeRange(params: URLSearchParams, now: number): TimeRange {
  const from = parseRouteTime(params.get('from'));
  const to = parseRouteTime(params.get('to'));
  if (from !== undefined && to !== undefined && from < to) {
    return { from, to, preset: 'custom', follow: false };
  }
  const named = params.get('range');
  const preset = isRangePreset(named) ? named : DEFAULT_RANGE;
  const width = RANGE_PRESETS[preset];
  const at = parseRouteTime(params.get('at'));
  if (at !== undefined) {
    const start = at - width / 2;
    return { from: start, to: start + width, preset, follow: false, at };
  }
  return { from: now - width, to: now, preset, follow: true };
}

/**
 * The route parameters of a range choice: a preset (following now, or centred on `at`), or a
 * custom `from`/`to`. Other parameters (`id`, `metric`) are the caller's.
 *
 * @example
 * rangeParams({ preset: '6h' }); // { range: '6h' }
 * rangeParams({ preset: 'custom', from: 0, to: 1000 }); // { from: '0', to: '1000' }
 */
export function rangeParams(choice: {
  preset: RangePreset | 'custom';
  from?: number;
  to?: number;
  at?: number;
}): Record<string, string> {
  if (choice.preset === 'custom') {
    if (choice.from === undefined || choice.to === undefined || !(choice.from < choice.to)) {
      throw new RangeError('a custom time range needs "from" before "to"');
    }
    return { from: String(Math.trunc(choice.from)), to: String(Math.trunc(choice.to)) };
  }
  return {
    range: choice.preset,
    ...(choice.at === undefined ? {} : { at: String(Math.trunc(choice.at)) }),
  };
}

/**
 * Epoch ms as the value of an `<input type="datetime-local">` (local time, to the minute).
 *
 * @example
 * fromLocalInput(toLocalInput(1_700_000_040_000)); // 1700000040000
 */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** An `<input type="datetime-local">` value (local time) as epoch ms; `undefined` when empty or invalid. */
export function fromLocalInput(value: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  const ms = new Date(y!, mo! - 1, d!, h!, mi!, Number.isNaN(s) ? 0 : (s ?? 0)).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}
