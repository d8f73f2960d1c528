import { describe, expect, it } from 'vitest';
import { seriesInput } from '../../../ml/operators/detect-inputs.ts';
import { DetectOperator } from '../../../ml/operators/detect-operator.ts';
import type { AnomalyEvent } from '../../../services/domain/anomaly.ts';
import type { Reading } from '../../../services/domain/reading.ts';
import { IncompatibleStateError } from '../../../services/engine/checkpoint/checkpoint-errors.ts';
import type { OperatorSnapshot } from '../../../services/engine/checkpoint/checkpoint-types.ts';
import { keyGroupOf, keyGroupRange, subtaskOf } from '../../../services/engine/key-groups.ts';
import { OperatorHarness, restoredOperator, throughCodec } from '../../support/operator-harness.ts';
import { SPECS_WITH_SILENCE, series } from './detect-fixtures.ts';

type Make = () => DetectOperator<Reading>;

const DEVICES = ['d1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7', 'd8'];

const spikes: Make = () =>
  new DetectOperator<Reading>({
    name: 'detect(spikes)',
    detectorName: 'spikes',
    per: 'series',
    input: seriesInput,
    detector: {
      members: [{ detector: 'rolling-z-score', params: { window: 60, warmup: 20 } }],
      combine: 'max',
    },
    decision: { threshold: 0.5, clearThreshold: 0.4, cooldownMs: 60_000 },
    overrides: [{ devices: ['d3'], cooldownMs: 10_000 }],
  });

const dropouts: Make = () =>
  new DetectOperator<Reading>({
    name: 'detect(dropouts)',
    detectorName: 'dropouts',
    per: 'series',
    input: seriesInput,
    detector: { members: [{ detector: 'silence', params: { gapMs: 5_000 } }], combine: 'max' },
    decision: { threshold: 0.5, clearThreshold: 0.5, cooldownMs: 20_000 },
    specs: SPECS_WITH_SILENCE,
  });

const ensemble: Make = () =>
  new DetectOperator<Reading>({
    name: 'detect(default)',
    detectorName: 'default',
    per: 'series',
    input: seriesInput,
    detector: {
      members: [
        { detector: 'median-mad', params: {} },
        { detector: 'dropout', params: {} },
      ],
      combine: 'max',
    },
    decision: { threshold: 0.5, clearThreshold: 0.4, cooldownMs: 20_000 },
  });

/** Spikes at 40–45 s (an incident open across the cut at 43 s), 90 s (cooling down) and 150 s. */
const SPIKY = series(DEVICES, 200, {
  spikes: new Map([40, 41, 42, 43, 44, 45, 90, 150].map((s): [number, number] => [s, 30 + s / 10])),
});

/** Every device until 20 s; half of them stop there, d5 comes back at 50 s, the others go on to 120 s. */
const GAPPY = [
  ...series(DEVICES, 20),
  ...series(['d1', 'd2', 'd3', 'd4'], 100, { start: 20_000 }),
  ...series(['d5'], 30, { start: 50_000 }),
].sort((a, b) => a.ts - b.ts);

/** Feeds records, each followed by a watermark 2 s behind it (at the end, `endWatermark`); the events out. */
function feed(
  harnesses: readonly OperatorHarness<Reading, AnomalyEvent>[],
  input: readonly Reading[],
  endWatermark?: number,
) {
  const route = (r: Reading) =>
    harnesses.length === 1 ? 0 : subtaskOf(keyGroupOf(seriesInput(r).key, 128), harnesses.length, 128);
  for (const r of input) {
    harnesses[route(r)]!.element(r, r.ts);
    for (const h of harnesses) h.watermark(r.ts - 2_000);
  }
  if (endWatermark !== undefined) for (const h of harnesses) h.watermark(endWatermark);
  return harnesses.flatMap((h) => h.take().flatMap((e) => ('record' in e ? [e.record as AnomalyEvent] : [])));
}

