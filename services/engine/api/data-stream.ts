import type { OperatorTransformation, SinkTransformation, Transformation } from '../graph/transformation.ts';
import { describeNode, operatorUid } from '../runtime/checkpointing/operator-uid.ts';
import { FilterOperator } from '../runtime/operators/filter-operator.ts';
import { FlatMapOperator } from '../runtime/operators/flat-map-operator.ts';
import { MapOperator } from '../runtime/operators/map-operator.ts';
import type { StreamOperator } from '../runtime/stream-operator.ts';
import type { FilterFunction, FlatMapFunction, Key, KeySelector, MapFunction } from './functions.ts';
import { KeyedStream } from './keyed-stream.ts';
import type { OutputTag } from './output-tag.ts';
import type { Sink } from './sink.ts';
import type { StreamEnvironment } from './stream-environment.ts';

/**
 * A stream of records of type `T` in a job being built. Every call adds a step to the logical plan
 * and returns the new stream; nothing runs until `env.start()`.
 *
 * @example
 * env.fromSource(source, watermarks)
 *   .filter((r) => r.metric === 'temperature')
 *   .keyBy((r) => r.device)
 *   .window(TumblingEventTimeWindows.of(10_000))
 *   .aggregate(summaryStats((r) => r.value), (device, window, stats) => ({ device, ...stats }))
 *   .sinkTo(sink);
 */
export class DataStream<T> {
  constructor(
    readonly env: StreamEnvironment,
    readonly transformation: Transformation,
  ) {}

  map<OUT>(fn: MapFunction<T, OUT>, name = 'map'): DataStream<OUT> {
    return this.transform(name, () => new MapOperator<T, OUT>(name, fn));
  }

  filter(fn: FilterFunction<T>, name = 'filter'): DataStream<T> {
    return this.transform(name, () => new FilterOperator<T>(name, fn));
  }

  flatMap<OUT>(fn: FlatMapFunction<T, OUT>, name = 'flat-map'): DataStream<OUT> {
    return this.transform(name, () => new FlatMapOperator<T, OUT>(name, fn));
  }

  /** Partitions by key: each key's records reach one subtask, in order, with that key's state. */
  keyBy<K extends Key>(keySelector: KeySelector<T, K>, name = 'key-by'): KeyedStream<T, K> {
    const partition = this.env.addTransformation({
      kind: 'partition',
      name,
      input: this.transformation,
      keySelector,
    });
    return new KeyedStream<T, K>(this.env, partition, keySelector);
  }

  /** Adds a custom operator (the extension point built-in steps use too). */
  transform<OUT>(name: string, createOperator: () => StreamOperator<T, OUT>, keyed = false): DataStream<OUT> {
    const node = this.env.addTransformation<OperatorTransformation>({
      kind: 'operator',
      name,
      input: this.transformation,
      createOperator,
      keyed,
    });
    return new DataStream<OUT>(this.env, node);
  }

  /**
   * The records this stream's operator emitted to the side output `tag` (for example a window's
   * late records, see `WindowedStream.sideOutputLateData`).
   */
  getSideOutput<X>(tag: OutputTag<X>): DataStream<X> {
    const input = this.transformation;
    if (input.kind !== 'operator') {
      throw new Error(
        `getSideOutput(${tag.id}): "${input.name}" is not an operator, so it has no side outputs`,
      );
    }
    const node = this.env.addTransformation({
      kind: 'side-output',
      name: `side-output:${tag.id}`,
      input,
      tag,
    });
    return new DataStream<X>(this.env, node);
  }

  /**
   * The id this stream's operator (or source) keeps its state under in checkpoints, as Flink's
   * `uid()`: with one, a restore still finds the state after steps were added or removed elsewhere
   * in the job. Without one it is derived from the step's name and position. It must be non-empty
   * and unique in the job.
   *
   * @example
   * readings.keyBy((r) => r.device).window(TumblingEventTimeWindows.of(10_000))
   *   .aggregate(summaryStats((r: Reading) => r.value)).uid('device-stats-10s');
   */
  uid(uid: string): this {
    const node = this.transformation;
    if (node.kind === 'partition' || node.kind === 'side-output') {
      throw new Error(
        `uid("${uid}"): ${describeNode(node)} holds no state of its own; set the uid on the operator it comes from`,
      );
    }
    setUid(this.env, node, uid);
    return this;
  }

  /** Ends the stream in a sink. A stream may feed several sinks and operators. */
  sinkTo(sink: Sink<T>): DataStreamSink {
    const node = this.env.addTransformation<SinkTransformation>({
      kind: 'sink',
      name: sink.name,
      input: this.transformation,
      sink,
    });
    return new DataStreamSink(this.env, node);
  }
}

/** A stream's end in a sink (what `sinkTo` returns): gives the sink's state a uid of its own. */
export class DataStreamSink {
  constructor(
    readonly env: StreamEnvironment,
    readonly transformation: SinkTransformation,
  ) {}

  /** The id the sink keeps its state under in checkpoints (see {@link DataStream.uid}). */
  uid(uid: string): this {
    setUid(this.env, this.transformation, uid);
    return this;
  }
}

/** Sets a user uid on `node`: non-empty, set once, and not the uid of another node of the job. */
function setUid(env: StreamEnvironment, node: Transformation, uid: string): void {
  if (typeof uid !== 'string' || uid.trim() === '')
    throw new Error(`uid of ${describeNode(node)}: give a non-empty string, got ${JSON.stringify(uid)}`);
  if (node.uid !== undefined && node.uid !== uid)
    throw new Error(`${describeNode(node)} already has uid "${node.uid}"; it cannot also be "${uid}"`);
  const other = env.plan.find(
    (n) => n !== node && n.kind !== 'partition' && n.kind !== 'side-output' && operatorUid(n) === uid,
  );
  if (other) {
    throw new Error(
      `uid "${uid}" of ${describeNode(node)} is already the uid of ${describeNode(other)}: uids must be unique in a job`,
    );
  }
  node.uid = uid;
}
