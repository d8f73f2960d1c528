import type { EstimatorSnapshot } from '../core/estimator.ts';
import { EstimatorBase } from '../core/estimator-base.ts';
import type { Features } from '../core/features.ts';
import type { DenseAutoencoder } from '../models/dense-autoencoder.ts';
import { buildAutoencoder, loadAutoencoderModel, loadedAutoencoderModel } from './autoencoder-model.ts';
import type { AnomalyDetector, AnomalyExplanation, DetectorSpec } from './detector.ts';
import { formatNumber, warmingUp } from './explanation-text.ts';
import { checkInteger, checkNumber } from './param-checks.ts';
import { thresholdScore, zDistance } from './score-mapping.ts';
import { SortedWindow } from './sorted-window.ts';

/** Hyperparameters of {@link AutoencoderDetector}: its own, then the network's (`ml/models/dense-autoencoder.ts`). */
export type AutoencoderParams = {
  /** Reconstruction errors the median and MAD cover. */
  readonly window: number;
  /** The robust z of the (log) error at which the score is 0.5. */
  readonly threshold: number;
  /** Errors of a trained network learned before anything is scored. */
  readonly warmup: number;
  readonly hiddenUnits: number;
  readonly codeUnits: number;
  readonly maxFeatures: number;
  readonly learningRate: number;
  readonly everySamples: number;
  readonly everyMs: number;
  readonly seed: number;
};

const DEFAULTS: AutoencoderParams = {
  window: 500,
  threshold: 3.5,
  warmup: 50,
  hiddenUnits: 16,
  codeUnits: 4,
  maxFeatures: 16,
  learningRate: 0.005,
  everySamples: 32,
  everyMs: 5000,
  seed: 42,
};

/** Records learned while TensorFlow.js loads, at most (the oldest are dropped beyond). */
const MAX_WAITING_ROWS = 10_000;
const MAD_TO_STD = 1 / 0.6745;
const MEAN_AD_TO_STD = 1 / 0.7979;

interface AutoencoderState {
  /** The network's snapshot (`null`: none yet, TensorFlow.js was still loading). */
  readonly model: EstimatorSnapshot | null;
  /** Records learned before the network existed, to be learned by it once built. */
  readonly rows: Features[];
  readonly errors: number[];
  readonly learned: number;
}

/**
 * Autoencoder: a dense autoencoder (`ml/models/dense-autoencoder.ts`, TensorFlow.js, trained in
 * micro-batches off the per-record path) learns what a device's metrics look like together; a
 * record's statistic is its reconstruction error, judged against the running distribution of the
 * detector's own errors: the robust z (median and MAD of the last `window` errors, on a log scale
 * since errors are skewed) of how far the error lies above their median, scored with
 * {@link thresholdScore} (0.5 at `threshold`). Score 0 until the network has trained at least one
 * round and `warmup` errors are known.
 *
 * TensorFlow.js loads lazily ({@link loadAutoencoderModel}): a detector built before it has loaded
 * keeps the records it learns and hands them to its network once built. Training rounds run in
 * the background: `whenIdle()` resolves once none is pending (tests, before a final snapshot).
 *
 * @example
 * await loadAutoencoderModel();
 * const d = new AutoencoderDetector({ everyMs: 0 });
 * for (const [i, x] of normalRows.entries()) d.learnOne(x, i);
 * await d.whenIdle();
 * d.scoreOne(brokenRow, ts) > d.scoreOne(normalRow, ts); // true
 */
export class AutoencoderDetector extends EstimatorBase<AutoencoderParams> implements AnomalyDetector {
  readonly kind = 'autoencoder';
  protected readonly version = 1;
  private model: DenseAutoencoder | undefined;
  private waiting: { restored: EstimatorSnapshot | null; rows: Features[] } = { restored: null, rows: [] };
  private readonly ready: Promise<void>;
  private errors: SortedWindow;
  private learned = 0;
  private disposed = false;

  constructor(params: Partial<AutoencoderParams> = {}) {
    super({ ...DEFAULTS, ...params });
    checkInteger(this.kind, 'window', this.params.window, 2);
    checkNumber(this.kind, 'threshold', this.params.threshold, 0);
    checkInteger(this.kind, 'warmup', this.params.warmup, 2);
    this.errors = new SortedWindow(this.params.window);
    const module = loadedAutoencoderModel();
    if (module) {
      this.model = buildAutoencoder(module, this.params);
      this.ready = Promise.resolve();
    } else {
      this.ready = loadAutoencoderModel().then(() => this.attach());
    }
  }

  scoreOne(x: Features, _ts?: number): number {
    const error = this.errorOf(x);
    if (error === undefined || this.learned < this.params.warmup) return 0;
    return thresholdScore(this.statistic(error).z, this.params.threshold);
  }

  explainOne(x: Features, _ts?: number): AnomalyExplanation {
    if (!this.model) return { score: 0, reason: 'warming up (TensorFlow.js is loading)' };
    const error = this.errorOf(x);
    if (error === undefined) return { score: 0, reason: 'warming up (the network has not trained yet)' };
    if (this.learned < this.params.warmup) {
      return warmingUp(this.learned, this.params.warmup, 'reconstruction errors');
    }
    const { z, median } = this.statistic(error);
    return {
      score: thresholdScore(z, this.params.threshold),
      reason: `reconstruction error ${formatNumber(error)} is ${formatNumber(error / median)}× its median ${formatNumber(median)} (${formatNumber(z)} robust std on a log scale, last ${this.errors.length} records)`,
    };
  }