/** `parallelism` fresh subtasks, restored from `snapshots` when given (each its key-group range). */
function subtasks(make: Make, parallelism: number, snapshots?: readonly OperatorSnapshot[]) {
  return Array.from({ length: parallelism }, (_, index) => {
    const h = new OperatorHarness(make(), {
      uid: 'detector-x',
      ...(parallelism > 1 ? { subtask: { index, parallelism } } : {}),
    });
    if (snapshots)
      h.restore(restoredOperator(snapshots.map(throughCodec), keyGroupRange(index, parallelism, 128)));
    return h;
  });
}

/** Runs `input` cut at `cut`: `before` subtasks, a checkpoint, `after` subtasks restored from it. */
function runWithRestore(make: Make, input: readonly Reading[], cut: number, before: number, after: number) {
  const first = subtasks(make, before);
  const out = feed(first, input.slice(0, cut));
  const snapshots = first.map((h) => h.snapshot());
  return [...out, ...feed(subtasks(make, after, snapshots), input.slice(cut), END)];
}

/** After the input: every silence timer due. */
const END = 1_000_000;

const multiset = (events: readonly AnomalyEvent[]) => events.map((e) => JSON.stringify(e)).sort();

describe.each([
  { name: 'spikes (an incident open, cool-downs running)', make: spikes, input: SPIKY, cutAt: 43_000 },
  { name: 'dropouts (silence timers pending)', make: dropouts, input: GAPPY, cutAt: 22_000 },
  { name: 'an ensemble with the dropout detector', make: ensemble, input: GAPPY, cutAt: 21_000 },
])('DetectOperator checkpoints: $name', ({ make, input, cutAt }) => {
  const cut = input.findIndex((r) => r.ts >= cutAt);
  const reference = feed(subtasks(make, 1), input, END);

  it('has something to restore', () => {
    expect(reference.length).toBeGreaterThanOrEqual(8);
    expect(reference.length).toBeLessThan(3 * DEVICES.length); // incidents, not records
  });

  it('gives the same events after a restore at the same parallelism', () => {
    expect(runWithRestore(make, input, cut, 1, 1)).toEqual(reference);
  });

  it('gives the same events after a restore split across key-group ranges, and merged back', () => {
    expect(multiset(runWithRestore(make, input, cut, 1, 2))).toEqual(multiset(reference));
    expect(multiset(runWithRestore(make, input, cut, 2, 3))).toEqual(multiset(reference));
    expect(multiset(runWithRestore(make, input, cut, 3, 1))).toEqual(multiset(reference));
  });
});

describe('DetectOperator checkpoint contents', () => {
  it('names the detectors and their hyperparameters in the shape, and holds JSON-safe keys by key group', () => {
    const h = subtasks(spikes, 1)[0]!;
    feed([h], SPIKY.slice(0, 50 * DEVICES.length));
    const snapshot = h.snapshot();
    expect(snapshot).toMatchObject({
      uid: 'detector-x',
      kind: 'detect',
      keys: DEVICES.length,
      shape: {
        layout: 1,
        per: 'series',
        combine: 'max',
        members: [
          { detector: 'rolling-z-score', params: { feature: 'value', window: 60, threshold: 3, warmup: 20 } },
        ],
      },
    });
    const saved = [...snapshot.keyGroups.values()].flat() as unknown[][];
    expect(saved).toHaveLength(DEVICES.length);
    expect(JSON.parse(JSON.stringify(saved))).toEqual(saved);
  });

  it('refuses a checkpoint of other detectors or parameters, naming the operator', () => {
    const h = subtasks(spikes, 1)[0]!;
    feed([h], SPIKY.slice(0, 100));
    const snapshot = h.snapshot();
    const other = new OperatorHarness(dropouts(), { uid: 'detector-x' });
    expect(() => other.restore(restoredOperator([snapshot]))).toThrow(IncompatibleStateError);
    expect(() => other.restore(restoredOperator([snapshot]))).toThrow(/detector-x/);
  });
});
