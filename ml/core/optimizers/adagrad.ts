import type { Optimizer, Parameter } from './optimizer.ts';

/**
 * AdaGrad (Duchi, Hazan and Singer 2011): each parameter's step shrinks with the sum of its
 * squared gradients, `G += g²; w -= lr * g / (√G + eps)`, so rare features keep large steps.
 *
 * @example
 * const opt = adagrad(0.1);
 * const p = opt.parameter();
 * opt.step(p, 2); // G = 4, p.value ≈ -0.1
 */
export function adagrad(learningRate: number, eps = 1e-8): Optimizer {
  return {
    name: 'adagrad',
    parameter: (value = 0): Parameter => ({ value, memory: [0] }),
    tick() {},
    step(p, g) {
      const sum = p.memory[0]! + g * g;
      p.memory[0] = sum;
      p.value -= (learningRate * g) / (Math.sqrt(sum) + eps);
    },
    state: () => [],
    restoreState() {},
  };
}
