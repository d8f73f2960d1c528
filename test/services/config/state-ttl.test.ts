import { describe, expect, it } from 'vitest';
import { defineJob } from '../../../services/config/define-job.ts';
import { JobFileError } from '../../../services/config/job-file-error.ts';
import {
  JOB_DEFAULTS,
  type JobSpec,
  stateTtlOf,
  withDefaultStateTtl,
} from '../../../services/config/job-spec.ts';
import { parseJobFile } from '../../../services/config/parse-job-file.ts';
import type { Reading } from '../../../services/domain/reading.ts';
import { CollectingSink } from '../../../services/engine/api/sinks/collecting-sink.ts';
import { CollectionSource } from '../../../services/engine/api/sources/collection-source.ts';
import { StreamEnvironment } from '../../../services/engine/api/stream-environment.ts';
import type { OperatorMetrics } from '../../../services/engine/runtime/stream-operator.ts';
import { ManualClock } from '../../../services/engine/time/clock.ts';
import { detectorStep } from './define-detectors-fixtures.ts';
import { modelStep, T } from './support/model-job.ts';

const WINDOWS = 'windows:\n  - { type: tumbling, size: 10s }\n';
const parse = (text: string) => parseJobFile(`name: ttl\n${WINDOWS}${text}`, 'job.yaml');

describe('state.ttl in job files', () => {
  it('reads a duration, or off; absent leaves it to the server', () => {
    expect(parse('state: { ttl: 2h }\n').state).toEqual({ ttlMs: 7_200_000 });
    expect(parse('state: { ttl: off }\n').state).toEqual({ ttlMs: 'off' });
    expect(parse('').state).toBeUndefined();
  });

  it('refuses what is not a duration, and keys it does not know, naming state.ttl', () => {
    expect(() => parse('state: { ttl: forever }\n')).toThrow(JobFileError);
    expect(() => parse('state: { ttl: forever }\n')).toThrow(/state\.ttl.*a duration such as 5m, or off/);
    expect(() => parse('state: { tll: 1h }\n')).toThrow(/tll/);
  });
});

describe('stateTtlOf and withDefaultStateTtl', () => {
  it("takes the job's TTL, else the server's, else 24 h", () => {
    expect(JOB_DEFAULTS.stateTtlMs).toBe(86_400_000);
    expect(stateTtlOf({ state: { ttlMs: 60_000 } }, 'off')).toBe(60_000);
    expect(stateTtlOf({ state: { ttlMs: 'off' } }, 60_000)).toBeUndefined();
    expect(stateTtlOf({}, 'off')).toBeUndefined();
    expect(stateTtlOf({}, 60_000)).toBe(60_000);
    expect(stateTtlOf({})).toBe(86_400_000);
  });

  it("--state-ttl sets the job's TTL only where its file did not", () => {
    const job = parse('');
    expect(withDefaultStateTtl(job, 60_000).state).toEqual({ ttlMs: 60_000 });
    expect(withDefaultStateTtl(job, undefined)).toBe(job);
    const own = parse('state: { ttl: 2h }\n');
    expect(withDefaultStateTtl(own, 'off').state).toEqual({ ttlMs: 7_200_000 });
  });
});

/** `waves` groups of `perWave` new devices, each sending temperature and power once a second for 20 s. */
function rotatingFleet(waves: number, perWave: number): Reading[] {
  const readings: Reading[] = [];
  for (let w = 0; w < waves; w++) {
    for (let s = 0; s < 20; s++) {
      for (let d = 0; d < perWave; d++) {
        const device = `dev-${w}-${d}`;
        const ts = T + (w * 20 + s) * 1_000;
        const temperature = 20 + d + Math.sin(s / 3);
        readings.push(
          { device, metric: 'temperature', ts, value: temperature },
          { device, metric: 'power', ts, value: 2 * temperature + 1 },
        );
      }
    }
  }
  return readings;
}

async function run(spec: JobSpec, readings: Reading[]): Promise<readonly OperatorMetrics[]> {
  const env = new StreamEnvironment({ clock: new ManualClock(T) });
  defineJob(env, spec, {
    source: new CollectionSource(readings, { batchSize: 50 }),
    results: [new CollectingSink('results')],
    predictions: [new CollectingSink('predictions')],
    modelMetrics: [new CollectingSink('metrics')],
    anomalies: [new CollectingSink('anomalies')],
  });
  const job = await env.start(spec.name);
  await job.finished;
  return job.metrics().operators;
}

describe("a job file's models and detectors forget idle devices", () => {
  const job: JobSpec = {
    ...parse('state: { ttl: 1m }\n'),
    models: [
      modelStep({
        name: 'forecast',
        estimator: 'holt-winters',
        per: 'series',
        metrics: ['temperature'],
        params: { stepMs: 1_000, seasonMs: 1_000, gamma: 0 },
      }),
      modelStep({ name: 'power', estimator: 'linear-regression', per: 'device', target: 'power' }),
    ],
    detectors: [
      detectorStep({ name: 'spikes', members: [{ detector: 'rolling-z-score', params: {} }] }),
      detectorStep({ name: 'coupling', per: 'device', members: [{ detector: 'mahalanobis', params: {} }] }),
    ],
  };
  const waves = 30;
  const perWave = 10;

  it('each per-key step holds a few waves of devices, not every device ever seen', async () => {
    const operators = await run(job, rotatingFleet(waves, perWave));
    const perKey = operators.filter((o) => o.keysExpired !== undefined);
    expect(perKey.map((o) => o.name).sort()).toEqual([
      'detect(coupling)',
      'detect(spikes)',
      'metrics(forecast)',
      'metrics(power)',
      'model(forecast)',
      'model(power)',
      'rows(detector coupling)',
      'rows(power)',
    ]);
    for (const o of perKey) {
      const keysPerDevice = o.name === 'detect(spikes)' ? 2 : 1;
      // 1 min of TTL = 3 waves of 20 s, plus the wave in progress and the expiry grid
      expect(o.stateKeys, o.name).toBeLessThanOrEqual(5 * perWave * keysPerDevice);
      expect(o.keysExpired, o.name).toBeGreaterThanOrEqual((waves - 5) * perWave * keysPerDevice);
    }
  });

  it('keeps every device with state.ttl off', async () => {
    const operators = await run({ ...job, state: { ttlMs: 'off' } }, rotatingFleet(6, perWave));
    const model = operators.find((o) => o.name === 'model(power)');
    expect(model).toMatchObject({ stateKeys: 6 * perWave, keysExpired: 0 });
  });
});
