import type { ModelSpec } from '../../ml/core/model-spec.ts';
import { GLOBAL_MODEL_NAMES } from '../../ml/models/global/registry.ts';
import { MODEL_SPECS } from '../../ml/models/registry.ts';
import type { ModelFile } from './job-file-schema.ts';
import { JOB_DEFAULTS, type ModelScope, type ModelStepSpec, type SourceSpec } from './job-spec.ts';
import { describe, type PathProblem, similarWords } from './schema-problems.ts';
import { specParams } from './spec-params.ts';

/** A duration of the file in ms, its problems added to the list (see `toJobSpec`). */
export type DurationReader = (text: string, path: (string | number)[], rule: 'positive') => number;

/**
 * The job file's `models`, checked against the model registry and filled with
 * `JOB_DEFAULTS.models`: the model named exists and is not a transformer (those go in front of a
 * model with `scale`), its parameters fit its spec, and every key makes sense for its kind —
 * forecasters learn each series (`per: series`, a `coverage`, no target); regressors and
 * classifiers learn a `target` from rows, clusterers rows without one (`per: device` or `global`,
 * `features`, `timeFeatures`, `scale`). Metrics the source leaves out, and a target or feature
 * outside the model's `metrics`, are refused: the model would never see them. Problems are added
 * to `problems`, each with its path.
 *
 * @example
 * modelStepSpecs([{ name: 'forecast', model: 'holt-winters', params: { alpha: 0.2 } }], source, ms, problems);
 * // [{ name: 'forecast', estimator: 'holt-winters', params: { alpha: 0.2 }, per: 'series',
 * //    timeFeatures: false, scale: true, coverage: 0.95, versionEveryMs: 60000, metricsEveryMs: 60000,
 * //    rollingWindow: 1000 }]
 */
export function modelStepSpecs(
  models: readonly ModelFile[],
  source: SourceSpec,
  ms: DurationReader,
  problems: PathProblem[],
  specs: readonly ModelSpec[] = MODEL_SPECS,
): ModelStepSpec[] {
  const names = new Map<string, number>();
  return models.map((model, i) => {
    const at = (...keys: (string | number)[]): (string | number)[] => ['models', i, ...keys];
    const problem = (path: (string | number)[], message: string) => problems.push({ path, message });

    const earlier = names.get(model.name);
    if (earlier === undefined) names.set(model.name, i);
    else
      problem(at('name'), `"${model.name}" is the name of models[${earlier}] too: give each model its own`);

    const spec = modelSpecOf(model.model, specs, at('model'), problems);
    const params = spec === undefined ? {} : specParams(spec, model.params ?? {}, at('params'), problems);
    const forecaster = spec?.type === 'forecaster';
    if (spec !== undefined) checkKind(model, spec.type, at, problems);
    if (spec !== undefined && model.per === 'global' && !GLOBAL_MODEL_NAMES.includes(spec.name)) {
      problems.push({
        path: at('per'),
        message: `${spec.name} cannot learn globally (models that can: ${GLOBAL_MODEL_NAMES.filter((n) => n !== 'standard-scaler').join(', ')}): use per: device`,
      });
    }
    checkMetrics(model, source, at, problems);

    const defaults = JOB_DEFAULTS.models;
    const coverage = model.coverage ?? defaults.coverage;
    if (!(coverage > 0 && coverage < 1))
      problem(at('coverage'), `expected a number between 0 and 1 such as 0.95, got ${coverage}`);
    const rollingWindow = model.rollingWindow ?? defaults.rollingWindow;
    if (rollingWindow < 1)
      problem(at('rollingWindow'), `expected a whole number of predictions, 1 or more, got ${rollingWindow}`);
    const per: ModelScope = model.per ?? (forecaster ? defaults.per.forecaster : defaults.per.other);
    return {
      name: model.name,
      estimator: model.model,
      params,
      per,
      ...(model.metrics === undefined ? {} : { metrics: model.metrics }),
      ...(model.target === undefined ? {} : { target: model.target }),
      ...(model.features === undefined ? {} : { features: model.features }),
      timeFeatures: model.timeFeatures ?? defaults.timeFeatures,
      scale: model.scale ?? defaults.scale,
      coverage,
      versionEveryMs:
        model.versionEvery === undefined
          ? defaults.versionEveryMs
          : ms(model.versionEvery, at('versionEvery'), 'positive'),
      metricsEveryMs:
        model.metricsEvery === undefined
          ? defaults.metricsEveryMs
          : ms(model.metricsEvery, at('metricsEvery'), 'positive'),
      rollingWindow,
    };
  });
}

