import type { Transformation } from '../graph/transformation.ts';
import type { KeyedProcessFunction } from '../process/keyed-process-function.ts';
import { KeyedProcessOperator } from '../process/keyed-process-operator.ts';
import { GlobalWindows } from '../windows/assigners/global-windows.ts';
import type { WindowAssigner } from '../windows/assigners/window-assigner.ts';
import { CountEvictor } from '../windows/evictors/count-evictor.ts';
import { CountTrigger } from '../windows/triggers/count-trigger.ts';
import { PurgingTrigger } from '../windows/triggers/purging-trigger.ts';
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
   * Count windows, as in Flink: `countWindow(n)` emits per key every `n` records (and forgets them);
   * `countWindow(n, slide)` emits the last `n` records every `slide` records. Built on
   * `GlobalWindows`, so results carry timestamp `MAX_WATERMARK` (see `GLOBAL_WINDOW`).
   *
   * @example
   * keyed.countWindow(100).aggregate(summaryStats((r: Reading) => r.value)); // every 100 readings
   * keyed.countWindow(100, 10).aggregate(summaryStats((r: Reading) => r.value)); // last 100, every 10
   */
  countWindow(n: number, slide?: number): WindowedStream<T, K> {
    const windowed = this.window(GlobalWindows.create<T>());
    if (slide === undefined) return windowed.trigger(PurgingTrigger.of(CountTrigger.of<T>(n)));
    return windowed.evictor(CountEvictor.of<T>(n)).trigger(CountTrigger.of<T>(slide));
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
