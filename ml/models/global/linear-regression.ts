import type { GlobalLearning, GlobalLearningSpec } from '../../core/partial-update.ts';
import type { LinearRegression } from '../linear-regression.ts';

/** A subtask's round: Σ (ŷ − y)·x_i per feature, Σ (ŷ − y), and the examples, against its replica. */
interface LinearPartial {
  readonly gradients: Map<string, number>;
  bias: number;
  n: number;
}

interface SavedLinearPartial {
  readonly gradients: [string, number][];
  readonly bias: number;
  readonly n: number;
}

/**
 * Global linear regression by mini-batch gradient descent: a round is one mini-batch; each
 * subtask sums its records' squared-loss gradients (ŷ − y)·x against its replica's weights, the
 * merger divides the summed gradients by the round's example count (a feature missing from an
 * example contributes 0, as in the mean loss) and makes one optimizer step (SGD, AdaGrad or Adam,
 * with the L2 term from the current weights). On a noiseless stream it converges to the
 * least-squares solution. Records without a finite target teach nothing.
 *
 * @example
 * const learning = linearRegressionGlobal.create({ optimizer: 'sgd', learningRate: 0.1, l2: 0, intercept: true });
 * const p = learning.emptyPartial();
 * learning.addExample(p, replica, { x: 1 }, 3);
 * learning.applyPartial(global, p); // w_x = 0.3, intercept 0.3 from a zero model
 */
export const linearRegressionGlobal: GlobalLearningSpec = {
  model: 'linear-regression',
  update: 'mean squared-loss gradient over the round, one optimizer step',
  create(): GlobalLearning<LinearRegression, LinearPartial> {
    return {
      emptyPartial: () => ({ gradients: new Map(), bias: 0, n: 0 }),
      addExample(partial, replica, x, y) {
        if (y === undefined) return false;
        if (typeof y !== 'number' || !Number.isFinite(y)) {
          throw new TypeError(
            `linear-regression is a regressor: its target must be a finite number, got ${String(y)}`,
          );
        }
        const error = replica.predictOne(x) - y;
        if (!Number.isFinite(error)) return false;
        for (const name of Object.keys(x)) {
          partial.gradients.set(name, (partial.gradients.get(name) ?? 0) + error * x[name]!);
        }
        partial.bias += error;
        partial.n += 1;
        return true;
      },
      mergePartials(into, from) {
        for (const [name, g] of from.gradients) into.gradients.set(name, (into.gradients.get(name) ?? 0) + g);
        into.bias += from.bias;
        into.n += from.n;
      },
      applyPartial(model, partial) {
        if (partial.n === 0) return;
        const { n } = partial;
        model.applyMeanGradients(
          [...partial.gradients].map(([name, g]) => [name, g / n] as const),
          partial.bias / n,
        );
      },
      savePartial: (partial): SavedLinearPartial => ({
        gradients: [...partial.gradients],
        bias: partial.bias,
        n: partial.n,
      }),
      loadPartial(saved) {
        const s = saved as SavedLinearPartial;
        return { gradients: new Map(s.gradients), bias: s.bias, n: s.n };
      },
    };
  },
};