/** The registry's spec of `name`; unknown names and transformers are problems. */
function modelSpecOf(
  name: string,
  specs: readonly ModelSpec[],
  path: (string | number)[],
  problems: PathProblem[],
): ModelSpec | undefined {
  const trainable = specs.filter((s) => s.type !== 'transformer').map((s) => s.name);
  const spec = specs.find((s) => s.name === name);
  if (spec === undefined) {
    const close = similarWords(name, trainable);
    const hint = close.length > 0 ? `did you mean ${close.join(' or ')}? ` : '';
    problems.push({ path, message: `unknown model "${name}" (${hint}models: ${trainable.join(', ')})` });
    return undefined;
  }
  if (spec.type === 'transformer') {
    problems.push({
      path,
      message: `"${name}" is a transformer, not a model to train: a scaler goes in front of a model with scale: true`,
    });
    return undefined;
  }
  return spec;
}

/** Keys that only forecasters, or only models of rows, take; `per` and `target` by kind. */
function checkKind(
  model: ModelFile,
  type: ModelSpec['type'],
  at: (...keys: (string | number)[]) => (string | number)[],
  problems: PathProblem[],
): void {
  const problem = (path: (string | number)[], message: string) => problems.push({ path, message });
  const an = type === 'forecaster' ? 'a forecaster' : `a ${type}`;
  if (type === 'forecaster') {
    if (model.per !== undefined && model.per !== 'series')
      problem(at('per'), `a forecaster learns each series on its own: per must be series, got ${model.per}`);
    if (model.target !== undefined)
      problem(
        at('target'),
        "a forecaster predicts each series' next values from its past: it takes no target",
      );
    for (const key of ['features', 'timeFeatures', 'scale'] as const) {
      if (model[key] !== undefined)
        problem(
          at(key),
          'is for models of rows (regressors, classifiers, clusterers): a forecaster takes none',
        );
    }
    return;
  }
  if (model.per === 'series')
    problem(
      at('per'),
      `${an} learns from rows (a device's readings of one time): per device or global, not series`,
    );
  if (model.coverage !== undefined)
    problem(at('coverage'), `is the prediction interval of a forecaster: ${an} takes none`);
  if (type === 'clusterer') {
    if (model.target !== undefined)
      problem(at('target'), 'a clusterer learns without a target: leave it out');
  } else if (model.target === undefined) {
    problem(at('target'), `missing (${an} needs the metric it predicts, e.g. target: temperature)`);
  }
  model.features?.forEach((feature, j) => {
    if (feature === model.target)
      problem(at('features', j), `"${feature}" is the target: it cannot also be a feature`);
  });
}

/** Target and features within the model's metrics, and every metric named one the source keeps. */
function checkMetrics(
  model: ModelFile,
  source: SourceSpec,
  at: (...keys: (string | number)[]) => (string | number)[],
  problems: PathProblem[],
): void {
  const named: [string, (string | number)[]][] = [
    ...(model.metrics ?? []).map((m, j): [string, (string | number)[]] => [m, at('metrics', j)]),
    ...(model.target === undefined ? [] : [[model.target, at('target')] as [string, (string | number)[]]]),
    ...(model.features ?? []).map((m, j): [string, (string | number)[]] => [m, at('features', j)]),
  ];
  for (const [metric, path] of named) {
    const fromMetrics = path.at(-2) === 'metrics';
    if (!fromMetrics && model.metrics !== undefined && !model.metrics.includes(metric)) {
      problems.push({
        path,
        message: `${describe(metric)} is not one of the model's metrics (${model.metrics.join(', ')}): the model would never see it`,
      });
    } else if (source.include !== undefined && !source.include.includes(metric)) {
      problems.push({
        path,
        message: `${describe(metric)} is not a metric of the source (source.metrics.include: ${source.include.join(', ')})`,
      });
    } else if (source.exclude?.includes(metric)) {
      problems.push({ path, message: `${describe(metric)} is left out by source.metrics.exclude` });
    } else if (metric === source.timeField) {
      problems.push({ path, message: `${describe(metric)} is the time field, not a metric` });
    }
  }
}
