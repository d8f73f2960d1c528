import { afterEach, describe, expect, it, vi } from 'vitest';
import { UnivariateDetector } from '../../../ml/detectors/univariate-detector.ts';
import { rowInput, seriesInput } from '../../../ml/operators/detect-inputs.ts';
import { DetectOperator, type DetectOperatorConfig } from '../../../ml/operators/detect-operator.ts';
import type { DeviceRow } from '../../../ml/operators/device-rows-operator.ts';
import type { DecisionOverride } from '../../../services/config/job-spec.ts';
import type { AnomalyEvent } from '../../../services/domain/anomaly.ts';
import type { Reading } from '../../../services/domain/reading.ts';
import { type Emitted, OperatorHarness } from '../../support/operator-harness.ts';
import { SPECS_WITH_SILENCE, series } from './detect-fixtures.ts';

const DECISION = { threshold: 0.5, clearThreshold: 0.4, cooldownMs: 60_000 };

function spikes(overrides: readonly DecisionOverride[] = []): DetectOperator<Reading> {
  return new DetectOperator<Reading>({
    name: 'detect(spikes)',
    detectorName: 'spikes',
    per: 'series',
    input: seriesInput,
    detector: {
      members: [{ detector: 'rolling-z-score', params: { window: 60, warmup: 20 } }],
      combine: 'max',
    },
    decision: DECISION,
    overrides,
  });
}

function silence(config: Partial<DetectOperatorConfig<Reading>> = {}): DetectOperator<Reading> {
  return new DetectOperator<Reading>({
    name: 'detect(dropouts)',
    detectorName: 'dropouts',
    per: 'series',
    input: seriesInput,
    detector: { members: [{ detector: 'silence', params: { gapMs: 10_000 } }], combine: 'max' },
    decision: { threshold: 0.5, clearThreshold: 0.5, cooldownMs: 0 },
    specs: SPECS_WITH_SILENCE,
    ...config,
  });
}

function feed<IN>(h: OperatorHarness<IN, AnomalyEvent>, input: readonly (IN & { ts: number })[]) {
  for (const r of input) h.element(r, r.ts);
  return h.take();
}

