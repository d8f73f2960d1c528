import type {
  Classifier,
  Clusterer,
  EstimatorSnapshot,
  OnlineEstimator,
  Regressor,
  Transformer,
} from './estimator.ts';
import type { ClassLabel, Features } from './features.ts';
import type { ModelSpec, ParamSpec } from './model-spec.ts';
import { checkSnapshot } from './snapshot-check.ts';

/** A model over features: what a transformer can sit in front of. */
type FeatureModel = Regressor | Classifier | Clusterer | Transformer;

/** The union of the feature models' methods, as the pipeline forwards them. */
interface AnyFeatureModel extends OnlineEstimator {
  learnOne(x: Features, y?: number | ClassLabel): void;
  predictOne?(x: Features): unknown;
  predictProbaOne?(x: Features): ReadonlyMap<ClassLabel, number>;
  transformOne?(x: Features): Features;
}

/**
 * A transformer in front of a model (River's `scaler | model`), itself an estimator of the
 * model's type. Learning follows River: the transformer learns `x` first, then the model learns
 * the transformed `x` (so the first example is scaled with statistics that include it);
 * predicting transforms with the current statistics, without learning. Snapshots hold both
 * steps' snapshots; the kind is `transformer|model` and the params both steps' params prefixed
 * with their kind (`standard-scaler.withMean`).
 *
 * @example
 * const m = pipeline(new StandardScaler(), new LinearRegression());
 * m.learnOne({ t: 21.5 }, 3);
 * m.predictOne({ t: 22 });
 */
export function pipeline(transformer: Transformer, model: Classifier): Classifier & Pipeline;
export function pipeline(transformer: Transformer, model: Regressor): Regressor & Pipeline;
export function pipeline(transformer: Transformer, model: Clusterer): Clusterer & Pipeline;
export function pipeline(transformer: Transformer, model: Transformer): Transformer & Pipeline;
export function pipeline(transformer: Transformer, model: FeatureModel): FeatureModel & Pipeline {
  return new Pipeline(transformer, model as AnyFeatureModel) as unknown as FeatureModel & Pipeline;
}

/** See {@link pipeline}: build one through it, which gives the model's type. */
export class Pipeline implements OnlineEstimator {
  readonly kind: string;
  readonly params: Readonly<Record<string, unknown>>;
  private static readonly version = 1;

  constructor(
    readonly transformer: Transformer,
    private readonly model: AnyFeatureModel,
  ) {
    this.kind = `${transformer.kind}|${model.kind}`;
    if (transformer.kind === model.kind) throw new Error(`pipeline: two steps of kind ${model.kind}`);
    this.params = { ...prefixed(transformer), ...prefixed(model) };
  }

  /** The last step. */
  get final(): OnlineEstimator {
    return this.model;
  }

  learnOne(x: Features, y?: number | ClassLabel): void {
    this.transformer.learnOne(x);
    this.model.learnOne(this.transformer.transformOne(x), y);
  }

  predictOne(x: Features): unknown {
    return this.model.predictOne!(this.transformer.transformOne(x));
  }

  predictProbaOne(x: Features): ReadonlyMap<ClassLabel, number> {
    return this.model.predictProbaOne!(this.transformer.transformOne(x));
  }

  transformOne(x: Features): Features {
    return this.model.transformOne!(this.transformer.transformOne(x));
  }

  snapshot(): EstimatorSnapshot {
    return {
      kind: this.kind,
      version: Pipeline.version,
      params: JSON.parse(JSON.stringify(this.params)),
      state: { transformer: this.transformer.snapshot(), model: this.model.snapshot() },
    };
  }

  restore(snapshot: EstimatorSnapshot): void {
    checkSnapshot(this, snapshot, Pipeline.version);
    const state = snapshot.state as { transformer: EstimatorSnapshot; model: EstimatorSnapshot };
    this.transformer.restore(state.transformer);
    this.model.restore(state.model);
  }

  clone(): this {
    return new Pipeline(this.transformer.clone(), this.model.clone()) as this;
  }
}

/** `{ "kind.key": value }` for each of the estimator's hyperparameters. */
function prefixed(estimator: OnlineEstimator): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(estimator.params).map(([key, v]) => [`${estimator.kind}.${key}`, v]),
  );
}

/**
 * A spec for `transformer | model`, of the model's type: its params are both specs' params,
 * prefixed with the spec's name and a dot (`standard-scaler.withMean`, `linear-regression.l2`), as
 * the pipeline's own params are (so each spec's name must be its models' kind).
 */
export function pipelineSpec(
  transformerSpec: ModelSpec & { type: 'transformer' },
  modelSpec: ModelSpec,
): ModelSpec {
  if (modelSpec.type === 'forecaster') throw new Error(`${modelSpec.name}: a forecaster takes no features`);
  const prefixedSpecs = (spec: ModelSpec): [string, ParamSpec][] =>
    Object.entries(spec.params).map(([key, p]) => [`${spec.name}.${key}`, p]);
  const pick = (spec: ModelSpec, all: Readonly<Record<string, number | boolean | string>>) =>
    Object.fromEntries(Object.keys(spec.params).map((key) => [key, all[`${spec.name}.${key}`]!]));
  return {
    ...modelSpec,
    name: `${transformerSpec.name}|${modelSpec.name}`,
    description: `${transformerSpec.name}, then ${modelSpec.description}`,
    params: Object.fromEntries([...prefixedSpecs(transformerSpec), ...prefixedSpecs(modelSpec)]),
    create: (all: Readonly<Record<string, number | boolean | string>>) =>
      new Pipeline(
        transformerSpec.create(pick(transformerSpec, all)),
        modelSpec.create(pick(modelSpec, all)) as AnyFeatureModel,
      ),
  } as ModelSpec;
}
