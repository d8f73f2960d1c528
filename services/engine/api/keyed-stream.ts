import type { Transformation } from '../graph/transformation.ts';
import type { KeyedProcessFunction } from '../process/keyed-process-function.ts';
import { KeyedProcessOperator } from '../process/keyed-process-operator.ts';
import type { WindowAssigner } from '../windows/assigners/window-assigner.ts';
import { DataStream } from './data-stream.ts';
import type { Key, KeySelector } from './functions.ts';
import type { StreamEnvironment } from './stream-environment.ts';
import { WindowedStream } from './windowed-stream.ts';

/** A stream partitioned by key; keyed operations (windows, keyed state) hang off it. */
export class KeyedStream<T, K extends Key> {
  constructor(
    readonly env: StreamEnvironment,
    readonly transformation: Transformation,
    readonly keySelector: KeySelector<T, K>,
  ) {}

  window(assigner: WindowAssigner<T>): WindowedStream<T, K> {
    return new WindowedStream<T, K>(this, assigner);
  }

  /**
   * Runs a keyed process function: per element, with the element's key current, keyed state and
   * timers (see `process/keyed-process-function.ts`). Pass a factory (`() => fn`) for a fresh
   * function per operator instance.
   *
   * @example
   * // RisingOrSilent: test/services/engine/process/keyed-process-job.test.ts
   * const alerts = readings.keyBy((r) => r.device).process(new RisingOrSilent(), 'rising-or-silent');
   * alerts.sinkTo(alertSink);
   * alerts.getSideOutput(timeouts).sinkTo(timeoutSink);
   */
  process<OUT>(
    fn: KeyedProcessFunction<K, T, OUT> | (() => KeyedProcessFunction<K, T, OUT>),
    name = 'process',
  ): DataStream<OUT> {
    const keySelector = this.keySelector;
    const node = this.env.addTransformation({
      kind: 'operator',
      name,
      input: this.transformation,
      createOperator: () => new KeyedProcessOperator<K, T, OUT>({ name, keySelector, function: fn }),
      keyed: true,
    });
    return new DataStream<OUT>(this.env, node);
  }
}
