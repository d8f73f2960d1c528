import type { Optimizer, Parameter } from './optimizer.ts';

/**
 * Adam (Kingma and Ba 2015): moving averages of each parameter's gradient (`m`) and squared
 * gradient (`v`), bias-corrected by the number of steps `t` (examples) taken:
 * `w -= lr * m̂ / (√v̂ + eps)` with `m̂ = m / (1 - β1^t)`, `v̂ = v / (1 - β2^t)`.
 *
 * @example
 * const opt = adam(0.1);
 * const p = opt.parameter();
 * opt.tick();
 * opt.step(p, 5); // first step: m̂ = 5, v̂ = 25, p.value ≈ -0.1
 */
export function adam(learningRate: number, beta1 = 0.9, beta2 = 0.999, eps = 1e-8): Optimizer {
  let t = 0;
  let correction1 = 1;
  let correction2 = 1;
  const corrections = () => {
    correction1 = 1 - beta1 ** t;
    correction2 = 1 - beta2 ** t;
  };
  return {
    name: 'adam',
    parameter: (value = 0): Parameter => ({ value, memory: [0, 0] }),
    tick() {
      t += 1;
      corrections();
    },
    step(p, g) {
      const m = beta1 * p.memory[0]! + (1 - beta1) * g;
      const v = beta2 * p.memory[1]! + (1 - beta2) * g * g;
      p.memory[0] = m;
      p.memory[1] = v;
      p.value -= (learningRate * (m / correction1)) / (Math.sqrt(v / correction2) + eps);
    },
    state: () => [t],
    restoreState(state) {
      t = state[0] ?? 0;
      corrections();
    },
  };
}
