import type { Optimizer, Parameter } from './optimizer.ts';

/**
 * Plain stochastic gradient descent with a constant learning rate: `w -= lr * g`.
 *
 * @example
 * const p = sgd(0.1).parameter(1);
 * sgd(0.1).step(p, 2); // p.value === 0.8
 */
export function sgd(learningRate: number): Optimizer {
  return {
    name: 'sgd',
    parameter: (value = 0): Parameter => ({ value, memory: [] }),
    tick() {},
    step(p, g) {
      p.value -= learningRate * g;
    },
    state: () => [],
    restoreState() {},
  };
}
