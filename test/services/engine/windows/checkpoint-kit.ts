import { expect } from 'vitest';
import type { Key } from '../../../../services/engine/api/functions.ts';
import type { OperatorSnapshot } from '../../../../services/engine/checkpoint/checkpoint-types.ts';
import { keyGroupOf, keyGroupRange, subtaskOf } from '../../../../services/engine/key-groups.ts';
import type { StreamOperator } from '../../../../services/engine/runtime/stream-operator.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';
import {
  type Emitted,
  OperatorHarness,
  restoredOperator,
  throughCodec,
} from '../../../support/operator-harness.ts';

const MAX_PARALLELISM = 128;

/** One step of a time script: a record at an event time, a watermark, or processing time moving on. */
export type Step<IN> = { el: IN; ts: number } | { wm: number } | { tick: number };

/** How to make the operator under test and read a record's key (to route records to subtasks). */
export interface Subject<IN> {
  make(): StreamOperator<IN, unknown>;
  key(value: IN): Key;
}

/** Where a script is cut: after `at` steps, snapshot every subtask and restore at `parallelism`. */
export interface Cut {
  readonly at: number;
  readonly parallelism: number;
}

export interface CutOptions {
  /** Pass every snapshot through the real snapshot file codec. Default false. */
  readonly codec?: boolean;
  /** Processing time at the start. Default 0. */
  readonly startMs?: number;
}

/** The output of running the whole script on one operator, never interrupted. */
export function uninterrupted<IN>(
  subject: Subject<IN>,
  steps: readonly Step<IN>[],
  startMs = 0,
): Emitted<unknown>[] {
  return withCuts(subject, steps, [], { startMs }).output;
}

/**
 * Runs the script from parallelism 1, cutting it at each `cut`: every subtask is snapshotted and
 * the job continues on fresh operators at the cut's parallelism, each restored with its key-group
 * range (records go to the subtask of their key's group, watermarks and clock ticks to all).
 * Returns the output in order (subtasks of a phase one after the other) and the snapshots.
 */
export function withCuts<IN>(
  subject: Subject<IN>,
  steps: readonly Step<IN>[],
  cuts: readonly Cut[],
  options: CutOptions = {},
): { output: Emitted<unknown>[]; snapshots: OperatorSnapshot[][] } {
  let now = options.startMs ?? 0;
  let harnesses = [new OperatorHarness(subject.make(), { clock: new ManualClock(now), uid: 'op' })];
  const output: Emitted<unknown>[] = [];
  const snapshots: OperatorSnapshot[][] = [];
  const drain = () => {
    for (const h of harnesses) output.push(...h.take());
  };
  let next = 0;
  const runTo = (end: number) => {
    for (; next < end; next++) {
      const step = steps[next]!;
      if ('el' in step) {
        const group = keyGroupOf(subject.key(step.el), MAX_PARALLELISM);
        harnesses[subtaskOf(group, harnesses.length, MAX_PARALLELISM)]!.element(step.el, step.ts);
      } else if ('wm' in step) {
        for (const h of harnesses) h.watermark(step.wm);
      } else {
        now += step.tick;
        for (const h of harnesses) (h.clock as ManualClock).advanceTo(now);
      }
    }
  };
  for (const cut of cuts) {
    runTo(cut.at);
    drain();
    const taken = harnesses.map((h, i) => {
      const snapshot = h.snapshot(i + 1);
      return options.codec ? throughCodec(snapshot) : snapshot;
    });
    snapshots.push(taken);
    for (const h of harnesses) void h.operator.close();
    const p = cut.parallelism;
    harnesses = Array.from({ length: p }, (_, index) => {
      const h = new OperatorHarness(subject.make(), {
        clock: new ManualClock(now),
        uid: 'op',
        ...(p > 1 ? { subtask: { index, parallelism: p } } : {}),
      });
      return h.restore(restoredOperator(taken, keyGroupRange(index, p, MAX_PARALLELISM)));
    });
  }
  runTo(steps.length);
  drain();
  return { output, snapshots };
}

/** Records and side outputs as sorted strings, watermarks left out: what subtasks emit between them. */
export function recordMultiset(output: readonly Emitted<unknown>[]): string[] {
  return output
    .filter((item) => !('watermark' in item))
    .map((item) => JSON.stringify(item))
    .sort();
}

/**
 * The output with watermarks in place and the items between two watermarks sorted: timers of the
 * same time fire in key order before a cut and in key-group order after it, as in Flink (whose
 * `WindowOperatorTest` compares outputs sorted the same way).
 */
export function betweenWatermarksSorted(output: readonly Emitted<unknown>[]): string[] {
  const result: string[] = [];
  let segment: string[] = [];
  for (const item of output) {
    if (!('watermark' in item)) {
      segment.push(JSON.stringify(item));
      continue;
    }
    result.push(...segment.sort(), `wm:${item.watermark}`);
    segment = [];
  }
  result.push(...segment.sort());
  return result;
}

/**
 * Cuts the script at every point at parallelism 1, and rescales 1 → 3 at every point and back to
 * 1 three steps later (half the runs through the snapshot codec): each gives the output of the
 * uninterrupted run (sorted between watermarks; rescaled: the same records).
 */
export function expectSameAsUninterrupted<IN>(
  subject: Subject<IN>,
  steps: readonly Step<IN>[],
  startMs = 0,
): void {
  const whole = uninterrupted(subject, steps, startMs);
  expect(whole.length).toBeGreaterThan(0);
  for (let at = 0; at <= steps.length; at++) {
    const { output } = withCuts(subject, steps, [{ at, parallelism: 1 }], { codec: at % 2 === 0, startMs });
    expect(betweenWatermarksSorted(output), `cut after ${at} steps`).toEqual(betweenWatermarksSorted(whole));
  }
  for (let at = 0; at < steps.length; at++) {
    const cuts: Cut[] = [
      { at, parallelism: 3 },
      { at: Math.min(steps.length, at + 3), parallelism: 1 },
    ];
    const { output } = withCuts(subject, steps, cuts, { codec: at % 2 === 1, startMs });
    expect(recordMultiset(output), `rescaled 1 → 3 after ${at} steps, back to 1 after ${at + 3}`).toEqual(
      recordMultiset(whole),
    );
  }
}
