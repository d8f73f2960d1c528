import { OutputTag } from '../../services/engine/api/output-tag.ts';
import type { OnlineEstimator } from '../core/estimator.ts';
import type { GlobalLearning } from '../core/partial-update.ts';

/**
 * What a subtask's learner sends its merger (keyed by `GLOBAL_MODEL_KEY`): a round's partial
 * update, or (no `end`) a hello when it starts. Both carry the replica's id and model version,
 * so the merger knows where to send models and re-sends the current one to a replica behind it.
 */
export interface GlobalPartial {
  /** The learner's replica id (see `newReplicaId`). */
  readonly replica: string;
  /** The model version of the replica when it sent this. */
  readonly version: number;
  /** The learner's subtask: a round's partials are merged in subtask order. */
  readonly subtask: number;
  /** The round's end (exclusive, event time); absent for a hello. */
  readonly end?: number;
  /** Examples learned into the partial (0: an empty round, `partial` absent). */
  readonly count: number;
  /** `GlobalLearning.savePartial` of the partial. */
  readonly partial?: unknown;
}

/** The side output a global learner emits its partials to (one per learner node). */
export const GLOBAL_PARTIALS = new OutputTag<GlobalPartial>('global-model-partials');

/**
 * The end of the round holding event time `t`: rounds are `[end − everyMs, end)` with `end` a
 * multiple of `everyMs`, as tumbling windows; a round is over once the watermark reaches `end − 1`.
 *
 * @example
 * roundEnd(12_345, 10_000); // 20_000
 */
export function roundEnd(t: number, everyMs: number): number {
  return (Math.floor(t / everyMs) + 1) * everyMs;
}

/** The end of the last round a watermark closed (rounds with `end − 1 <= watermark`). */
export function closedThrough(watermark: number, everyMs: number): number {
  return Math.floor((watermark + 1) / everyMs) * everyMs;
}

/** One round's partial update and how many examples it holds. */
export interface PendingRound<P> {
  count: number;
  readonly partial: P;
}

/** A round as checkpoints keep it: `[end, source subtask, count, saved partial]`. */
export type SavedRound = [end: number, source: number, count: number, partial: unknown];

/**
 * Partial updates of the rounds not merged yet, by round end and by the subtask they come from: a
 * learner's (its own records, source 0) and a merger's (every subtask's). A closed round merges
 * its sources in subtask order, whatever order they arrived in, so that at parallelism > 1 the
 * merge is the same in every run (class and label order, k-means' initial samples).
 * Checkpointed as {@link SavedRound}s; loading several old subtasks' rounds merges those of the
 * same round and source.
 *
 * @example
 * const rounds = new PendingRounds(learning);
 * const round = rounds.at(20_000);
 * if (learning.addExample(round.partial, replica, x, y)) round.count++;
 * rounds.takeClosed(19_999); // [[20_000, { count, partial }]]
 */
export class PendingRounds<P = unknown> {
  private readonly rounds = new Map<number, Map<number, PendingRound<P>>>();

  constructor(private readonly learning: GlobalLearning<OnlineEstimator, P>) {}

  get size(): number {
    return this.rounds.size;
  }

  /** The partial of source `source` for the round ending at `end`, created empty when new. */
  at(end: number, source = 0): PendingRound<P> {
    let sources = this.rounds.get(end);
    if (sources === undefined) {
      sources = new Map();
      this.rounds.set(end, sources);
    }
    let round = sources.get(source);
    if (round === undefined) {
      round = { count: 0, partial: this.learning.emptyPartial() };
      sources.set(source, round);
    }
    return round;
  }

  /** Merges `partial` (holding `count` examples) into source `source`'s part of the round ending at `end`. */
  add(end: number, count: number, partial: P, source = 0): void {
    const round = this.at(end, source);
    this.learning.mergePartials(round.partial, partial);
    round.count += count;
  }

  /**
   * Removes the rounds a watermark closed (`end − 1 <= watermark`) and returns each, oldest first,
   * with its sources merged in subtask order.
   */
  takeClosed(watermark: number): [end: number, round: PendingRound<P>][] {
    const closed = [...this.rounds.keys()].filter((end) => end - 1 <= watermark).sort((a, b) => a - b);
    return closed.map((end) => {
      const sources = [...this.rounds.get(end)!].sort(([a], [b]) => a - b);
      this.rounds.delete(end);
      if (sources.length === 1) return [end, sources[0]![1]];
      const merged: PendingRound<P> = { count: 0, partial: this.learning.emptyPartial() };
      for (const [, { count, partial }] of sources) {
        this.learning.mergePartials(merged.partial, partial);
        merged.count += count;
      }
      return [end, merged];
    });
  }

  /** Every round as plain data (copies: later learning does not change them). */
  save(): SavedRound[] {
    return [...this.rounds].flatMap(([end, sources]) =>
      [...sources].map(
        ([source, { count, partial }]): SavedRound => [
          end,
          source,
          count,
          this.learning.savePartial(partial),
        ],
      ),
    );
  }

  /** Merges saved rounds in (all into source 0 when `intoSource` is given, e.g. a learner's own). */
  load(saved: readonly SavedRound[], intoSource?: number): void {
    for (const [end, source, count, partial] of saved) {
      this.add(end, count, this.learning.loadPartial(partial), intoSource ?? source);
    }
  }
}
