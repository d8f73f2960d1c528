import type { AnomalyExplanation, DetectorSpec } from './detector.ts';
import { formatNumber } from './explanation-text.ts';
import { checkInteger, checkNumber } from './param-checks.ts';
import { ratioScore } from './score-mapping.ts';
import { FEATURE_PARAM, UnivariateDetector } from './univariate-detector.ts';

/** Hyperparameters of {@link StuckSensor}. */
export type StuckSensorParams = {
  readonly feature: string;
  /** Values within this distance of the run's first value count as the same (0: exactly equal). */
  readonly epsilon: number;
  /** Records a flat run must last to be a flatline (score 0.5); at least 2. */
  readonly minCount: number;
  /** Time a flat run must also last, in ms (0: no time condition). */
  readonly minDurationMs: number;
};

const DEFAULTS: StuckSensorParams = { feature: 'value', epsilon: 0, minCount: 10, minDurationMs: 0 };

/** The flat run the detector is in: its first value, its length in records and its start. */
interface Run {
  readonly anchor: number;
  readonly count: number;
  readonly startTs: number;
}

/**
 * Stuck sensor (flatline): a run of values all within `epsilon` of the run's first value (so a
 * slow drift is not flat). A run is a flatline once it lasts both `minCount` records and
 * `minDurationMs`. Score `r² / (1 + r²)` ({@link ratioScore}) of `r`, the smaller of
 * `count / minCount` and `duration / minDurationMs`: exactly 0.5 when the run reaches the limit,
 * rising as it lasts (0.8 at twice the limit); a value that breaks the run (or starts one) scores
 * 0. Silence (no records at all) is the dropout detector's business, not this one's. O(1).
 *
 * @example
 * const d = new StuckSensor({ minCount: 4 });
 * [5, 5, 5].forEach((v, i) => d.learnOne({ value: v }, i));
 * d.scoreOne({ value: 5 }, 3); // 0.5   (the 4th equal value)
 * d.scoreOne({ value: 5.1 }, 3); // 0   (breaks the run)
 */
export class StuckSensor extends UnivariateDetector<StuckSensorParams> {
  readonly kind = 'stuck-sensor';
  protected readonly version = 1;
  private run: Run | undefined;

  constructor(params: Partial<StuckSensorParams> = {}) {
    super({ ...DEFAULTS, ...params });
    checkNumber(this.kind, 'epsilon', this.params.epsilon, 0, Number.POSITIVE_INFINITY, false);
    checkInteger(this.kind, 'minCount', this.params.minCount, 2);
    checkNumber(this.kind, 'minDurationMs', this.params.minDurationMs, 0, Number.POSITIVE_INFINITY, false);
  }

  protected scoreValue(value: number, ts: number): number {
    const run = this.extended(value, ts);
    return run.count < 2 ? 0 : ratioScore(this.ratio(run, ts));
  }

  protected explainValue(value: number, ts: number): AnomalyExplanation {
    const run = this.extended(value, ts);
    if (run.count < 2) return { score: 0, reason: `${formatNumber(value)} starts a new run` };
    const seconds = (ts - run.startTs) / 1000;
    return {
      score: ratioScore(this.ratio(run, ts)),
      expected: run.anchor,
      reason: `flat at ${formatNumber(run.anchor)} for ${run.count} records over ${formatNumber(seconds)} s`,
    };
  }

  protected learnValue(value: number, ts: number): void {
    this.run = this.extended(value, ts);
  }

  /** The run with `value` appended (or a new run of one). */
  private extended(value: number, ts: number): Run {
    const run = this.run;
    if (run && Math.abs(value - run.anchor) <= this.params.epsilon) {
      return { anchor: run.anchor, count: run.count + 1, startTs: run.startTs };
    }
    return { anchor: value, count: 1, startTs: ts };
  }

  /** How far the run is towards a flatline (1 = exactly at the limit). */
  private ratio(run: Run, ts: number): number {
    const byCount = run.count / this.params.minCount;
    if (this.params.minDurationMs === 0) return byCount;
    return Math.min(byCount, Math.max(0, ts - run.startTs) / this.params.minDurationMs);
  }

  protected saveState(): unknown {
    return { run: this.run ? [this.run.anchor, this.run.count, this.run.startTs] : null };
  }

  protected loadState(state: unknown): void {
    const { run } = state as { run: [number, number, number] | null };
    this.run = run ? { anchor: run[0], count: run[1], startTs: run[2] } : undefined;
  }
}

export const stuckSensorSpec: DetectorSpec = {
  name: 'stuck-sensor',
  description: 'Flatline: the same value (within epsilon) for at least minCount records and minDurationMs.',
  input: 'univariate',
  detects: ['flatline'],
  params: {
    feature: FEATURE_PARAM,
    epsilon: {
      type: 'number',
      default: DEFAULTS.epsilon,
      min: 0,
      description: "Values within this of the run's first value count as equal.",
    },
    minCount: {
      type: 'integer',
      default: DEFAULTS.minCount,
      min: 2,
      description: 'Records a flat run lasts to score 0.5.',
    },
    minDurationMs: {
      type: 'number',
      default: DEFAULTS.minDurationMs,
      min: 0,
      description: 'Time a flat run also lasts to score 0.5, in ms (0: no time condition).',
    },
  },
  create: (p) =>
    new StuckSensor({
      feature: p.feature as string,
      epsilon: p.epsilon as number,
      minCount: p.minCount as number,
      minDurationMs: p.minDurationMs as number,
    }),
};
