import { describe, expect, it } from 'vitest';
import { JOB_DEFAULTS } from '../../../services/config/job-spec.ts';
import { parseJobFile } from '../../../services/config/parse-job-file.ts';
import { jobFileProblems as problems } from './support/job-file-problems.ts';

/** A job file: a window, then `models:` followed by `models` (lines as written under it). */
const job = (...models: string[]) =>
  ['name: demo', 'windows: [{ type: tumbling, size: 10s }]', 'models:', ...models, ''].join('\n');

const defaults = {
  timeFeatures: JOB_DEFAULTS.models.timeFeatures,
  scale: JOB_DEFAULTS.models.scale,
  coverage: JOB_DEFAULTS.models.coverage,
  versionEveryMs: JOB_DEFAULTS.models.versionEveryMs,
  metricsEveryMs: JOB_DEFAULTS.models.metricsEveryMs,
  rollingWindow: JOB_DEFAULTS.models.rollingWindow,
};

describe('parseJobFile: models', () => {
  it('a job without models has none', () => {
    expect(parseJobFile('name: demo\nwindows: [{ type: tumbling, size: 10s }]\n', 'job.yaml').models).toEqual(
      [],
    );
  });

  it('fills the defaults: a forecaster per series, a model of rows per device', () => {
    const spec = parseJobFile(
      job(
        '  - { name: forecast, model: holt-winters }',
        '  - { name: fit, model: linear-regression, target: temperature }',
        '  - { name: groups, model: online-kmeans }',
      ),
      'job.yaml',
    );
    expect(spec.models).toEqual([
      { name: 'forecast', estimator: 'holt-winters', params: {}, per: 'series', ...defaults },
      {
        name: 'fit',
        estimator: 'linear-regression',
        params: {},
        per: 'device',
        target: 'temperature',
        ...defaults,
      },
      { name: 'groups', estimator: 'online-kmeans', params: {}, per: 'device', ...defaults },
    ]);
  });

  it('reads every key, parameters typed as the model declares them', () => {
    const spec = parseJobFile(
      job(
        '  - name: temperature-forecast',
        '    model: lag-regression-forecaster',
        '    params: { stepMs: 10000, lags: 6, dayOfWeek: true, forgetting: 0.99 }',
        '    per: series',
        '    metrics: [temperature, humidity]',
        '    coverage: 0.8',
        '    versionEvery: 30s',
        '    metricsEvery: 10s',
        '    rollingWindow: 200',
        '  - name: boiler.fit',
        '    model: linear-regression',
        '    params: { optimizer: adam, learningRate: 0.05, intercept: false }',
        '    per: global',
        '    metrics: [temperature, pressure, humidity]',
        '    target: temperature',
        '    features: [pressure]',
        '    timeFeatures: true',
        '    scale: false',
      ),
      'job.yaml',
    );
    expect(spec.models).toEqual([
      {
        name: 'temperature-forecast',
        estimator: 'lag-regression-forecaster',
        params: { stepMs: 10_000, lags: 6, dayOfWeek: true, forgetting: 0.99 },
        per: 'series',
        metrics: ['temperature', 'humidity'],
        timeFeatures: false,
        scale: true,
        coverage: 0.8,
        versionEveryMs: 30_000,
        metricsEveryMs: 10_000,
        rollingWindow: 200,
      },
      {
        name: 'boiler.fit',
        estimator: 'linear-regression',
        params: { optimizer: 'adam', learningRate: 0.05, intercept: false },
        per: 'global',
        metrics: ['temperature', 'pressure', 'humidity'],
        target: 'temperature',
        features: ['pressure'],
        timeFeatures: true,
        scale: false,
        coverage: JOB_DEFAULTS.models.coverage,
        versionEveryMs: JOB_DEFAULTS.models.versionEveryMs,
        metricsEveryMs: JOB_DEFAULTS.models.metricsEveryMs,
        rollingWindow: JOB_DEFAULTS.models.rollingWindow,
      },
    ]);
  });

  it('the shape of each entry: names, keys, types (every problem at once, in file order)', () => {
    expect(
      problems(
        job(
          '  - name: bad name',
          '    model: holt-winters',
          '    params: [alpha]',
          '    per: fleet',
          '  - model: ""',
          '    metrics: []',
        ),
      ),
    ).toEqual([
      `job.yaml:4:5: models[0].name: expected a name of letters, digits, '_', '.' or '-' such as temperature-forecast, got "bad name"`,
      "job.yaml:6:5: models[0].params: expected a map of the model's parameters such as { alpha: 0.1 }, got a list",
      'job.yaml:7:5: models[0].per: expected one of series, device, global, got "fleet"',
      "job.yaml:8:5: models[1].name: missing (expected a name of letters, digits, '_', '.' or '-' such as temperature-forecast)",
      'job.yaml:8:5: models[1].model: expected a model name such as holt-winters, got an empty string',
      'job.yaml:9:5: models[1].metrics: expected at least one item, got an empty list',
    ]);
    expect(
      problems(
        job(
          '  - name: forecast',
          '    model: holt-winters',
          '    target: 3',
          '    scales: true',
          '    coverage: high',
          '    rollingWindow: 1.5',
          '    versionEvery: 1 minute',
        ),
      ),
    ).toEqual([
      'job.yaml:6:5: models[0].target: expected a metric name such as temperature, got 3',
      'job.yaml:7:5: models[0].scales: unknown key (did you mean scale? keys: name, model, params, per, metrics, target, features, timeFeatures, scale, coverage, versionEvery, metricsEvery, rollingWindow)',
      'job.yaml:8:5: models[0].coverage: expected a number between 0 and 1 such as 0.95, got "high"',
      'job.yaml:9:5: models[0].rollingWindow: expected a whole number such as 1000, got 1.5',
      'job.yaml:10:5: models[0].versionEvery: expected a duration such as 10s, got "1 minute"',
    ]);
  });

  it('models the registry does not have, transformers, and names used twice', () => {
    expect(
      problems(
        job(
          '  - { name: forecast, model: holt-winter }',
          '  - { name: forecast, model: standard-scaler }',
          '  - { name: tree, model: hoeffding-tree, target: state }',
        ),
      ),
    ).toEqual([
      'job.yaml:4:23: models[0].model: unknown model "holt-winter" (did you mean holt-winters? models: gaussian-naive-bayes, gru-forecaster, hoeffding-tree, holt-winters, lag-regression-forecaster, linear-regression, logistic-regression, mlp-regressor, online-kmeans, passive-aggressive-classifier, passive-aggressive-regressor)',
      'job.yaml:5:7: models[1].name: "forecast" is the name of models[0] too: give each model its own',
      'job.yaml:5:23: models[1].model: "standard-scaler" is a transformer, not a model to train: a scaler goes in front of a model with scale: true',
    ]);
  });

  it("parameters checked against the model's spec: names, types, bounds, choices", () => {
    expect(
      problems(
        job(
          '  - name: forecast',
          '    model: holt-winters',
          '    params:',
          '      stepms: 1000',
          '      alpha: 1.5',
          '      beta: "0.1"',
          '      initSeasons: 2.5',
          '  - name: fit',
          '    model: linear-regression',
          '    target: temperature',
          '    params: { optimizer: newton, intercept: 1, colour: red }',
        ),
      ),
    ).toEqual([
      'job.yaml:7:7: models[0].params.stepms: unknown parameter of holt-winters (did you mean stepMs? parameters: stepMs, seasonMs, alpha, beta, gamma, initSeasons)',
      'job.yaml:8:7: models[0].params.alpha: expected a finite number from 0 to 1, got 1.5 (level smoothing)',
      'job.yaml:9:7: models[0].params.beta: expected a number, got "0.1" (trend smoothing)',
      'job.yaml:10:7: models[0].params.initSeasons: expected an integer from 1 to 14, got 2.5 (seasons collected before forecasting (2+ estimate a trend))',
      'job.yaml:14:15: models[1].params.optimizer: expected one of sgd, adagrad, adam, got "newton" (Step rule)',
      'job.yaml:14:34: models[1].params.intercept: expected true or false, got 1 (Learn an intercept)',
      'job.yaml:14:48: models[1].params.colour: unknown parameter of linear-regression (parameters: optimizer, learningRate, l2, intercept)',
    ]);
  });

  it('keys that do not fit the kind of model', () => {
    expect(
      problems(
        job(
          '  - name: forecast',
          '    model: holt-winters',
          '    per: device',
          '    target: temperature',
          '    features: [humidity]',
          '    timeFeatures: true',
          '    scale: false',
          '  - name: fit',
          '    model: passive-aggressive-regressor',
          '    per: series',
          '    coverage: 0.9',
          '  - name: groups',
          '    model: online-kmeans',
          '    target: power',
          '  - name: class',
          '    model: logistic-regression',
          '    target: state',
          '    features: [power, state]',
        ),
      ),
    ).toEqual([
      'job.yaml:6:5: models[0].per: a forecaster learns each series on its own: per must be series, got device',
      "job.yaml:7:5: models[0].target: a forecaster predicts each series' next values from its past: it takes no target",
      'job.yaml:8:5: models[0].features: is for models of rows (regressors, classifiers, clusterers): a forecaster takes none',
      'job.yaml:9:5: models[0].timeFeatures: is for models of rows (regressors, classifiers, clusterers): a forecaster takes none',
      'job.yaml:10:5: models[0].scale: is for models of rows (regressors, classifiers, clusterers): a forecaster takes none',
      'job.yaml:11:5: models[1].target: missing (a regressor needs the metric it predicts, e.g. target: temperature)',
      "job.yaml:13:5: models[1].per: a regressor learns from rows (a device's readings of one time): per device or global, not series",
      'job.yaml:14:5: models[1].coverage: is the prediction interval of a forecaster: a regressor takes none',
      'job.yaml:17:5: models[2].target: a clusterer learns without a target: leave it out',
      'job.yaml:21:23: models[3].features[1]: "state" is the target: it cannot also be a feature',
    ]);
  });

  it('per: global only for models whose partial updates merge', () => {
    expect(
      problems(
        job(
          '  - name: fleet',
          '    model: passive-aggressive-regressor',
          '    per: global',
          '    target: power',
        ),
      ),
    ).toEqual([
      'job.yaml:6:5: models[0].per: passive-aggressive-regressor cannot learn globally (models that can: gaussian-naive-bayes, online-kmeans, logistic-regression, linear-regression): use per: device',
    ]);
    const spec = parseJobFile(
      job('  - name: fleet', '    model: linear-regression', '    per: global', '    target: power'),
      'job.yaml',
    );
    expect(spec.models[0]).toMatchObject({ name: 'fleet', estimator: 'linear-regression', per: 'global' });
  });

  it('metrics the model would never see, and values only the meaning can refuse', () => {
    expect(
      problems(
        [
          'name: demo',
          'source:',
          '  metrics: { include: [temperature, humidity, power] }',
          'windows: [{ type: tumbling, size: 10s }]',
          'models:',
          '  - { name: f, model: holt-winters, metrics: [temperature, pressure], coverage: 1, rollingWindow: 0 }',
          '  - { name: fit, model: linear-regression, metrics: [temperature, power], target: humidity, features: [power], metricsEvery: 0s }',
          '',
        ].join('\n'),
      ),
    ).toEqual([
      'job.yaml:6:60: models[0].metrics[1]: "pressure" is not a metric of the source (source.metrics.include: temperature, humidity, power)',
      'job.yaml:6:71: models[0].coverage: expected a number between 0 and 1 such as 0.95, got 1',
      'job.yaml:6:84: models[0].rollingWindow: expected a whole number of predictions, 1 or more, got 0',
      'job.yaml:7:75: models[1].target: "humidity" is not one of the model\'s metrics (temperature, power): the model would never see it',
      'job.yaml:7:112: models[1].metricsEvery: expected a positive duration such as 10s, got "0s"',
    ]);
    expect(
      problems(
        [
          'name: demo',
          'source: { metrics: { exclude: [rssi] } }',
          'windows: [{ type: tumbling, size: 10s }]',
          'models: [{ name: f, model: holt-winters, metrics: [rssi, ts] }]',
          '',
        ].join('\n'),
      ),
    ).toEqual([
      'job.yaml:4:52: models[0].metrics[0]: "rssi" is left out by source.metrics.exclude',
      'job.yaml:4:58: models[0].metrics[1]: "ts" is the time field, not a metric',
    ]);
  });
});
