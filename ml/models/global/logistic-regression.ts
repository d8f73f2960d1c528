import type { ClassLabel } from '../../core/features.ts';
import type { GlobalLearning, GlobalLearningSpec } from '../../core/partial-update.ts';
import type { LogisticRegression, LogisticRegressionParams } from '../logistic-regression.ts';

/**
 * A subtask's round of FTRL gradients, kept so that the 0/1 meaning of the labels is decided
 * only when merged: with p = σ(w·x) from the replica, the gradient (p − y)·x_i sums to
 * Σ p·x_i − Σ_{y = positive} x_i, so per feature Σ p·x_i and per label Σ x_i are enough.
 */
interface LogisticPartial {
  /** Per feature: Σ p·x and how many examples had it. */
  readonly features: Map<string, { px: number; count: number }>;
  /** Per label, in the order first seen: its examples and per feature Σ x. */
  readonly labels: Map<ClassLabel, { count: number; x: Map<string, number> }>;
  /** Σ p and the number of examples. */
  p: number;
  n: number;
}

interface SavedLogisticPartial {
  readonly features: [string, number, number][];
  readonly labels: [ClassLabel, number, [string, number][]][];
  readonly p: number;
  readonly n: number;
}

/**
 * Global logistic regression with Flink ML `OnlineLogisticRegression` semantics: a round is a
 * global batch; every subtask computes its records' gradients against its replica's weights,
 * the merger sums them over subtasks and makes one FTRL-Proximal step with the mean gradient per
 * coordinate (over the examples that have it; the bias over all examples), as `UpdateModel`
 * does. The model's own `globalBatchSize` is not used (the round is the batch). Labels are mapped
 * to 0/1 by the global model's rule (`positiveLabel`, else first seen = 0) when a round is merged,
 * so subtasks never disagree on them.
 *
 * @example
 * const learning = logisticRegressionGlobal.create({ alpha: 0.5, beta: 1, reg: 0, elasticNet: 0,
 *   globalBatchSize: 1, fitIntercept: true, positiveLabel: '1' });
 * const p = learning.emptyPartial();
 * learning.addExample(p, replica, { x: 1 }, 1);
 * learning.applyPartial(global, p); // one FTRL step
 */
export const logisticRegressionGlobal: GlobalLearningSpec = {
  model: 'logistic-regression',
  update:
    'gradients summed over subtasks, one FTRL-Proximal step per round (Flink ML OnlineLogisticRegression)',
  create(params): GlobalLearning<LogisticRegression, LogisticPartial> {
    const kind = 'logistic-regression';
    const { fitIntercept } = params as unknown as LogisticRegressionParams;
    const labelOf = (partial: LogisticPartial, label: ClassLabel) => {
      let entry = partial.labels.get(label);
      if (entry === undefined) {
        if (partial.labels.size === 2) {
          const known = [...partial.labels.keys()].map(String).join(' and ');
          throw new Error(
            `${kind}: is binary and already knows the labels ${known}; got a third one, ${String(label)}`,
          );
        }
        entry = { count: 0, x: new Map() };
        partial.labels.set(label, entry);
      }
      return entry;
    };
    return {
      emptyPartial: () => ({ features: new Map(), labels: new Map(), p: 0, n: 0 }),
      addExample(partial, replica, x, y) {
        if (y === undefined) return false;
        const label = labelOf(partial, y);
        const p = replica.probability(x);
        for (const name of Object.keys(x)) {
          const v = x[name]!;
          addFeature(partial, name, p * v, 1);
          label.x.set(name, (label.x.get(name) ?? 0) + v);
        }
        label.count += 1;
        partial.p += p;
        partial.n += 1;
        return true;
      },
      mergePartials(into, from) {
        for (const [name, { px, count }] of from.features) addFeature(into, name, px, count);
        for (const [y, { count, x }] of from.labels) {
          const label = labelOf(into, y);
          label.count += count;
          for (const [name, v] of x) label.x.set(name, (label.x.get(name) ?? 0) + v);
        }
        into.p += from.p;
        into.n += from.n;
      },
      applyPartial(model, partial) {
        if (partial.n === 0) return;
        for (const y of partial.labels.keys()) model.labelIndex(y);
        const { positive } = model.labels();
        const positives = positive === null ? undefined : partial.labels.get(positive);
        const gradients = [...partial.features].map(
          ([name, { px, count }]) => [name, (px - (positives?.x.get(name) ?? 0)) / count] as const,
        );
        const intercept = fitIntercept ? (partial.p - (positives?.count ?? 0)) / partial.n : 0;
        model.applyMeanGradients(gradients, intercept);
      },
      savePartial: (partial): SavedLogisticPartial => ({
        features: [...partial.features].map(([name, { px, count }]) => [name, px, count]),
        labels: [...partial.labels].map(([y, { count, x }]) => [y, count, [...x]]),
        p: partial.p,
        n: partial.n,
      }),
      loadPartial(saved) {
        const s = saved as SavedLogisticPartial;
        return {
          features: new Map(s.features.map(([name, px, count]) => [name, { px, count }])),
          labels: new Map(s.labels.map(([y, count, x]) => [y, { count, x: new Map(x) }])),
          p: s.p,
          n: s.n,
        };
      },
    };
  },
};

function addFeature(partial: LogisticPartial, name: string, px: number, count: number): void {
  const f = partial.features.get(name);
  if (f === undefined) partial.features.set(name, { px, count });
  else {
    f.px += px;
    f.count += count;
  }
}
