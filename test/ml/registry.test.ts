import { describe, expect, it } from 'vitest';
import type { ModelSpec } from '../../ml/core/model-spec.ts';
import { LinearRegression, linearRegressionSpec } from '../../ml/models/linear-regression.ts';
import { LogisticRegression } from '../../ml/models/logistic-regression.ts';
import { minMaxScalerSpec } from '../../ml/models/min-max-scaler.ts';
import {
  createModel,
  describeParams,
  findModelSpec,
  MODEL_SPECS,
  ModelRegistryError,
  parseModelParams,
} from '../../ml/models/registry.ts';

/** A spec with one parameter of each kind, to test parsing without depending on a real model's. */
const probeSpec: ModelSpec = {
  name: 'probe',
  type: 'regressor',
  description: 'test double',
  params: {
    rate: { type: 'number', default: 0.5, min: 0, max: 1, description: 'a share' },
    scale: { type: 'number', default: 2, description: 'any number' },
    count: { type: 'integer', default: 3, min: 1, description: 'how many' },
    on: { type: 'boolean', default: true, description: 'a switch' },
    mode: { type: 'string', default: 'a', choices: ['a', 'b'], description: 'a choice' },
    label: { type: 'string', default: '', description: 'free text' },
  },
  create: () => new LinearRegression(),
};

function errorOf(run: () => unknown): ModelRegistryError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ModelRegistryError);
    return error as ModelRegistryError;
  }
  throw new Error('expected an error');
}

describe('MODEL_SPECS', () => {
  it('is sorted by name, without duplicates', () => {
    const names = MODEL_SPECS.map((s) => s.name);
    expect(names).toEqual([...names].sort());
    expect(new Set(names).size).toBe(names.length);
  });

  it('holds models of every type', () => {
    const types = new Set(MODEL_SPECS.map((s) => s.type));
    expect([...types].sort()).toEqual(['classifier', 'clusterer', 'forecaster', 'regressor', 'transformer']);
  });

  it('has defaults that fit each parameter (parsing the defaults as text gives them back)', () => {
    for (const spec of MODEL_SPECS) {
      const raw = Object.fromEntries(Object.entries(spec.params).map(([k, p]) => [k, String(p.default)]));
      const defaults = Object.fromEntries(Object.entries(spec.params).map(([k, p]) => [k, p.default]));
      expect(parseModelParams(spec, raw), spec.name).toEqual(defaults);
    }
  });
});

describe('findModelSpec', () => {
  it('finds a spec by name', () => {
    expect(findModelSpec('linear-regression')).toBe(linearRegressionSpec);
  });

  it('refuses an unknown name, listing the known ones', () => {
    const error = errorOf(() => findModelSpec('linear-regresion'));
    expect(error.code).toBe('EDDY_UNKNOWN_MODEL');
    expect(error.message).toContain('unknown model "linear-regresion"');
    for (const spec of MODEL_SPECS) expect(error.message).toContain(spec.name);
  });
});

