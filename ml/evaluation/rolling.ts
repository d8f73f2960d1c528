import type { ClassLabel } from '../core/features.ts';
import { listOf, type Metric, type MetricState } from './metric.ts';
import { Ring } from './ring.ts';

/**
 * A metric over the last `window` pairs only (River's `utils.Rolling`): each update past the
 * window reverts the oldest pair. Holds `window` pairs. Its snapshot holds the inner metric's and
 * the pairs (a `Map` of class probabilities as its entries, no prediction as `null`).
 *
 * @example
 * const m = rolling(new Mae(), 2);
 * m.update(0, 10); m.update(0, 1); m.update(0, 3);
 * m.get(); // 2 (the last two errors)
 */
export class Rolling<Truth, Prediction> implements Metric<Truth, Prediction> {
  readonly name: string;
  private readonly pairs: Ring<[Truth, Prediction]>;

  constructor(
    readonly metric: Metric<Truth, Prediction>,
    readonly window: number,
  ) {
    this.pairs = new Ring(window);
    this.name = metric.name;
  }

  update(yTrue: Truth, yPred: Prediction): void {
    this.metric.update(yTrue, yPred);
    this.pairs.push([yTrue, yPred], ([oldTrue, oldPred]) => this.metric.revert(oldTrue, oldPred));
  }

  /** Reverts a pair still in the window (the newest matching one is dropped from it). */
  revert(yTrue: Truth, yPred: Prediction): void {
    this.metric.revert(yTrue, yPred);
    const ordered = this.pairs.toArray();
    for (let i = ordered.length - 1; i >= 0; i--) {
      if (ordered[i]![0] === yTrue && ordered[i]![1] === yPred) {
        ordered.splice(i, 1);
        break;
      }
    }
    this.pairs.reset(ordered);
  }

  get(): number {
    return this.metric.get();
  }

  snapshot(): { metric: MetricState; pairs: MetricState[][] } {
    const pairs = this.pairs.toArray().map(([t, p]) => [encodePart(t), encodePart(p)]);
    return { metric: this.metric.snapshot(), pairs };
  }

  restore(state: MetricState): void {
    const { metric, pairs } = (state ?? {}) as { metric?: MetricState; pairs?: MetricState };
    if (metric === undefined || pairs === undefined)
      throw new Error(`rolling ${this.name}: cannot restore from ${JSON.stringify(state)}`);
    this.metric.restore(metric);
    this.pairs.reset(
      listOf(pairs, this.name).map((pair) => {
        const [t = null, p = null] = listOf(pair, this.name);
        return [decodePart(t) as Truth, decodePart(p) as Prediction];
      }),
    );
  }

  /** Adds the pairs of another rolling window's snapshot, oldest first (the window keeps its size). */
  merge(state: MetricState): void {
    const { pairs } = (state ?? {}) as { pairs?: MetricState };
    if (pairs === undefined) throw new Error(`rolling ${this.name}: cannot merge ${JSON.stringify(state)}`);
    for (const pair of listOf(pairs, this.name)) {
      const [t = null, p = null] = listOf(pair, this.name);
      this.update(decodePart(t) as Truth, decodePart(p) as Prediction);
    }
  }
}

/** `metric` over the last `window` pairs. */
export function rolling<Truth, Prediction>(
  metric: Metric<Truth, Prediction>,
  window: number,
): Rolling<Truth, Prediction> {
  return new Rolling(metric, window);
}

/** A truth or prediction as JSON data: a `Map` as `{ entries }`, `undefined` as `null`. */
function encodePart(value: unknown): MetricState {
  if (value === undefined) return null;
  if (value instanceof Map) return { entries: [...value] as [ClassLabel, number][] };
  return value as MetricState;
}

function decodePart(state: MetricState): unknown {
  if (state === null) return undefined;
  if (typeof state === 'object' && !Array.isArray(state) && 'entries' in state)
    return new Map(state.entries as [ClassLabel, number][]);
  return state;
}
