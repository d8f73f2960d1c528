import type { MetricState } from './metric.ts';
import type { MetricFamily, OutcomeMetric } from './metric-families.ts';

/** What {@link PrequentialEvaluation.snapshot} gives: JSON data. */
export interface PrequentialEvaluationState {
  readonly count: number;
  readonly windowSize: number;
  readonly cumulative: readonly MetricState[];
  /** Outcomes per block of the rolling window. */
  readonly blockSize: number;
  /** The closed blocks' metric states, oldest first, then the open block's (its `fill` outcomes). */
  readonly blocks: readonly (readonly MetricState[])[];
  readonly fill: number;
}

/** What snapshots written before blocks held: the window's outcomes themselves. */
interface OutcomeWindowState {
  readonly count: number;
  readonly windowSize: number;
  readonly cumulative: readonly MetricState[];
  readonly window: readonly MetricState[];
}

/** Blocks a rolling window is counted in (fewer for windows under 10 outcomes: one each). */
const BLOCKS = 10;

/**
 * The prequential metrics of one model (and key): every metric of its family over all outcomes
 * since the start (cumulative) and over about the last `windowSize` (rolling).
 *
 * The rolling window is counted in blocks, not kept outcome by outcome: `windowSize / 10`
 * outcomes a block (one for windows under 10), each block a set of the family's metric states,
 * the oldest dropped whole when a new block opens. So a key costs a few hundred bytes whatever the
 * window (1,000 outcomes kept as such cost ~85 KB of heap and ~19 KB in every checkpoint), and
 * the window holds between `windowSize - blockSize + 1` and `windowSize` outcomes
 * (`rollingCount` says how many). The rolling values merge the blocks' states (`Metric.merge`).
 *
 * @example
 * const e = new PrequentialEvaluation(regressionMetrics, 2);
 * e.update([1, 0]); e.update([1, 1]); e.update([3, 1]);
 * e.cumulative().mae; // 1
 * e.rolling().mae; // 1 (|1 - 1| + |3 - 1|) / 2
 */
export class PrequentialEvaluation<O extends MetricState> {
  readonly blockSize: number;
  private readonly cumulativeMetrics: OutcomeMetric<O>[];
  /** The closed blocks' metric states, oldest first: at most `blocks - 1`. */
  private closed: (readonly MetricState[])[] = [];
  /** The closed blocks merged, per metric (recomputed when a block closes; undefined: none). */
  private closedMerged: readonly MetricState[] | undefined;
  /** Metrics `rolling()` computes in (restored from `closedMerged`, then the open block merged). */
  private scratch: OutcomeMetric<O>[] | undefined;
  private open: OutcomeMetric<O>[];
  private fill = 0;
  private readonly maxClosed: number;
  private n = 0;

  constructor(
    private readonly family: MetricFamily<O>,
    readonly windowSize: number,
  ) {
    if (!Number.isInteger(windowSize) || windowSize < 1)
      throw new Error(`rolling window must be an integer >= 1, got ${windowSize}`);
    this.blockSize = Math.max(1, Math.floor(windowSize / BLOCKS));
    this.maxClosed = Math.floor(windowSize / this.blockSize) - 1;
    this.cumulativeMetrics = family();
    this.open = family();
  }

  /** Outcomes since the start. */
  get count(): number {
    return this.n;
  }

  /** Outcomes in the rolling window. */
  get rollingCount(): number {
    return this.closed.length * this.blockSize + this.fill;
  }

  update(outcome: O): void {
    this.n++;
    for (const m of this.cumulativeMetrics) m.update(outcome);
    this.addToWindow(outcome);
  }

  /** Each metric over every outcome, by name. */
  cumulative(): Record<string, number> {
    return valuesOf(this.cumulativeMetrics);
  }

  /** Each metric over the window, by name. */
  rolling(): Record<string, number> {
    const closed = this.closedStates();
    if (closed === undefined) return valuesOf(this.open);
    this.scratch ??= this.family();
    const scratch = this.scratch;
    for (let i = 0; i < scratch.length; i++) {
      scratch[i]!.restore(closed[i]!);
      scratch[i]!.merge(this.open[i]!.snapshot());
    }
    return valuesOf(scratch);
  }

  snapshot(): PrequentialEvaluationState {
    return {
      count: this.n,
      windowSize: this.windowSize,
      cumulative: this.cumulativeMetrics.map((m) => m.snapshot()),
      blockSize: this.blockSize,
      blocks: [...this.closed, this.open.map((m) => m.snapshot())],
      fill: this.fill,
    };
  }

  /**
   * Restores a snapshot of an evaluation of the same family. One taken with another window size
   * keeps its cumulative metrics, and its rolling window starts empty; one written before blocks
   * (the window's outcomes) is replayed into blocks.
   */
  restore(state: PrequentialEvaluationState | OutcomeWindowState): void {
    const names = this.cumulativeMetrics.map((m) => m.name);
    if (state.cumulative.length !== names.length) {
      throw new Error(
        `cannot restore metrics ${names.join(', ')} from a snapshot of ${state.cumulative.length} metrics`,
      );
    }
    this.n = state.count;
    this.cumulativeMetrics.forEach((m, i) => {
      m.restore(state.cumulative[i]!);
    });
    this.closed = [];
    this.closedMerged = undefined;
    this.open = this.family();
    this.fill = 0;
    if ('window' in state) {
      const outcomes = state.window as readonly O[];
      for (const outcome of outcomes.slice(Math.max(0, outcomes.length - this.windowSize))) {
        this.addToWindow(outcome);
      }
      return;
    }
    if (state.windowSize !== this.windowSize || state.blockSize !== this.blockSize) return;
    const blocks = state.blocks.map((states) => {
      if (!Array.isArray(states) || states.length !== names.length) {
        throw new Error(
          `cannot restore metrics ${names.join(', ')} from a block of ${JSON.stringify(states)}`,
        );
      }
      return states as readonly MetricState[];
    });
    const openStates = blocks.pop();
    this.closed = blocks.slice(Math.max(0, blocks.length - this.maxClosed));
    this.closedMerged = undefined;
    if (openStates !== undefined) {
      for (let i = 0; i < this.open.length; i++) this.open[i]!.restore(openStates[i]!);
    }
    this.fill = state.fill;
  }

  /** The closed blocks' states merged (computed once per closed block, when first asked). */
  private closedStates(): readonly MetricState[] | undefined {
    if (this.closed.length === 0) return undefined;
    if (this.closedMerged === undefined) {
      const merged = this.family();
      for (const states of this.closed) {
        for (let i = 0; i < merged.length; i++) merged[i]!.merge(states[i]!);
      }
      this.closedMerged = merged.map((m) => m.snapshot());
    }
    return this.closedMerged;
  }

  /** Counts `outcome` in the open block (opening a new one when it is full). */
  private addToWindow(outcome: O): void {
    if (this.fill === this.blockSize) this.closeBlock();
    for (const m of this.open) m.update(outcome);
    this.fill++;
  }

  /** The open block is full: it joins the closed ones (the oldest leaves), and a new one opens. */
  private closeBlock(): void {
    if (this.maxClosed > 0) {
      if (this.closed.length === this.maxClosed) this.closed.shift();
      this.closed.push(this.open.map((m) => m.snapshot()));
      this.closedMerged = undefined;
    }
    this.open = this.family();
    this.fill = 0;
  }
}

function valuesOf<O>(metrics: readonly OutcomeMetric<O>[]): Record<string, number> {
  const values: Record<string, number> = {};
  for (const m of metrics) values[m.name] = m.get();
  return values;
}
