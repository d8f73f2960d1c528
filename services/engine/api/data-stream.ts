import type { OperatorTransformation, Transformation } from '../graph/transformation.ts';
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

  /** Ends the stream in a sink. A stream may feed several sinks and operators. */
  sinkTo(sink: Sink<T>): void {
    this.env.addTransformation({ kind: 'sink', name: sink.name, input: this.transformation, sink });
  }
}
