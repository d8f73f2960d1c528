import { describe, expect, it } from 'vitest';
import { DETECTOR_SPECS } from '../../../ml/detectors/registry.ts';
import { type DetectorCatalog, detectorStepSpecs } from '../../../services/config/detector-step-specs.ts';
import type { DetectorFile } from '../../../services/config/job-file-schema.ts';
import { JOB_DEFAULTS, type SourceSpec } from '../../../services/config/job-spec.ts';
import { parseJobFile } from '../../../services/config/parse-job-file.ts';
import type { PathProblem } from '../../../services/config/schema-problems.ts';
import { jobFileProblems as problems } from './support/job-file-problems.ts';

/** A job file: a window, then `detectors:` followed by `detectors` (lines as written under it). */
const job = (...detectors: string[]) =>
  ['name: demo', 'windows: [{ type: tumbling, size: 10s }]', 'detectors:', ...detectors, ''].join('\n');

const decision = {
  threshold: JOB_DEFAULTS.detectors.threshold,
  clearThreshold: 0.4,
  cooldownMs: JOB_DEFAULTS.detectors.cooldownMs,
};

describe('parseJobFile: detectors', () => {
  it('a job without detectors has none', () => {
    const spec = parseJobFile('name: demo\nwindows: [{ type: tumbling, size: 10s }]\n', 'job.yaml');
    expect(spec.detectors).toEqual([]);
  });

  it('fills the defaults: per series for univariate detectors, per device for multivariate ones', () => {
    const spec = parseJobFile(
      job(
        '  - { name: spikes, detector: rolling-z-score }',
        '  - { name: rows, detector: half-space-trees }',
      ),
      'job.yaml',
    );
    expect(spec.detectors).toEqual([
      {
        name: 'spikes',
        members: [{ detector: 'rolling-z-score', params: {} }],
        combine: 'max',
        per: 'series',
        decision,
        overrides: [],
      },
      {
        name: 'rows',
        members: [{ detector: 'half-space-trees', params: {} }],
        combine: 'max',
        per: 'device',
        decision,
        overrides: [],
      },
    ]);
  });

  it('reads every key: an ensemble, its parameters typed, the decision and its overrides', () => {
    const spec = parseJobFile(
      job(
        '  - name: temperature.spikes',
        '    detectors:',
        '      - { detector: ewma, params: { alpha: 0.1, warmup: 20 } }',
        '      - detector: stuck-sensor',
        '        params: { minCount: 30, epsilon: 0.001 }',
        '    combine: vote',
        '    per: series',
        '    metrics: [temperature, humidity]',
        '    threshold: 0.7',
        '    clearThreshold: 0.3',
        '    cooldown: 2m',
        '    overrides:',
        '      - { devices: [boiler-1, boiler_2], threshold: 0.9, clearThreshold: 0.8 }',
        '      - { metrics: [humidity], cooldown: 0s }',
        '      - { devices: [sim-0001], metrics: [temperature], off: true }',
        '  - name: single',
        '    detector: median-mad',
        '    params: { window: 60 }',
        '    threshold: 0.75',
      ),
      'job.yaml',
    );
    expect(spec.detectors).toEqual([
      {
        name: 'temperature.spikes',
        members: [
          { detector: 'ewma', params: { alpha: 0.1, warmup: 20 } },
          { detector: 'stuck-sensor', params: { minCount: 30, epsilon: 0.001 } },
        ],
        combine: 'vote',
        per: 'series',
        metrics: ['temperature', 'humidity'],
        decision: { threshold: 0.7, clearThreshold: 0.3, cooldownMs: 120_000 },
        overrides: [
          { devices: ['boiler-1', 'boiler_2'], threshold: 0.9, clearThreshold: 0.8 },
          { metrics: ['humidity'], cooldownMs: 0 },
          { devices: ['sim-0001'], metrics: ['temperature'], off: true },
        ],
      },
      {
        name: 'single',
        members: [{ detector: 'median-mad', params: { window: 60 } }],
        combine: 'max',
        per: 'series',
        decision: { threshold: 0.75, clearThreshold: 0.65, cooldownMs: JOB_DEFAULTS.detectors.cooldownMs },
        overrides: [],
      },
    ]);
  });

  it('the shape of each entry: names, keys, types (every problem at once, in file order)', () => {
    expect(
      problems(
        job(
          '  - name: bad name',
          '    detector: ewma',
          '    params: [alpha]',
          '    per: fleet',
          '    combine: mean',
          '  - detector: ""',
          '    metrics: []',
          '    threshold: high',
        ),
      ),
    ).toEqual([
      `job.yaml:4:5: detectors[0].name: expected a name of letters, digits, '_', '.' or '-' such as spikes, got "bad name"`,
      "job.yaml:6:5: detectors[0].params: expected a map of the detector's parameters such as { window: 100 }, got a list",
      'job.yaml:7:5: detectors[0].per: expected one of series, device, got "fleet"',
      'job.yaml:8:5: detectors[0].combine: expected one of max, vote, got "mean"',
      "job.yaml:9:5: detectors[1].name: missing (expected a name of letters, digits, '_', '.' or '-' such as spikes)",
      'job.yaml:9:5: detectors[1].detector: expected a detector name such as rolling-z-score (or default), got an empty string',
      'job.yaml:10:5: detectors[1].metrics: expected at least one item, got an empty list',
      'job.yaml:11:5: detectors[1].threshold: expected a score between 0 and 1 such as 0.5, got "high"',
    ]);
  });

  it('the shape of the cool-down and the overrides: durations, device ids, keys', () => {
    expect(
      problems(
        job(
          '  - name: spikes',
          '    detector: ewma',
          '    cooldown: 5 minutes',
          '    overrides:',
          '      - { devices: ["boiler 1"], off: yes }',
          '      - { device: [a] }',
        ),
      ),
    ).toEqual([
      'job.yaml:6:5: detectors[0].cooldown: expected a duration such as 10s, got "5 minutes"',
      'job.yaml:8:21: detectors[0].overrides[0].devices[0]: expected a device id such as boiler-1, got "boiler 1"',
      'job.yaml:8:34: detectors[0].overrides[0].off: expected true or false, got "yes"',
      'job.yaml:9:11: detectors[0].overrides[1].device: unknown key (did you mean devices? keys: devices, metrics, threshold, clearThreshold, cooldown, off)',
    ]);
  });

  it('detectors the registry does not have, names used twice, detector and detectors together or neither', () => {
    const known = DETECTOR_SPECS.map((s) => s.name).join(', ');
    expect(
      problems(
        job(
          '  - { name: spikes, detector: rolling-zscore }',
          '  - { name: spikes, detector: ewma, combine: vote }',
          '  - { name: both, detector: ewma, detectors: [{ detector: ewma }] }',
          '  - { name: neither, threshold: 0.6 }',
          '  - name: ensemble',
          '    params: { alpha: 0.1 }',
          '    detectors: [{ detector: default }, { detector: mahalanobs }]',
        ),
      ),
    ).toEqual([
      `job.yaml:4:21: detectors[0].detector: unknown detector "rolling-zscore" (did you mean rolling-z-score? detectors: ${known}, or default)`,
      'job.yaml:5:7: detectors[1].name: "spikes" is the name of detectors[0] too: give each detector its own',
      'job.yaml:5:37: detectors[1].combine: combines the scores of several detectors: it needs detectors: [...] or default',
      'job.yaml:6:35: detectors[2].detectors: give detector (one) or detectors (an ensemble), not both',
      'job.yaml:7:5: detectors[3].detector: missing (expected a detector name such as rolling-z-score, default for the default set, or detectors: [...] for an ensemble)',
      'job.yaml:9:5: detectors[4].params: an ensemble takes params per detector: { detector: ewma, params: {...} }',
      'job.yaml:10:19: detectors[4].detectors[0].detector: default is the default set: use it as detector: default, not inside detectors',
      `job.yaml:10:42: detectors[4].detectors[1].detector: unknown detector "mahalanobs" (did you mean mahalanobis? detectors: ${known}, or default)`,
    ]);
  });

  it("parameters checked against the detector's spec: names, types, bounds", () => {
    expect(
      problems(
        job(
          '  - name: spikes',
          '    detector: rolling-z-score',
          '    params:',
          '      windw: 50',
          '      threshold: -1',
          '      warmup: "10"',
          '  - name: rows',
          '    detectors:',
          '      - { detector: half-space-trees, params: { nTrees: 2.5, seed: 1 } }',
        ),
      ),
    ).toEqual([
      'job.yaml:7:7: detectors[0].params.windw: unknown parameter of rolling-z-score (did you mean window? parameters: feature, window, threshold, warmup)',
      'job.yaml:8:7: detectors[0].params.threshold: expected a finite number > 0, got -1 (The |z| scoring 0.5)',
      'job.yaml:9:7: detectors[0].params.warmup: expected a whole number, got "10" (Values learned before scoring (score 0 until then))',
      'job.yaml:12:49: detectors[1].detectors[0].params.nTrees: expected an integer from 1 to 1000, got 2.5 (Number of trees)',
    ]);
  });

  it('per device: multivariate detectors, and univariate ones reading a metric of the row', () => {
    const spec = parseJobFile(
      job(
        '  - name: rows',
        '    detectors:',
        '      - { detector: mahalanobis }',
        '      - { detector: stuck-sensor, params: { feature: temperature } }',
        '    metrics: [temperature, humidity]',
        '  - { name: boiler, detector: median-mad, params: { feature: power }, per: device }',
      ),
      'job.yaml',
    );
    expect(spec.detectors.map((d) => [d.name, d.per, d.members])).toEqual([
      [
        'rows',
        'device',
        [
          { detector: 'mahalanobis', params: {} },
          { detector: 'stuck-sensor', params: { feature: 'temperature' } },
        ],
      ],
      ['boiler', 'device', [{ detector: 'median-mad', params: { feature: 'power' } }]],
    ]);
  });

  it('refuses a per that does not fit the detectors: feature per series, none (or an unseen one) per device', () => {
    expect(
      problems(
        job(
          '  - name: mixed',
          '    detectors: [{ detector: ewma }, { detector: mahalanobis }]',
          '  - { name: rows, detector: half-space-trees, per: series }',
          '  - { name: one, detector: ewma, per: device }',
          '  - { name: feature, detector: ewma, params: { feature: temperature } }',
          '  - name: unseen',
          '    detectors: [{ detector: mahalanobis }, { detector: ewma, params: { feature: power } }]',
          '    metrics: [temperature]',
        ),
      ),
    ).toEqual([
      'job.yaml:5:19: detectors[0].detectors[0].detector: ewma reads one number: per device give it the metric of the row it reads (params: { feature: temperature })',
      "job.yaml:6:47: detectors[1].per: half-space-trees scores a device's readings together: per must be device, got series",
      'job.yaml:7:18: detectors[2].detector: ewma reads one number: per device give it the metric of the row it reads (params: { feature: temperature })',
      'job.yaml:8:48: detectors[3].params.feature: per series a detector reads each reading of the series: leave feature out',
      `job.yaml:10:72: detectors[4].detectors[1].params.feature: "power" is not one of the detector's metrics (temperature): it never sees it`,
    ]);
  });

  it('the decision: threshold, clear threshold, cool-down, and overrides that hold together', () => {
    expect(
      problems(
        job(
          '  - name: spikes',
          '    detector: ewma',
          '    metrics: [temperature]',
          '    threshold: 0',
          '    clearThreshold: 0.2',
          '  - name: other',
          '    detector: ewma',
          '    metrics: [temperature]',
          '    threshold: 0.8',
          '    clearThreshold: 0.9',
          '    overrides:',
          '      - { devices: [boiler-1] }',
          '      - { metrics: [humidity], threshold: 0.5 }',
          '      - { devices: [boiler-2], off: true, cooldown: 1m }',
          '      - { threshold: 1.5, clearThreshold: 0.1 }',
          '  - name: rows',
          '    detector: mahalanobis',
          '    overrides: [{ metrics: [power], threshold: 0.9 }]',
        ),
      ),
    ).toEqual([
      'job.yaml:7:5: detectors[0].threshold: expected a score above 0 and at most 1 such as 0.5, got 0',
      'job.yaml:8:5: detectors[0].clearThreshold: expected a score from 0 to the threshold 0 (an incident closes below it), got 0.2',
      'job.yaml:13:5: detectors[1].clearThreshold: expected a score from 0 to the threshold 0.8 (an incident closes below it), got 0.9',
      'job.yaml:15:9: detectors[1].overrides[0]: changes nothing: give threshold, clearThreshold, cooldown or off',
      'job.yaml:16:21: detectors[1].overrides[1].metrics[0]: "humidity" is not one of the detector\'s metrics (temperature): it never sees it',
      "job.yaml:16:32: detectors[1].overrides[1].threshold: is below the detector's clearThreshold 0.9: give this override a clearThreshold too (at most 0.5)",
      'job.yaml:17:43: detectors[1].overrides[2].cooldown: has no effect with off: true (detection is off there)',
      'job.yaml:18:11: detectors[1].overrides[3].threshold: expected a score above 0 and at most 1 such as 0.5, got 1.5',
      "job.yaml:21:19: detectors[2].overrides[0].metrics: a per-device detector scores a device's readings together: override it by devices, not metrics",
    ]);
  });

  it('metrics the detector would never see', () => {
    expect(
      problems(
        [
          'name: demo',
          'source: { metrics: { exclude: [rssi] } }',
          'windows: [{ type: tumbling, size: 10s }]',
          'detectors: [{ name: d, detector: ewma, metrics: [rssi, ts] }]',
          '',
        ].join('\n'),
      ),
    ).toEqual([
      'job.yaml:4:50: detectors[0].metrics[0]: "rssi" is left out by source.metrics.exclude',
      'job.yaml:4:56: detectors[0].metrics[1]: "ts" is the time field, not a metric',
    ]);
  });
});

