import type { Key, KeySelector } from '../api/functions.ts';
import type { OutputTag } from '../api/output-tag.ts';
import type { Sink } from '../api/sink.ts';
import type { Source, SourceSplit } from '../api/source.ts';
import type { StreamOperator } from '../runtime/stream-operator.ts';
import type { WatermarkStrategy } from '../time/watermark-strategy.ts';

/**
 * The logical plan: what the user's builder calls produced, before any decision about tasks,
 * chaining or parallelism. Each node knows its input; the planner derives the consumers.
 */
export type Transformation =
  | SourceTransformation
  | OperatorTransformation
  | PartitionTransformation
  | SideOutputTransformation
  | SinkTransformation;

interface Node {
  readonly id: number;
  readonly name: string;
  /**
   * The id its state is stored under in checkpoints, set by the user (`DataStream.uid`, Flink's
   * `uid()`); without it the runtime derives one from the node's name and position (see
   * `runtime/checkpointing/operator-uid.ts`). Set once, while the job is being built.
   */
  uid?: string;
}

export interface SourceTransformation extends Node {
  readonly kind: 'source';
  // biome-ignore lint/suspicious/noExplicitAny: the graph is heterogeneous; the builder keeps types
  readonly source: Source<any>;
  /**
   * Set for a parallel source (`env.fromParallelSource`): makes the source of one split. At
   * parallelism > 1 each subtask runs split `index` of `count` in its own thread, and `source` is
   * a stand-in that is never opened.
   */
  // biome-ignore lint/suspicious/noExplicitAny: see above
  readonly createSplit?: (split: SourceSplit) => Source<any>;
  // biome-ignore lint/suspicious/noExplicitAny: see above
  readonly watermarks: WatermarkStrategy<any>;
}

export interface OperatorTransformation extends Node {
  readonly kind: 'operator';
  readonly input: Transformation;
  /** Makes a fresh operator instance (one per subtask once parallelism arrives). */
  // biome-ignore lint/suspicious/noExplicitAny: see above
  readonly createOperator: () => StreamOperator<any, any>;
  /** Keyed operators must receive every record of a key: the planner places a key-group partition before them. */
  readonly keyed: boolean;
}

/** `keyBy`: records of one key go to the subtask owning its key group. A forward edge at parallelism 1. */
export interface PartitionTransformation extends Node {
  readonly kind: 'partition';
  readonly input: Transformation;
  // biome-ignore lint/suspicious/noExplicitAny: see above
  readonly keySelector: KeySelector<any, Key>;
}

/** The records an operator emitted to the side output `tag`. */
export interface SideOutputTransformation extends Node {
  readonly kind: 'side-output';
  readonly input: OperatorTransformation;
  // biome-ignore lint/suspicious/noExplicitAny: see above
  readonly tag: OutputTag<any>;
}

export interface SinkTransformation extends Node {
  readonly kind: 'sink';
  readonly input: Transformation;
  // biome-ignore lint/suspicious/noExplicitAny: see above
  readonly sink: Sink<any>;
}
