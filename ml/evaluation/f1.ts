import type { ClassLabel } from '../core/features.ts';
import { type LabelMetric, listOf, type MetricState, numbersOf } from './metric.ts';

/** Counts of one class as the positive one. */
interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

/** `2 tp / (2 tp + fp + fn)`, 0 when nothing counts. */
function f1Of({ tp, fp, fn }: Counts): number {
  const d = 2 * tp + fp + fn;
  return d > 0 ? (2 * tp) / d : 0;
}

function count(
  c: Counts,
  positive: ClassLabel,
  yTrue: ClassLabel,
  yPred: ClassLabel | undefined,
  by: number,
) {
  if (yPred === positive && yTrue === positive) c.tp += by;
  else if (yPred === positive) c.fp += by;
  else if (yTrue === positive) c.fn += by;
}

/**
 * F1 of one positive class (binary): the harmonic mean of precision and recall,
 * `2 tp / (2 tp + fp + fn)`.
 *
 * @example
 * const m = new F1(1);
 * [[1, 1], [1, 0], [0, 1], [1, 1], [0, 0]].forEach(([y, p]) => m.update(y, p));
 * m.get(); // tp 2, fp 1, fn 1: 4/6 = 0.666...
 */
export class F1 implements LabelMetric {
  readonly name = 'f1';
  private counts: Counts = { tp: 0, fp: 0, fn: 0 };

  constructor(readonly positive: ClassLabel = 1) {}

  update(yTrue: ClassLabel, yPred: ClassLabel | undefined): void {
    count(this.counts, this.positive, yTrue, yPred, 1);
  }

  revert(yTrue: ClassLabel, yPred: ClassLabel | undefined): void {
    count(this.counts, this.positive, yTrue, yPred, -1);
  }

  get(): number {
    return f1Of(this.counts);
  }

  snapshot(): [tp: number, fp: number, fn: number] {
    const { tp, fp, fn } = this.counts;
    return [tp, fp, fn];
  }

  restore(state: MetricState): void {
    const [tp = 0, fp = 0, fn = 0] = numbersOf(state, 3, this.name);
    this.counts = { tp, fp, fn };
  }

  merge(state: MetricState): void {
    const [tp = 0, fp = 0, fn = 0] = numbersOf(state, 3, this.name);
    this.counts.tp += tp;
    this.counts.fp += fp;
    this.counts.fn += fn;
  }
}

/**
 * Macro-averaged F1: the unweighted mean of each class's F1 (one-vs-rest), over the classes that
 * appear among the truths or predictions (scikit-learn's `f1_score(average='macro')`).
 *
 * @example
 * const m = new MacroF1();
 * [['a', 'a'], ['a', 'b'], ['b', 'b'], ['c', 'a']].forEach(([y, p]) => m.update(y, p));
 * m.get(); // (F1 a = 0.5, b = 2/3, c = 0) / 3 = 0.3888...
 */
export class MacroF1 implements LabelMetric {
  readonly name = 'macro_f1';
  /** Per class; `seen` counts its appearances, so a class leaves when reverted to none. */
  private readonly classes = new Map<ClassLabel, Counts & { seen: number }>();

  update(yTrue: ClassLabel, yPred: ClassLabel | undefined): void {
    this.apply(yTrue, yPred, 1);
  }

  revert(yTrue: ClassLabel, yPred: ClassLabel | undefined): void {
    this.apply(yTrue, yPred, -1);
  }

  get(): number {
    if (this.classes.size === 0) return 0;
    let sum = 0;
    for (const c of this.classes.values()) sum += f1Of(c);
    return sum / this.classes.size;
  }

  /** Per class (in first-seen order): `[label, tp, fp, fn, seen]`. */
  snapshot(): [ClassLabel, number, number, number, number][] {
    return [...this.classes].map(([label, c]) => [label, c.tp, c.fp, c.fn, c.seen]);
  }

  restore(state: MetricState): void {
    this.classes.clear();
    this.merge(state);
  }

  merge(state: MetricState): void {
    for (const entry of listOf(state, this.name)) {
      const [label, ...counts] = listOf(entry, this.name);
      if (typeof label !== 'string' && typeof label !== 'number') {
        throw new Error(`${this.name}: cannot restore a class labelled ${JSON.stringify(label)}`);
      }
      const [tp = 0, fp = 0, fn = 0, seen = 0] = numbersOf(counts, 4, this.name);
      const c = this.classes.get(label);
      if (c === undefined) this.classes.set(label, { tp, fp, fn, seen });
      else Object.assign(c, { tp: c.tp + tp, fp: c.fp + fp, fn: c.fn + fn, seen: c.seen + seen });
    }
  }

  private apply(yTrue: ClassLabel, yPred: ClassLabel | undefined, by: 1 | -1): void {
    const labels = yPred === undefined || yPred === yTrue ? [yTrue] : [yTrue, yPred];
    for (const label of labels) {
      let c = this.classes.get(label);
      if (!c) {
        c = { tp: 0, fp: 0, fn: 0, seen: 0 };
        this.classes.set(label, c);
      }
      c.seen += by;
    }
    for (const [label, c] of this.classes) {
      count(c, label, yTrue, yPred, by);
      if (c.seen <= 0) this.classes.delete(label);
    }
  }
}