describe('detectorStepSpecs: the default set', () => {
  const source: SourceSpec = { topics: ['sensors/{device}/telemetry'], timeField: 'ts', timeFormat: 'auto' };
  const ms = (text: string) => Number.parseInt(text, 10) * 1_000;
  const catalog: DetectorCatalog = {
    specs: DETECTOR_SPECS,
    defaultSet: {
      members: [
        { detector: 'ewma', params: { alpha: 0.1 } },
        { detector: 'stuck-sensor', params: {} },
      ],
      combine: 'max',
    },
  };

  it('expands detector: default into the set, per series, with the combine it gives or the file sets', () => {
    const found: PathProblem[] = [];
    const files: DetectorFile[] = [
      { name: 'anomalies', detector: 'default' },
      { name: 'votes', detector: 'default', combine: 'vote', threshold: 0.6 },
    ];
    expect(detectorStepSpecs(files, source, ms, found, catalog)).toEqual([
      {
        name: 'anomalies',
        members: catalog.defaultSet?.members,
        combine: 'max',
        per: 'series',
        decision,
        overrides: [],
      },
      {
        name: 'votes',
        members: catalog.defaultSet?.members,
        combine: 'vote',
        per: 'series',
        decision: { threshold: 0.6, clearThreshold: 0.5, cooldownMs: JOB_DEFAULTS.detectors.cooldownMs },
        overrides: [],
      },
    ]);
    expect(found).toEqual([]);
  });

  it('refuses params on the default set, and per device for its univariate detectors (no feature)', () => {
    const found: PathProblem[] = [];
    const files: DetectorFile[] = [{ name: 'a', detector: 'default', params: { alpha: 0.2 }, per: 'device' }];
    detectorStepSpecs(files, source, ms, found, catalog);
    expect(found).toEqual([
      {
        path: ['detectors', 0, 'params'],
        message: 'the default set takes no params: to tune its detectors, list them under detectors: instead',
      },
      {
        path: ['detectors', 0, 'detector'],
        message:
          'ewma reads one number: per device give it the metric of the row it reads (params: { feature: temperature })',
      },
      {
        path: ['detectors', 0, 'detector'],
        message:
          'stuck-sensor reads one number: per device give it the metric of the row it reads (params: { feature: temperature })',
      },
    ]);
  });
});
