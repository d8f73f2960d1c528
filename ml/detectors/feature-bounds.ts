import type { Features } from '../core/features.ts';

/** `[lower, upper]` of a feature. */
export type Bounds = readonly [number, number];

/**
 * Parses a `limits` parameter: `name:lower:upper` entries separated by commas, e.g.
 * `temperature:-40:85,humidity:0:100`; '' gives none. Throws an error naming the detector and the
 * entry for anything else (lower must be below upper, both finite).
 *
 * @example
 * parseLimits('half-space-trees', 'humidity:0:100'); // Map { 'humidity' => [0, 100] }
 */
export function parseLimits(kind: string, text: string): Map<string, Bounds> {
  const limits = new Map<string, Bounds>();
  if (text.trim() === '') return limits;
  for (const entry of text.split(',')) {
    const match = /^\s*(.+):([^:]+):([^:]+)\s*$/.exec(entry);
    const lower = Number(match?.[2]);
    const upper = Number(match?.[3]);
    if (
      !match ||
      match[2]!.trim() === '' ||
      match[3]!.trim() === '' ||
      !(lower < upper) ||
      !Number.isFinite(upper - lower)
    ) {
      throw new Error(
        `${kind}: limits entry "${entry}" is not name:lower:upper with finite lower < upper (e.g. humidity:0:100)`,
      );
    }
    limits.set(match[1]!.trim(), [lower, upper]);
  }
  return limits;
}

/**
 * Scales features into [0, 1] (what Half-Space Trees split): by given bounds where there are some,
 * else by the running minimum and maximum of the values learned (River's `MinMaxScaler`), so a
 * value beyond what was seen scales outside [0, 1]. A feature never learned, or with no spread
 * yet, scales to 0 (as River's scaler).
 *
 * @example
 * const b = new FeatureBounds(new Map([['h', [0, 100]]]));
 * b.learn({ t: 10 }); b.learn({ t: 20 });
 * [b.scale('h', 25), b.scale('t', 15), b.scale('t', 30)]; // [0.25, 0.5, 2]
 */
export class FeatureBounds {
  private learned = new Map<string, [number, number]>();

  constructor(private readonly given: ReadonlyMap<string, Bounds>) {}

  learn(x: Features): void {
    for (const name in x) {
      const v = x[name]!;
      if (this.given.has(name) || !Number.isFinite(v)) continue;
      const b = this.learned.get(name);
      if (!b) this.learned.set(name, [v, v]);
      else if (v < b[0]) b[0] = v;
      else if (v > b[1]) b[1] = v;
    }
  }

  scale(name: string, v: number): number {
    const b = this.given.get(name) ?? this.learned.get(name);
    if (!b) return 0;
    const range = b[1] - b[0];
    return range > 0 ? (v - b[0]) / range : 0;
  }

  /** The learned bounds as `[name, min, max]`, by name (the given ones are parameters). */
  toJSON(): [string, number, number][] {
    return [...this.learned]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, [min, max]]) => [name, min, max]);
  }

  load(state: readonly (readonly [string, number, number])[]): void {
    this.learned = new Map(state.map(([name, min, max]) => [name, [min, max]]));
  }
}
