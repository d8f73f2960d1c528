import { restoreAccumulator, snapshotAccumulator } from '../aggregates/accumulator-snapshots.ts';
import type { AggregateFunction, Key } from '../api/functions.ts';
import type { TimeWindow } from './time-window.ts';
import { WindowOperatorBase } from './window-operator-base.ts';
import type { WindowOperatorConfig } from './window-operator-config.ts';

export type { WindowOperatorConfig, WindowResultFunction } from './window-operator-config.ts';

/**
 * Keyed windows with incremental aggregation (Flink's `WindowOperator` with an aggregating window
 * state): each key and window keeps one accumulator, never its records. The record path of windows
 * that do not merge allocates nothing per record once a window exists.
 *
 * @example
 * const operator = new WindowOperator({
 *   name: 'window', keySelector: (r: Reading) => r.device,
 *   assigner: TumblingEventTimeWindows.of(10_000), trigger: EventTimeTrigger.create(),
 *   aggregate: summaryStats((r: Reading) => r.value), resultFunction: (device, window, stats) => ({ device, ...stats }),
 *   allowedLatenessMs: 0,
 * });
 */
export class WindowOperator<IN, K extends Key, ACC, R, OUT> extends WindowOperatorBase<IN, K, ACC, R, OUT> {
  private readonly accumulating: AggregateFunction<IN, ACC, R>;

  constructor(config: WindowOperatorConfig<IN, K, ACC, R, OUT>) {
    super(config as WindowOperatorConfig<IN, K, unknown, R, OUT>);
    this.accumulating = config.aggregate;
  }

  protected add(accumulator: ACC | undefined, value: IN): ACC {
    const aggregate = this.accumulating;
    return aggregate.add(value, accumulator === undefined ? aggregate.createAccumulator() : accumulator);
  }

  protected mergeState(target: ACC, source: ACC): ACC {
    return this.accumulating.merge(target, source);
  }

  protected emitWindow(window: TimeWindow, accumulator: ACC): ACC {
    const result = this.accumulating.getResult(accumulator);
    this.emit(this.resultFunction(this.backend.currentKey, window, result), window.maxTimestamp());
    return accumulator;
  }

  /** A copy of the accumulator, in the aggregate's plain form (its `snapshotAccumulator`, else a deep copy). */
  protected writeState(accumulator: ACC): unknown {
    return snapshotAccumulator(this.accumulating, accumulator);
  }

  protected readState(data: unknown): ACC {
    return restoreAccumulator(this.accumulating, data);
  }

  protected contentsShape(): { contents: string } {
    return { contents: 'accumulator' };
  }
}
