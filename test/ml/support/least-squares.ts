import type { Example } from './streams.ts';

/** Solves `A β = b` by Gaussian elimination with partial pivoting (A square, non-singular). */
export function solve(a: readonly (readonly number[])[], b: readonly number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r]![col]! / m[col]![col]!;
      for (let c = col; c <= n; c++) m[r]![c]! -= f * m[col]![c]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/**
 * The (ridge) least-squares fit of `y` on the named features plus an unpenalised intercept, from
 * the normal equations `(ZᵀZ/n + l2·D) β = Zᵀy/n` (D: identity without the intercept).
 */
export function leastSquares(
  examples: readonly Example[],
  features: readonly string[],
  l2 = 0,
): { weights: Record<string, number>; intercept: number } {
  const k = features.length + 1;
  const a = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const b = new Array<number>(k).fill(0);
  for (const e of examples) {
    const z = [...features.map((f) => e.x[f] ?? 0), 1];
    for (let i = 0; i < k; i++) {
      b[i]! += (z[i]! * (e.y as number)) / examples.length;
      for (let j = 0; j < k; j++) a[i]![j]! += (z[i]! * z[j]!) / examples.length;
    }
  }
  for (let i = 0; i < features.length; i++) a[i]![i]! += l2;
  const beta = solve(a, b);
  return {
    weights: Object.fromEntries(features.map((f, i) => [f, beta[i]!])),
    intercept: beta[features.length]!,
  };
}