  learnOne(x: Features, _ts?: number): void {
    if (Object.keys(x).length === 0) return;
    if (!this.model) {
      this.waiting.rows.push({ ...x });
      if (this.waiting.rows.length > MAX_WAITING_ROWS) this.waiting.rows.shift();
      return;
    }
    const error = this.errorOf(x);
    if (error !== undefined) {
      this.errors.push(Math.log(error));
      this.learned += 1;
    }
    this.model.learnOne(x);
  }

  /** Resolves once TensorFlow.js has loaded and no training round is scheduled or running. */
  async whenIdle(): Promise<void> {
    await this.ready;
    await this.model?.whenIdle();
  }

  /** Schedules a training round now for the records not yet trained on. */
  flush(): void {
    this.model?.flush();
  }

  /** Stops training and frees the network's tensors; the detector is unusable afterwards. */
  async dispose(): Promise<void> {
    this.disposed = true;
    await this.ready;
    await this.model?.dispose();
  }

  protected saveState(): AutoencoderState {
    return {
      model: this.model ? this.model.snapshot() : this.waiting.restored,
      rows: this.waiting.rows.map((x) => ({ ...x })),
      errors: this.errors.values(),
      learned: this.learned,
    };
  }

  protected loadState(state: unknown): void {
    const s = JSON.parse(JSON.stringify(state)) as AutoencoderState;
    this.errors = SortedWindow.from(this.params.window, s.errors);
    this.learned = s.learned;
    this.waiting = { restored: s.model, rows: s.rows };
    if (this.model) {
      const module = loadedAutoencoderModel()!;
      if (!s.model) {
        void this.model.dispose();
        this.model = buildAutoencoder(module, this.params);
      }
      this.attach();
    }
  }

  /** Builds the network (if need be) and hands it the restored state and the waiting records. */
  private attach(): void {
    if (this.disposed) return;
    this.model ??= buildAutoencoder(loadedAutoencoderModel()!, this.params);
    const { restored, rows } = this.waiting;
    this.waiting = { restored: null, rows: [] };
    if (restored) this.model.restore(restored);
    for (const x of rows) this.model.learnOne(x);
  }

  /** The network's reconstruction error of `x`; undefined before it trained or when `x` has no known feature. */
  private errorOf(x: Features): number | undefined {
    const error = this.model?.scoreOne(x);
    return error !== undefined && error > 0 && Number.isFinite(error) ? error : undefined;
  }

  /** Robust z of log(error) above the median of the recent log errors. */
  private statistic(error: number): { z: number; median: number } {
    const centre = this.errors.median();
    const mad = this.errors.medianAbsoluteDeviation(centre);
    const scale = mad > 0 ? mad * MAD_TO_STD : this.errors.meanAbsoluteDeviation(centre) * MEAN_AD_TO_STD;
    return { z: zDistance(Math.max(0, Math.log(error) - centre), scale), median: Math.exp(centre) };
  }
}

export const autoencoderSpec: DetectorSpec = {
  name: 'autoencoder',
  description:
    'Reconstruction error of a dense autoencoder (TensorFlow.js) over all metrics of a record, as a robust z against its own recent errors.',
  input: 'multivariate',
  detects: ['correlation', 'spike'],
  params: {
    window: {
      type: 'integer',
      default: DEFAULTS.window,
      min: 2,
      description: 'Reconstruction errors the median covers.',
    },
    threshold: {
      type: 'number',
      default: DEFAULTS.threshold,
      min: Number.MIN_VALUE,
      description: 'The robust z of the log reconstruction error scoring 0.5.',
    },
    warmup: {
      type: 'integer',
      default: DEFAULTS.warmup,
      min: 2,
      description: 'Errors of the trained network learned before scoring (score 0 until then).',
    },
    hiddenUnits: {
      type: 'integer',
      default: DEFAULTS.hiddenUnits,
      min: 1,
      max: 1024,
      description: 'Units of the outer hidden layers.',
    },
    codeUnits: {
      type: 'integer',
      default: DEFAULTS.codeUnits,
      min: 1,
      max: 256,
      description: 'Units of the bottleneck.',
    },
    maxFeatures: {
      type: 'integer',
      default: DEFAULTS.maxFeatures,
      min: 1,
      max: 4096,
      description: 'Metrics the network takes (the first seen).',
    },
    learningRate: {
      type: 'number',
      default: DEFAULTS.learningRate,
      min: 1e-6,
      max: 1,
      description: 'Adam learning rate.',
    },
    everySamples: {
      type: 'integer',
      default: DEFAULTS.everySamples,
      min: 1,
      description: 'A training round every this many records...',
    },
    everyMs: {
      type: 'number',
      default: DEFAULTS.everyMs,
      min: 0,
      description: '...or this long after an untrained record (0: off).',
    },
    seed: {
      type: 'integer',
      default: DEFAULTS.seed,
      description: 'Seed of the initial weights and of the replay sampling.',
    },
  },
  create: (p) => new AutoencoderDetector(p as AutoencoderParams),
};