function events(out: readonly Emitted<AnomalyEvent>[]): AnomalyEvent[] {
  return out.flatMap((e) => ('record' in e && !('side' in e) ? [e.record] : []));
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('DetectOperator: a detector and a decision per series', () => {
  it('turns a spike into one event with the detector’s explanation, at the record’s time', () => {
    const h = new OperatorHarness(spikes());
    const out = feed(h, series(['boiler-1', 'boiler-2'], 60, { spikes: new Map([[40, 35]]) }));
    // both devices spike at second 40 (the fixture spikes every device)
    expect(out.map((e) => ('timestamp' in e ? e.timestamp : undefined))).toEqual([40_000, 40_000]);
    const [first] = events(out);
    expect(first).toMatchObject({
      device: 'boiler-1',
      metric: 'temperature',
      metrics: ['temperature'],
      ts: 40_000,
      detector: 'spikes',
      value: 35,
      reason: expect.stringMatching(/std from the rolling mean/),
    });
    expect(first!.score).toBeGreaterThan(0.99);
    expect(first!.expected).toBeCloseTo(20, 0);
    expect(first!.lower).toBeLessThan(first!.expected);
    expect(first!.upper).toBeGreaterThan(first!.expected);
    expect(first!.upper).toBeLessThan(35);
  });

  it('explains only the records that open an incident (explainOne costs text)', () => {
    const explain = vi.spyOn(UnivariateDetector.prototype, 'explainOne');
    const h = new OperatorHarness(spikes());
    const out = feed(
      h,
      series(['d1'], 100, {
        spikes: new Map([
          [30, 40],
          [31, 41],
          [70, 40],
        ]),
      }),
    );
    // second 30 opens; 31 is the same incident; 70 opens again (cool-down of 60 s after the close at 32 is not over)
    expect(events(out).map((e) => e.ts)).toEqual([30_000]);
    expect(explain).toHaveBeenCalledTimes(1);
  });

  it('a long incident is one event; a new one opens only after the cool-down', () => {
    const level = new Map(Array.from({ length: 30 }, (_, i): [number, number] => [30 + i, 30 + (i % 2) * 3]));
    const h = new OperatorHarness(spikes());
    const out = events(feed(h, series(['d1'], 200, { spikes: level.set(150, 80) })));
    expect(out.map((e) => [e.ts, e.value])).toEqual([
      [30_000, 30],
      [150_000, 80],
    ]);
  });

  it('applies per-device and per-metric overrides, and `off`', () => {
    const input = series(['d1', 'd2', 'd3'], 60, { spikes: new Map([[40, 21.2]]) }); // scores ~0.92–0.95
    const base = events(feed(new OperatorHarness(spikes()), input));
    expect(base.map((e) => e.device)).toEqual(['d1', 'd2', 'd3']);
    expect(base[1]!.score).toBeLessThan(0.95);
    const overridden = events(
      feed(
        new OperatorHarness(
          spikes([
            { devices: ['d1'], off: true },
            { devices: ['d2'], threshold: 0.95 },
            { metrics: ['humidity'], off: true },
          ]),
        ),
        input,
      ),
    );
    expect(overridden.map((e) => e.device)).toEqual(['d3']);
    expect(overridden[0]).toEqual(base[2]);
  });

  it('detects on device rows: one detector per device over its metrics', () => {
    const rows: (DeviceRow & { ts: number })[] = [];
    for (let s = 0; s < 300; s++) {
      const x = Math.sin(s / 5) + ((s * 7) % 3) * 0.01;
      const broken = s === 250;
      rows.push({
        device: 'pump-1',
        ts: s * 1_000,
        values: { current: 2 * x, vibration: broken ? -2 * x - 1 : x },
      });
    }
    const h = new OperatorHarness(
      new DetectOperator<DeviceRow>({
        name: 'detect(coupling)',
        detectorName: 'coupling',
        per: 'device',
        input: rowInput,
        detector: { members: [{ detector: 'mahalanobis', params: {} }], combine: 'max' },
        decision: DECISION,
      }),
    );
    const out = events(feed(h, rows));
    expect(out.map((e) => e.ts)).toEqual([250_000]);
    expect(out[0]).toMatchObject({
      device: 'pump-1',
      metric: 'current,vibration',
      metrics: ['current', 'vibration'],
    });
    expect(out[0]!.value).toBeNaN();
  });
});

describe('DetectOperator: timer-driven detectors (silence)', () => {
  it('fires one dropout event at the timer time when the watermark passes it', () => {
    const h = new OperatorHarness(silence());
    feed(h, series(['d1', 'd2'], 5)); // d1 and d2 until 4 000
    feed(h, series(['d2'], 10, { start: 5_000 })); // d2 until 14 000
    expect(h.watermark(13_999).take()).toEqual([{ watermark: 13_999 }]);
    const out = h.watermark(14_000).take();
    expect(out).toEqual([
      {
        record: {
          device: 'd1',
          metric: 'temperature',
          metrics: ['temperature'],
          ts: 14_000,
          score: 1,
          detector: 'dropouts',
          value: Number.NaN,
          expected: 10_000,
          lower: Number.NaN,
          upper: Number.NaN,
          reason: 'no record for 10000 ms',
        },
        timestamp: 14_000,
      },
      { watermark: 14_000 },
    ]);
    // still silent: no second event, however far the watermark goes
    expect(events(h.watermark(30_000).watermark(100_000).take()).map((e) => [e.device, e.ts])).toEqual([
      ['d2', 24_000],
    ]);
  });

  it('moves the timer with every record (one timer per key), and a record ends the incident', () => {
    const h = new OperatorHarness(silence());
    for (let s = 0; s < 50; s++)
      h.element({ device: 'd1', metric: 'm', ts: s * 5_000, value: 1 }, s * 5_000).watermark(s * 5_000);
    expect(events(h.take())).toEqual([]); // never 10 s without a record
    h.watermark(255_000);
    expect(events(h.take()).map((e) => e.ts)).toEqual([255_000]);
    // the record closes the incident; the next silence is a new one
    h.element({ device: 'd1', metric: 'm', ts: 300_000, value: 1 }, 300_000).watermark(400_000);
    expect(events(h.take()).map((e) => e.ts)).toEqual([310_000]);
  });

  it('honours the cool-down and `off` for silence too', () => {
    const cooling = new OperatorHarness(
      silence({ decision: { threshold: 0.5, clearThreshold: 0.5, cooldownMs: 60_000 } }),
    );
    cooling.element({ device: 'd1', metric: 'm', ts: 0, value: 1 }, 0).watermark(20_000);
    cooling.element({ device: 'd1', metric: 'm', ts: 30_000, value: 1 }, 30_000).watermark(50_000);
    expect(events(cooling.take()).map((e) => e.ts)).toEqual([10_000]); // 40 000 is within the cool-down (closed at 30 000)
    const off = new OperatorHarness(silence({ overrides: [{ devices: ['d1'], off: true }] }));
    off.element({ device: 'd1', metric: 'm', ts: 0, value: 1 }, 0).watermark(100_000);
    expect(events(off.take())).toEqual([]);
  });
});

describe('DetectOperator: ensembles', () => {
  it('runs an ensemble (max) of a z-score and the dropout detector: a spike and a silence, one event each', () => {
    const h = new OperatorHarness(
      new DetectOperator<Reading>({
        name: 'detect(default)',
        detectorName: 'default',
        per: 'series',
        input: seriesInput,
        detector: {
          members: [
            { detector: 'rolling-z-score', params: { window: 60, warmup: 20 } },
            { detector: 'dropout', params: {} },
          ],
          combine: 'max',
        },
        decision: { threshold: 0.5, clearThreshold: 0.4, cooldownMs: 5_000 },
      }),
    );
    const input = series(['d1'], 60, { spikes: new Map([[40, 30]]) });
    for (const r of input) h.element(r, r.ts).watermark(r.ts);
    h.watermark(120_000);
    const out = events(h.take());
    expect(out.map((e) => [e.ts, e.value])).toEqual([
      [40_000, 30],
      [62_000, Number.NaN], // 3 typical intervals after the last reading (59 s)
    ]);
    expect(out[0]!.reason).toMatch(/rolling-z-score/);
    expect(out[1]!.reason).toMatch(/dropout.*no reading/);
    expect(out[1]!.score).toBeCloseTo(0.5, 6);
  });
});
