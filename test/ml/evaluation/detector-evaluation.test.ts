import { describe, expect, it } from 'vitest';
import type { AnomalyDetector } from '../../../ml/detectors/detector.ts';
import { RollingZScore } from '../../../ml/detectors/rolling-z-score.ts';
import {
  type DetectorConfiguration,
  evaluateDetector,
  medianInterval,
  scoreSeries,
} from '../../../ml/evaluation/detector-evaluation.ts';
import { detectorConfiguration, resultFileName } from '../../../ml/evaluation/detector-evaluation-configs.ts';
import { simulatedSeries } from '../../../ml/evaluation/detector-evaluation-simulated.ts';
import type { LabelledSeries } from '../../../ml/evaluation/nab/labelled-series.ts';

const MINUTE = 60_000;

/** 1000 records a minute apart, windows of 20 records at records 300, 600 and 850. */
function series(name: string): LabelledSeries {
  const timestamps = Array.from({ length: 1000 }, (_, i) => i * MINUTE);
  const windows = [300, 600, 850].map((i) => ({ startMs: i * MINUTE, endMs: (i + 19) * MINUTE }));
  return { name, timestamps, values: timestamps.map((_, i) => Math.sin(i / 10)), windows };
}

/** Scores 1 exactly at each window start of the series it is built for, 0 elsewhere. */
function oracle(s: LabelledSeries): AnomalyDetector {
  const starts = new Set(s.windows.map((w) => w.startMs));
  const d = new RollingZScore();
  return Object.assign(d, { scoreOne: (_x: unknown, ts: number) => (starts.has(ts) ? 1 : 0) });
}

const data = { name: 'tiny', series: [series('a/one.csv'), series('a/two.csv')] };

describe('evaluateDetector', () => {
  it.each([
    ['raw scores', undefined],
    ['alerts', { threshold: 0.5, clearThreshold: 0.4, cooldownRecords: 200 }],
  ])(
    'gives 100 and perfect window metrics to a detector scoring 1 at each window start (%s)',
    (_, decision) => {
      let i = 0;
      const config: DetectorConfiguration = {
        name: 'oracle',
        create: () => oracle(data.series[i++ % 2]!),
        ...(decision ? { decision } : {}),
      };
      const e = evaluateDetector(config, data);
      expect(e.standard).toBeCloseTo(100, 9);
      expect(e.rewardLowFP).toBeCloseTo(100, 9);
      expect(e.rewardLowFN).toBeCloseTo(100, 9);
      expect([e.precision, e.recall, e.f1, e.meanDelayMs]).toEqual([1, 1, 1, 0]);
      expect(e.scored.map((s) => s.scores.filter((v) => v > 0).length)).toEqual([3, 3]);
    },
  );

  it('gives 0 to a detector that never scores', () => {
    const e = evaluateDetector({ name: 'null', create: () => new RollingZScore({ threshold: 1e9 }) }, data);
    expect(e.standard).toBeCloseTo(0, 9);
    expect(e.meanDelayMs).toBeNull();
  });

  it('keeps only the score where an incident opens, and cools down for cooldownRecords × the interval', () => {
    const s: LabelledSeries = { ...series('a/b.csv'), values: Array(1000).fill(5) };
    const at = new Set([100, 101, 102, 150, 400]);
    const config: DetectorConfiguration = {
      name: 'bursts',
      create: () =>
        Object.assign(new RollingZScore(), {
          scoreOne: (_x: unknown, ts: number) => (at.has(ts / MINUTE) ? 0.9 : 0),
        }),
      decision: { threshold: 0.5, clearThreshold: 0.4, cooldownRecords: 100 },
    };
    const scores = scoreSeries(config, s);
    expect(scores.flatMap((v, i) => (v > 0 ? [i] : []))).toEqual([100, 400]);
  });

  it('medianInterval: the median positive gap', () => {
    expect(medianInterval([0, 300_000, 600_000, 1_200_000])).toBe(300_000);
    expect(medianInterval([5])).toBe(1);
  });
});

describe('detector configurations', () => {
  it('reads NAME[:key=value,...] through the registry, values with commas whole', () => {
    const c = detectorConfiguration('half-space-trees:limits=value:0:1,other:0:2,seed=3');
    expect(c.create().params).toMatchObject({ limits: 'value:0:1,other:0:2', seed: 3 });
    expect(c.decision).toBeDefined();
    expect(detectorConfiguration('ewma', true).decision).toBeUndefined();
    expect(detectorConfiguration('default').create().kind).toBe('ensemble');
    expect(() => detectorConfiguration('ewma:alpha')).toThrow(/expected NAME:key=value/);
    expect(resultFileName('median-mad:window=60')).toBe('median-mad-window-60');
  });
});

describe('simulatedSeries', () => {
  it("labels each (device, metric) series with windows from the simulator's ground truth", () => {
    const all = simulatedSeries({ devices: 2, seed: 3, minutes: 60, anomalyRatePerHour: 10 });
    expect(all.length).toBeGreaterThan(2);
    for (const s of all) {
      expect(s.name).toMatch(/^sim-000[12]\/[a-z]+\.csv$/);
      expect(s.values.length).toBe(s.timestamps.length);
      s.windows.forEach((w, k) => {
        expect(w.endMs).toBeGreaterThan(w.startMs);
        if (k > 0) expect(w.startMs).toBeGreaterThan(s.windows[k - 1]!.endMs);
      });
    }
    expect(all.reduce((n, s) => n + s.windows.length, 0)).toBeGreaterThan(5);
    expect(simulatedSeries({ devices: 2, seed: 3, minutes: 60, anomalyRatePerHour: 10 })).toEqual(all);
  });
});
