import { MIN_WATERMARK } from '../../time/watermark.ts';

/**
 * What a source task keeps in a checkpoint, under its source's uid (`OperatorSnapshot.operatorState`,
 * kind `source`): the source's own position and the event-time progress of its watermark generator.
 *
 * Flink restarts watermarks from nothing after a restore, so a record replayed after it can count
 * where it was late before. Eddy keeps the largest timestamp seen and the watermark emitted, and a
 * restored task emits that watermark before the first replayed record: a record late in the run
 * without a crash is late after the restore too, and results are identical.
 *
 * @example
 * const state: SourceTaskState = { hasSource: true, source: { offset: 4_000 }, maxTimestamp: 20_000, watermark: 17_999 };
 */
export interface SourceTaskState {
  /** Whether the source returned a state (`snapshotState`); `source` is it. */
  readonly hasSource: boolean;
  readonly source?: unknown;
  /** Largest event time the task saw; `-Infinity` before the first record. */
  readonly maxTimestamp: number;
  /** The last watermark the task emitted (`MIN_WATERMARK` before the first). */
  readonly watermark: number;
}

/** What a source task restores from: its own old state, or every old split's (rescaling). */
export interface RestoredSourceInput {
  /** The state to hand the source's `restoreState`, when there is one. */
  readonly source?: { readonly state: unknown };
  readonly maxTimestamp: number;
  readonly watermark: number;
}

/**
 * Chooses what a source task restores from the states of the old run (one per old split, in split
 * order): with as many splits as before, split `index` gets split `index`'s state as it was; at
 * another count it gets the list of every old split's source state, and the smallest event-time
 * progress among them (no record the old splits still accepted is late).
 */
export function sourceRestoreInput(
  uid: string,
  states: readonly unknown[],
  split: { readonly index: number; readonly count: number },
): RestoredSourceInput {
  const checked = states.map((state) => checkSourceTaskState(uid, state));
  if (checked.length === split.count) {
    const own = checked[split.index]!;
    return {
      ...(own.hasSource ? { source: { state: own.source } } : {}),
      maxTimestamp: own.maxTimestamp,
      watermark: own.watermark,
    };
  }
  const withSource = checked.filter((state) => state.hasSource);
  return {
    ...(withSource.length > 0 ? { source: { state: withSource.map((state) => state.source) } } : {}),
    maxTimestamp:
      checked.length === 0 ? Number.NEGATIVE_INFINITY : Math.min(...checked.map((s) => s.maxTimestamp)),
    watermark: checked.length === 0 ? MIN_WATERMARK : Math.min(...checked.map((s) => s.watermark)),
  };
}

function checkSourceTaskState(uid: string, state: unknown): SourceTaskState {
  const s = state as Partial<SourceTaskState> | null;
  if (
    typeof s !== 'object' ||
    s === null ||
    typeof s.hasSource !== 'boolean' ||
    typeof s.maxTimestamp !== 'number' ||
    typeof s.watermark !== 'number'
  ) {
    throw new Error(
      `cannot restore source "${uid}": its saved state is not a source task's ({ hasSource, maxTimestamp, watermark })`,
    );
  }
  return s as SourceTaskState;
}
