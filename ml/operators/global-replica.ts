import type { EstimatorSnapshot, OnlineEstimator } from '../core/estimator.ts';
import type { Features } from '../core/features.ts';
import type { ModelSpec } from '../core/model-spec.ts';
import type { BroadcastModel } from './model-broadcast.ts';
import type { ModelParamValue, Prediction } from './model-handle.ts';

/** A replica's prediction for one record, and for classifiers the probability of each class. */
export interface ReplicaPrediction {
  readonly prediction: Prediction;
  readonly proba?: Readonly<Record<string, number>>;
}

type Predict = (x: Features) => ReplicaPrediction;

/**
 * Refuses a model that makes no per-record predictions (transformers, forecasters) for a step
 * that predicts, saying what to do instead.
 *
 * @example
 * checkPredicts(standardScalerSpec); // throws: standard-scaler is a transformer: ...
 */
export function checkPredicts(spec: ModelSpec): void {
  if (spec.type === 'regressor' || spec.type === 'classifier' || spec.type === 'clusterer') return;
  throw new Error(
    `${spec.name} is a ${spec.type}: it makes no per-record predictions; learn it with learnGlobal (its model versions carry what it learned)`,
  );
}

/**
 * A subtask's copy of a global model at one version (0: the fresh model, before the first merge):
 * it predicts, and global learning computes partial updates against it; it changes only when a
 * newer version arrives from the merger.
 *
 * @example
 * const replica = new GlobalReplica(onlineKMeansSpec, params);
 * replica.accept({ version: 1, snapshot }); // true
 * replica.predict({ a: 0.1 }); // { prediction: 1 }
 */
export class GlobalReplica {
  readonly model: OnlineEstimator;
  private readonly predictor: Predict | undefined;
  private current = 0;

  constructor(spec: ModelSpec, params: Readonly<Record<string, ModelParamValue>>) {
    switch (spec.type) {
      case 'regressor': {
        const model = spec.create(params);
        this.model = model;
        this.predictor = (x) => ({ prediction: model.predictOne(x) });
        break;
      }
      case 'classifier': {
        const model = spec.create(params);
        this.model = model;
        this.predictor = (x) => {
          const proba: Record<string, number> = {};
          for (const [label, p] of model.predictProbaOne(x)) proba[String(label)] = p;
          return { prediction: model.predictOne(x), proba };
        };
        break;
      }
      case 'clusterer': {
        const model = spec.create(params);
        this.model = model;
        this.predictor = (x) => ({ prediction: model.predictOne(x) });
        break;
      }
      default:
        this.model = spec.create(params);
        this.predictor = undefined;
    }
  }

  /** The version held (0 before the first). */
  get version(): number {
    return this.current;
  }

  predict(x: Features): ReplicaPrediction {
    if (this.predictor === undefined) throw new Error(`${this.model.kind} makes no per-record predictions`);
    return this.predictor(x);
  }

  /** Takes `model` when it is newer than the version held; says whether it did. */
  accept(model: BroadcastModel): boolean {
    if (model.version <= this.current) return false;
    this.model.restore(model.snapshot);
    this.current = model.version;
    return true;
  }

  /** The version and model as plain data. */
  save(): { version: number; snapshot: EstimatorSnapshot } {
    return { version: this.current, snapshot: this.model.snapshot() };
  }
}
