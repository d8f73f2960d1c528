import type { MetricState } from './metric.ts';
import type { MetricFamily, OutcomeMetric } from './metric-families.ts';
import { Ring } from './ring.ts';

/** What {@link PrequentialEvaluation.snapshot} gives: JSON data. */
export interface PrequentialEvaluationState {
  readonly count: number;
  readonly windowSize: number;
  readonly cumulative: readonly MetricState[];
  readonly rolling: readonly MetricState[];
  /** The outcomes in the rolling window, oldest first. */
  readonly window: readonly MetricState[];
}

/**
 * The prequential metrics of one model (and key): every metric of its family twice, over all
 * outcomes since the start (cumulative) and over the last `windowSize` (rolling, one window of
 * outcomes shared by the family's metrics). Outcomes must be JSON data (they are kept in the
 * window and in snapshots).
 *
 * @example
 * const e = new PrequentialEvaluation(regressionMetrics, 2);
 * e.update([1, 0]); e.update([1, 1]); e.update([3, 1]);
 * e.cumulative().mae; // 1
 * e.rolling().mae; // 1 (|1 - 1| + |3 - 1|) / 2
 */
export class PrequentialEvaluation<O extends MetricState> {
  private readonly cumulativeMetrics: OutcomeMetric<O>[];
  private rollingMetrics: OutcomeMetric<O>[];
  private readonly window: Ring<O>;
  private n = 0;

  constructor(
    private readonly family: MetricFamily<O>,
    readonly windowSize: number,
  ) {
    this.window = new Ring(windowSize);
    this.cumulativeMetrics = family();
    this.rollingMetrics = family();
  }

  /** Outcomes since the start. */
  get count(): number {
    return this.n;
  }

  /** Outcomes in the rolling window. */
  get rollingCount(): number {
    return this.window.size;
  }

  update(outcome: O): void {
    this.n++;
    for (const m of this.cumulativeMetrics) m.update(outcome);
    for (const m of this.rollingMetrics) m.update(outcome);
    this.window.push(outcome, (oldest) => {
      for (const m of this.rollingMetrics) m.revert(oldest);
    });
  }

  /** Each metric over every outcome, by name. */
  cumulative(): Record<string, number> {
    return valuesOf(this.cumulativeMetrics);
  }

  /** Each metric over the window, by name. */
  rolling(): Record<string, number> {
    return valuesOf(this.rollingMetrics);
  }

  snapshot(): PrequentialEvaluationState {
    return {
      count: this.n,
      windowSize: this.windowSize,
      cumulative: this.cumulativeMetrics.map((m) => m.snapshot()),
      rolling: this.rollingMetrics.map((m) => m.snapshot()),
      window: this.window.toArray(),
    };
  }

  /**
   * Restores a snapshot of an evaluation of the same family. Taken with another window size, the
   * rolling metrics are computed afresh from the newest outcomes it kept.
   */
  restore(state: PrequentialEvaluationState): void {
    const names = this.cumulativeMetrics.map((m) => m.name);
    if (state.cumulative.length !== names.length || state.rolling.length !== names.length) {
      throw new Error(
        `cannot restore metrics ${names.join(', ')} from a snapshot of ${state.cumulative.length} metrics`,
      );
    }
    this.n = state.count;
    this.cumulativeMetrics.forEach((m, i) => {
      m.restore(state.cumulative[i]!);
    });
    const outcomes = state.window as readonly O[];
    if (state.windowSize === this.windowSize) {
      this.rollingMetrics.forEach((m, i) => {
        m.restore(state.rolling[i]!);
      });
      this.window.reset(outcomes);
      return;
    }
    this.rollingMetrics = this.family();
    this.window.reset([]);
    for (const outcome of outcomes.slice(Math.max(0, outcomes.length - this.windowSize))) {
      for (const m of this.rollingMetrics) m.update(outcome);
      this.window.push(outcome);
    }
  }
}

function valuesOf<O>(metrics: readonly OutcomeMetric<O>[]): Record<string, number> {
  const values: Record<string, number> = {};
  for (const m of metrics) values[m.name] = m.get();
  return values;
}
