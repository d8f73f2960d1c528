import type { AnomalyExplanation, DetectorSpec, TimerDrivenDetector } from './detector.ts';
import { warmingUp } from './explanation-text.ts';
import { checkInteger, checkNumber } from './param-checks.ts';
import { ratioScore } from './score-mapping.ts';
import { SortedWindow } from './sorted-window.ts';
import { FEATURE_PARAM, UnivariateDetector } from './univariate-detector.ts';

/** Hyperparameters of {@link DropoutDetector}. */
export type DropoutParams = {
  readonly feature: string;
  /** The interval between records when known (ms); 0: learn it (median of recent intervals). */
  readonly expectedIntervalMs: number;
  /** The silence that scores 0.5, in typical intervals. */
  readonly factor: number;
  /** The shortest silence that scores 0.5 (ms), whatever the interval. */
  readonly minSilenceMs: number;
  /** Intervals the median covers. */
  readonly window: number;
  /** Intervals learned before silence is judged (when `expectedIntervalMs` is 0). */
  readonly warmup: number;
};

const DEFAULTS: DropoutParams = {
  feature: 'value',
  expectedIntervalMs: 0,
  factor: 3,
  minSilenceMs: 0,
  window: 50,
  warmup: 5,
};

/**
 * Dropout: no data for longer than expected. It learns the typical interval between a series'
 * records (the median of the last `window` intervals, robust to the odd gap, or
 * `expectedIntervalMs` when given); the deadline after a record is `max(factor × typical,
 * minSilenceMs)` later. Driven by timers ({@link TimerDrivenDetector}): `nextCheck()` is the
 * deadline (it moves only when a record is learned) and `explainSilence(now)` scores the silence
 * since the last record with {@link ratioScore} of silence / deadline span: exactly 0.5 at the
 * deadline, 0.8 at twice it. A record itself scores 0 (it ends the silence). Records at a
 * timestamp not after the last one are ignored.
 *
 * @example
 * const d = new DropoutDetector({ warmup: 3 });
 * [0, 10_000, 20_000, 30_000].forEach((ts) => d.learnOne({ value: 1 }, ts));
 * d.nextCheck(); // 60_000 (3 × 10 s after the last record)
 * d.explainSilence(160_000); // { score: 0.949, reason: 'no reading for 2m 10s (expected every 10s)' }
 */
export class DropoutDetector extends UnivariateDetector<DropoutParams> implements TimerDrivenDetector {
  readonly kind = 'dropout';
  protected readonly version = 1;
  private intervals: SortedWindow;
  private lastTs: number | null = null;

  constructor(params: Partial<DropoutParams> = {}) {
    super({ ...DEFAULTS, ...params });
    checkNumber(this.kind, 'expectedIntervalMs', this.params.expectedIntervalMs, 0, Infinity, false);
    checkNumber(this.kind, 'factor', this.params.factor, 0);
    checkNumber(this.kind, 'minSilenceMs', this.params.minSilenceMs, 0, Infinity, false);
    checkInteger(this.kind, 'window', this.params.window, 1);
    checkInteger(this.kind, 'warmup', this.params.warmup, 1);
    this.intervals = new SortedWindow(this.params.window);
  }

  nextCheck(): number | undefined {
    const span = this.deadlineSpan();
    return this.lastTs === null || span === undefined ? undefined : this.lastTs + span;
  }

  explainSilence(now: number): AnomalyExplanation {
    const span = this.deadlineSpan();
    const typical = this.typicalInterval();
    if (this.lastTs === null || span === undefined || typical === undefined) {
      return warmingUp(this.intervals.length, this.params.warmup, 'intervals');
    }
    const silence = Math.max(0, now - this.lastTs);
    return {
      score: span > 0 ? ratioScore(silence / span) : silence > 0 ? 1 : 0,
      reason: `no reading for ${formatDuration(silence)} (expected every ${formatDuration(typical)})`,
    };
  }

  protected scoreValue(): number {
    return 0;
  }

  protected explainValue(_value: number, ts: number): AnomalyExplanation {
    const typical = this.typicalInterval();
    if (this.lastTs === null || typical === undefined) {
      return warmingUp(this.intervals.length, this.params.warmup, 'intervals');
    }
    return {
      score: 0,
      reason: `a reading after ${formatDuration(Math.max(0, ts - this.lastTs))} (expected every ${formatDuration(typical)})`,
    };
  }

  protected learnValue(_value: number, ts: number): void {
    if (this.lastTs !== null) {
      if (ts <= this.lastTs) return;
      this.intervals.push(ts - this.lastTs);
    }
    this.lastTs = ts;
  }

  protected saveState(): unknown {
    return { intervals: this.intervals.values(), lastTs: this.lastTs };
  }

  protected loadState(state: unknown): void {
    const s = state as { intervals: number[]; lastTs: number | null };
    this.intervals = SortedWindow.from(this.params.window, s.intervals);
    this.lastTs = s.lastTs;
  }

  /** `expectedIntervalMs`, else the median recent interval once `warmup` are known. */
  private typicalInterval(): number | undefined {
    if (this.params.expectedIntervalMs > 0) return this.params.expectedIntervalMs;
    return this.intervals.length >= this.params.warmup ? this.intervals.median() : undefined;
  }

  /** How long after a record the silence scores 0.5. */
  private deadlineSpan(): number | undefined {
    const typical = this.typicalInterval();
    return typical === undefined
      ? undefined
      : Math.max(this.params.factor * typical, this.params.minSilenceMs);
  }
}

/**
 * A duration for an explanation: `850ms`, `10s`, `2.5s`, `2m 10s`, `3h 5m`.
 *
 * @example
 * formatDuration(130_000); // '2m 10s'
 */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1_000).toPrecision(3))}s`;
  const seconds = Math.round(ms / 1_000);
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m ${seconds % 60}s`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours}h` : `${hours}h ${minutes % 60}m`;
}

export const dropoutSpec: DetectorSpec = {
  name: 'dropout',
  description:
    'No data for longer than expected: silence after the last record, 0.5 at factor × the typical interval (timer-driven).',
  input: 'univariate',
  detects: ['dropout'],
  params: {
    feature: FEATURE_PARAM,
    expectedIntervalMs: {
      type: 'number',
      default: DEFAULTS.expectedIntervalMs,
      min: 0,
      description: 'The interval between records (ms) when known; 0: learn it (median of recent intervals).',
    },
    factor: {
      type: 'number',
      default: DEFAULTS.factor,
      min: Number.MIN_VALUE,
      description: 'The silence scoring 0.5, in typical intervals.',
    },
    minSilenceMs: {
      type: 'number',
      default: DEFAULTS.minSilenceMs,
      min: 0,
      description: 'The shortest silence scoring 0.5 (ms), whatever the interval.',
    },
    window: {
      type: 'integer',
      default: DEFAULTS.window,
      min: 1,
      description: 'Intervals the median covers.',
    },
    warmup: {
      type: 'integer',
      default: DEFAULTS.warmup,
      min: 1,
      description: 'Intervals learned before silence is judged (when expectedIntervalMs is 0).',
    },
  },
  create: (p) => new DropoutDetector(p as DropoutParams),
};