describe('parseModelParams', () => {
  it('fills every default when nothing is given', () => {
    expect(parseModelParams(probeSpec, {})).toEqual({
      rate: 0.5,
      scale: 2,
      count: 3,
      on: true,
      mode: 'a',
      label: '',
    });
  });

  it('parses each type, at its bounds', () => {
    expect(
      parseModelParams(probeSpec, {
        rate: '1',
        scale: '-1.5e3',
        count: '1',
        on: 'false',
        mode: 'b',
        label: 'x=y',
      }),
    ).toEqual({ rate: 1, scale: -1500, count: 1, on: false, mode: 'b', label: 'x=y' });
    expect(parseModelParams(probeSpec, { rate: '0', on: 'true' })).toMatchObject({ rate: 0, on: true });
  });

  it('refuses an unknown key, listing the parameters with their descriptions', () => {
    const error = errorOf(() => parseModelParams(linearRegressionSpec, { learning_rate: '0.1' }));
    expect(error.code).toBe('EDDY_UNKNOWN_MODEL_PARAM');
    expect(error.message).toContain('linear-regression has no parameter "learning_rate"');
    expect(error.message).toContain('learningRate (number >= 0, default 0.01): Step size.');
    expect(error.message).toContain('optimizer (one of sgd, adagrad, adam, default sgd): Step rule.');
  });

  it('says when a model takes no parameters', () => {
    const error = errorOf(() => parseModelParams(minMaxScalerSpec, { window: '3' }));
    expect(error.message).toBe(
      'min-max-scaler has no parameter "window"; min-max-scaler takes no parameters',
    );
  });

  it('does not take inherited object keys for parameters', () => {
    expect(errorOf(() => parseModelParams(probeSpec, { toString: '1' })).code).toBe(
      'EDDY_UNKNOWN_MODEL_PARAM',
    );
  });

  it.each([
    ['rate', 'abc', 'parameter rate: expected a finite number from 0 to 1, got "abc" (a share)'],
    ['rate', '', 'expected a finite number from 0 to 1, got ""'],
    ['rate', 'Infinity', 'expected a finite number from 0 to 1, got "Infinity"'],
    ['rate', '1.01', 'expected a finite number from 0 to 1, got "1.01"'],
    ['rate', '-0.1', 'expected a finite number from 0 to 1, got "-0.1"'],
    ['scale', 'NaN', 'expected a finite number, got "NaN"'],
    ['count', '2.5', 'expected an integer >= 1, got "2.5"'],
    ['count', '0', 'expected an integer >= 1, got "0"'],
    ['count', '1e20', 'expected an integer >= 1, got "1e20"'],
    ['on', 'yes', 'expected true or false, got "yes" (a switch)'],
    ['on', 'TRUE', 'expected true or false, got "TRUE"'],
    ['mode', 'c', 'expected one of a, b, got "c" (a choice)'],
  ])('refuses %s=%j with a message saying what it accepts', (key, value, message) => {
    const error = errorOf(() => parseModelParams(probeSpec, { [key]: value }));
    expect(error.code).toBe('EDDY_INVALID_MODEL_PARAM');
    expect(error.message).toContain(`probe: parameter ${key}: `);
    expect(error.message).toContain(message);
  });
});

describe('createModel', () => {
  it('builds a registered model from --param strings', () => {
    const model = createModel('logistic-regression', { alpha: '0.5', fitIntercept: 'false' });
    expect(model).toBeInstanceOf(LogisticRegression);
    expect(model.params).toMatchObject({ alpha: 0.5, fitIntercept: false });
  });

  it('builds one with its defaults', () => {
    expect(createModel('linear-regression').params).toEqual(parseModelParams(linearRegressionSpec, {}));
  });

  it('refuses an unknown model or parameter', () => {
    expect(errorOf(() => createModel('nope')).code).toBe('EDDY_UNKNOWN_MODEL');
    expect(errorOf(() => createModel('linear-regression', { nope: '1' })).code).toBe(
      'EDDY_UNKNOWN_MODEL_PARAM',
    );
    expect(errorOf(() => createModel('linear-regression', { l2: '-1' })).code).toBe(
      'EDDY_INVALID_MODEL_PARAM',
    );
  });

  it('searches the specs it is given', () => {
    expect(createModel('probe', {}, [probeSpec])).toBeInstanceOf(LinearRegression);
    expect(errorOf(() => createModel('linear-regression', {}, [probeSpec])).message).toBe(
      'unknown model "linear-regression"; the models are: probe',
    );
  });
});

describe('describeParams', () => {
  it('lists each parameter on its own line', () => {
    expect(describeParams(probeSpec).split('\n')).toEqual([
      'its parameters are:',
      '  rate (number from 0 to 1, default 0.5): a share',
      '  scale (number, default 2): any number',
      '  count (integer >= 1, default 3): how many',
      '  on (boolean, default true): a switch',
      '  mode (one of a, b, default a): a choice',
      '  label (string, default ""): free text',
    ]);
  });
});
