import { adagrad } from './adagrad.ts';
import { adam } from './adam.ts';
import type { Optimizer, OptimizerName } from './optimizer.ts';
import { sgd } from './sgd.ts';

/** The optimizer called `name`, with `learningRate`. */
export function createOptimizer(name: OptimizerName, learningRate: number): Optimizer {
  switch (name) {
    case 'sgd':
      return sgd(learningRate);
    case 'adagrad':
      return adagrad(learningRate);
    case 'adam':
      return adam(learningRate);
    default:
      throw new Error(`unknown optimizer "${name as string}": use sgd, adagrad or adam`);
  }
}
