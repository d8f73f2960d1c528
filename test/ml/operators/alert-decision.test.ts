import { describe, expect, it } from 'vitest';
import {
  type DecisionStep,
  decide,
  decisionFor,
  noIncident,
  wouldOpen,
} from '../../../ml/operators/alert-decision.ts';
import type { DecisionOverride, DecisionSpec } from '../../../services/config/job-spec.ts';

const DECISION: DecisionSpec = { threshold: 0.5, clearThreshold: 0.4, cooldownMs: 60_000 };

/** Runs a time script of `[ts, score]` through one key's decision: what each score did. */
function script(steps: readonly [number, number][], decision = DECISION): DecisionStep[] {
  const state = noIncident();
  return steps.map(([ts, score]) => decide(decision, state, score, ts));
}

describe('decide: threshold, hysteresis and cool-down per key', () => {
  it('opens at the threshold, stays open down to the clear threshold, closes below it', () => {
    expect(
      script([
        [0, 0.2],
        [1_000, 0.5], // reaches the threshold
        [2_000, 0.45], // between clear and threshold: still the same incident
        [3_000, 0.4], // at the clear threshold: still open
        [4_000, 0.9],
        [5_000, 0.39], // below it: closed
        [6_000, 0.1],
      ]),
    ).toEqual(['quiet', 'open', 'stay', 'stay', 'stay', 'close', 'quiet']);
  });

  it('a score wavering around the threshold is one incident, not one per crossing', () => {
    const wavering = Array.from({ length: 40 }, (_, i): [number, number] => [i * 1_000, i % 2 ? 0.55 : 0.45]);
    const steps = script(wavering);
    expect(steps.filter((s) => s === 'open')).toHaveLength(1);
    expect(steps.filter((s) => s === 'close')).toHaveLength(0);
  });

  it('opens no new incident until the cool-down after the last one closed has passed', () => {
    expect(
      script([
        [0, 0.9], // open
        [10_000, 0.1], // close: cool-down until 70 000
        [20_000, 0.95], // cooling down
        [69_999, 0.95], // still cooling down
        [70_000, 0.95], // cool-down over: a new incident
        [71_000, 0.1], // close: cool-down until 131 000
        [200_000, 0.6], // long after: a new incident
      ]),
    ).toEqual(['open', 'close', 'quiet', 'quiet', 'open', 'close', 'open']);
  });

  it('a zero cool-down reopens at once; the cool-down runs in event time, not per record', () => {
    const none = { ...DECISION, cooldownMs: 0 };
    expect(
      script(
        [
          [0, 0.9],
          [1, 0.1],
          [1, 0.9],
        ],
        none,
      ),
    ).toEqual(['open', 'close', 'open']);
    // an out-of-order record before the close is within the cool-down
    const s = noIncident();
    decide(DECISION, s, 0.9, 100_000);
    decide(DECISION, s, 0.1, 100_000);
    expect(wouldOpen(DECISION, s, 0.9, 50_000)).toBe(false);
    expect(s).toEqual({ open: false, closedAt: 100_000 });
  });

  it('wouldOpen says what decide will do, and changes nothing', () => {
    const s = noIncident();
    expect(wouldOpen(DECISION, s, 0.49, 0)).toBe(false);
    expect(wouldOpen(DECISION, s, 0.5, 0)).toBe(true);
    expect(s).toEqual(noIncident());
    decide(DECISION, s, 0.8, 0);
    expect(wouldOpen(DECISION, s, 0.99, 1)).toBe(false); // already open
    expect(wouldOpen(DECISION, s, Number.NaN, 1)).toBe(false);
  });

  it('keeps plain JSON state', () => {
    const s = noIncident();
    decide(DECISION, s, 0.9, 5);
    decide(DECISION, s, 0.1, 7);
    expect(JSON.parse(JSON.stringify(s))).toEqual({ open: false, closedAt: 7 });
  });
});

describe('decisionFor: per-device and per-metric overrides', () => {
  const overrides: DecisionOverride[] = [
    { metrics: ['vibration'], threshold: 0.8 },
    { devices: ['pump-1'], cooldownMs: 1_000 },
    { devices: ['test-rig'], off: true },
    { devices: ['pump-2'], metrics: ['vibration', 'current'], threshold: 0.3 },
  ];

  it('uses the step decision when nothing matches', () => {
    expect(decisionFor(DECISION, overrides, 'boiler-1', ['temperature'])).toBe(DECISION);
    expect(decisionFor(DECISION, [], 'boiler-1', ['temperature'])).toBe(DECISION);
  });

  it('applies the last matching override over the step decision (its unset fields keep the step’s)', () => {
    expect(decisionFor(DECISION, overrides, 'boiler-1', ['vibration'])).toEqual({
      threshold: 0.8,
      clearThreshold: 0.4,
      cooldownMs: 60_000,
    });
    // pump-1's vibration matches the first two: the second wins, alone
    expect(decisionFor(DECISION, overrides, 'pump-1', ['vibration'])).toEqual({
      threshold: 0.5,
      clearThreshold: 0.4,
      cooldownMs: 1_000,
    });
    // both device and metric must match; a clear threshold above the threshold comes down to it
    expect(decisionFor(DECISION, overrides, 'pump-2', ['current'])).toEqual({
      threshold: 0.3,
      clearThreshold: 0.3,
      cooldownMs: 60_000,
    });
    expect(decisionFor(DECISION, overrides, 'pump-2', ['temperature'])).toBe(DECISION);
  });

  it('matches a row by any of its metrics, and turns detection off', () => {
    expect(decisionFor(DECISION, overrides, 'boiler-1', ['current', 'vibration'])).toMatchObject({
      threshold: 0.8,
    });
    expect(decisionFor(DECISION, overrides, 'test-rig', ['temperature'])).toBe('off');
    // a later match turns it back on
    const back: DecisionOverride[] = [
      ...overrides,
      { devices: ['test-rig'], metrics: ['power'], threshold: 0.6 },
    ];
    expect(decisionFor(DECISION, back, 'test-rig', ['power'])).toEqual({ ...DECISION, threshold: 0.6 });
    expect(decisionFor(DECISION, back, 'test-rig', ['temperature'])).toBe('off');
  });
});
