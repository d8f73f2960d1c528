import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Forecast } from '../../../ml/core/estimator.ts';
import { DEFAULT_DETECTOR_SET, defaultDecision } from '../../../ml/detectors/default-set.ts';
import { holtWintersSpec } from '../../../ml/models/holt-winters.ts';
import { fullModelParams } from '../../../ml/operators/model-handle.ts';
import { JOB_DEFAULTS } from '../../../services/config/job-spec.ts';
import { parseJobFile } from '../../../services/config/parse-job-file.ts';
import { CollectingSink } from '../../../services/engine/api/sinks/collecting-sink.ts';
import { CollectionSource } from '../../../services/engine/api/sources/collection-source.ts';
import { StreamEnvironment } from '../../../services/engine/api/stream-environment.ts';
import { ManualClock } from '../../../services/engine/time/clock.ts';
import {
  DEFAULT_JOB,
  DEFAULT_JOB_FILE,
  defaultJobSpec,
  defineDefaultJob,
} from '../../../services/jobs/default-job.ts';

describe('the default job file', () => {
  it('is a valid job file saying what DEFAULT_JOB says (the flags of eddy start default to it)', () => {
    const spec = parseJobFile(readFileSync(DEFAULT_JOB_FILE, 'utf8'), 'default-job.yaml');
    expect(spec).toEqual({
      name: 'window-aggregates',
      source: { topics: ['sensors/{device}/telemetry'], timeField: 'ts', timeFormat: 'auto' },
      time: {
        maxOutOfOrdernessMs: DEFAULT_JOB.outOfOrdernessMs,
        quietPeriodMs: DEFAULT_JOB.quietPeriodMs,
        maxFutureMs: JOB_DEFAULTS.maxFutureMs,
      },
      key: ['device', 'metric'],
      windows: [
        {
          type: 'tumbling',
          sizeMs: DEFAULT_JOB.windowMs,
          offsetMs: 0,
          allowedLatenessMs: 0,
          aggregates: ['count', 'mean', 'min', 'max', 'stddev'],
          late: 'count',
        },
      ],
      models: [
        {
          name: 'forecast',
          estimator: 'holt-winters',
          params: { stepMs: 1_000, seasonMs: 1_000, alpha: 0.1, beta: 0.001, gamma: 0 },
          per: 'series',
          timeFeatures: false,
          scale: true,
          coverage: 0.95,
          versionEveryMs: JOB_DEFAULTS.models.versionEveryMs,
          metricsEveryMs: 10_000,
          rollingWindow: JOB_DEFAULTS.models.rollingWindow,
        },
      ],
      detectors: [
        {
          name: 'anomalies',
          members: DEFAULT_DETECTOR_SET.members,
          combine: DEFAULT_DETECTOR_SET.combine,
          per: 'series',
          decision: defaultDecision(1_000), // the set's decision at the simulator's one reading a second
          overrides: [],
        },
      ],
      sinks: { influx: { measurement: 'window_agg' }, live: true },
    });
    expect(spec.windows[0]?.aggregates).toEqual(JOB_DEFAULTS.aggregates);
  });

  it('forecasts every reading of a simulated device, with an interval, from its 4th reading', () => {
    const [model] = defaultJobSpec().models;
    const spec = holtWintersSpec;
    if (spec.type !== 'forecaster' || model?.estimator !== spec.name) throw new Error('not holt-winters');
    const forecaster = spec.create(fullModelParams({ spec, params: model.params }));
    const T = 1_700_000_000_123; // devices read every second, at any millisecond
    const forecasts: (Forecast | undefined)[] = [];
    for (let i = 0; i < 60; i++) {
      const value = 21 + 0.01 * i + 0.2 * Math.sin(i * 2.1); // a slow trend under noise
      forecasts.push(forecaster.forecast([T + i * 1_000], model.coverage)[0]);
      forecaster.learnOne(value, T + i * 1_000);
    }
    expect(forecasts.findIndex((f) => f !== undefined)).toBe(3);
    const last = forecasts.at(-1)!;
    expect(last.lower).toBeLessThan(last.value);
    expect(last.upper).toBeGreaterThan(last.value);
    expect(last.value).toBeCloseTo(21.59, 0);
  });
});

describe('defaultJobSpec', () => {
  it("takes eddy start's --window, --out-of-orderness and --quiet-period", () => {
    const spec = defaultJobSpec({ windowMs: 60_000, outOfOrdernessMs: 500, quietPeriodMs: 1_000 });
    expect(spec.windows[0]).toMatchObject({ type: 'tumbling', sizeMs: 60_000 });
    expect(spec.time).toEqual({ maxOutOfOrdernessMs: 500, quietPeriodMs: 1_000, maxFutureMs: 300_000 });
    expect(defaultJobSpec().windows[0]).toMatchObject({ sizeMs: 10_000 });
  });

  it("takes eddy start's --max-future and --max-past (a duration, or off)", () => {
    expect(defaultJobSpec({ maxFutureMs: 60_000, maxPastMs: 86_400_000 }).time).toMatchObject({
      maxFutureMs: 60_000,
      maxPastMs: 86_400_000,
    });
    const unbounded = defaultJobSpec({ maxFutureMs: 'off', maxPastMs: 'off' }).time;
    expect(unbounded).not.toHaveProperty('maxFutureMs');
    expect(unbounded).not.toHaveProperty('maxPastMs');
    expect(defaultJobSpec().time).not.toHaveProperty('maxPastMs');
  });
});

describe('defineDefaultJob', () => {
  it('builds the default job on an environment (as the benchmarks and metrics tests use it)', async () => {
    const T = 1_700_000_000_000;
    const sink = new CollectingSink<unknown>();
    const env = new StreamEnvironment({ clock: new ManualClock(T) });
    const readings = [1, 2, 3].map((v) => ({ device: 'a', metric: 't', ts: T + v * 1_000, value: v }));
    defineDefaultJob(env, new CollectionSource(readings), [sink], { windowMs: 5_000 });
    const job = await env.start('window-aggregates');
    await job.finished;
    expect(sink.records).toEqual([
      {
        device: 'a',
        metric: 't',
        window: '5s',
        start: T,
        end: T + 5_000,
        count: 3,
        mean: 2,
        min: 1,
        max: 3,
        stddev: Math.sqrt(2 / 3),
      },
    ]);
    expect(job.metrics().operators.map((o) => o.name)).toContain('window(5s)');
  });
});
