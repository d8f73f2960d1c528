import type { Metric } from './metric.ts';

/**
 * A metric over the last `window` pairs only (River's `utils.Rolling`): each update past the
 * window reverts the oldest pair. Holds `window` pairs.
 *
 * @example
 * const m = rolling(new Mae(), 2);
 * m.update(0, 10); m.update(0, 1); m.update(0, 3);
 * m.get(); // 2 (the last two errors)
 */
export class Rolling<Truth, Prediction> implements Metric<Truth, Prediction> {
  readonly name: string;
  private readonly pairs: [Truth, Prediction][] = [];
  private head = 0;

  constructor(
    readonly metric: Metric<Truth, Prediction>,
    readonly window: number,
  ) {
    if (!Number.isInteger(window) || window < 1)
      throw new Error(`rolling window must be an integer >= 1, got ${window}`);
    this.name = metric.name;
  }

  update(yTrue: Truth, yPred: Prediction): void {
    this.metric.update(yTrue, yPred);
    if (this.pairs.length < this.window) {
      this.pairs.push([yTrue, yPred]);
      return;
    }
    const [oldTrue, oldPred] = this.pairs[this.head]!;
    this.metric.revert(oldTrue, oldPred);
    this.pairs[this.head] = [yTrue, yPred];
    this.head = (this.head + 1) % this.window;
  }

  /** Reverts a pair still in the window (the newest matching one is dropped from it). */
  revert(yTrue: Truth, yPred: Prediction): void {
    this.metric.revert(yTrue, yPred);
    const ordered = [...this.pairs.slice(this.head), ...this.pairs.slice(0, this.head)];
    for (let i = ordered.length - 1; i >= 0; i--) {
      if (ordered[i]![0] === yTrue && ordered[i]![1] === yPred) {
        ordered.splice(i, 1);
        break;
      }
    }
    this.pairs.splice(0, this.pairs.length, ...ordered);
    this.head = 0;
  }

  get(): number {
    return this.metric.get();
  }
}

/** `metric` over the last `window` pairs. */
export function rolling<Truth, Prediction>(
  metric: Metric<Truth, Prediction>,
  window: number,
): Rolling<Truth, Prediction> {
  return new Rolling(metric, window);
}
