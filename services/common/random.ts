import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';

/**
 * A seeded source of randomness whose state can be saved and restored (for checkpoints).
 * Pure logic takes one of these instead of calling `Math.random`.
 *
 * @example
 * const a = createRandom(42);
 * const b = createRandom(42);
 * a.next() === b.next(); // true
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Normal with the given mean and standard deviation (Box–Muller). */
  normal(mean?: number, stddev?: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** An independent generator derived from this one (for per-device streams). */
  fork(): Random;
  /** The generator's state, JSON-safe. */
  state(): number[];
}

export function createRandom(seed: number): Random {
  return wrap(xoroshiro128plus(seed | 0));
}

export function randomFromState(state: readonly number[]): Random {
  return wrap(xoroshiro128plusFromState(state));
}

function wrap(rng: ReturnType<typeof xoroshiro128plus>): Random {
  const random: Random = {
    next: () => uniformFloat64(rng),
    int: (n) => Math.floor(uniformFloat64(rng) * n),
    normal(mean = 0, stddev = 1) {
      let u = 0;
      while (u === 0) u = uniformFloat64(rng);
      const v = uniformFloat64(rng);
      return mean + stddev * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    chance: (p) => uniformFloat64(rng) < p,
    fork: () => createRandom(rng.next()),
    state: () => [...rng.getState()],
  };
  return random;
}
