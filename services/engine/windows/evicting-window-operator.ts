import type { Key } from '../api/functions.ts';
import type { Evictor, TimestampedValue } from './evictors/evictor.ts';
import type { TimeWindow } from './time-window.ts';
import { WindowOperatorBase } from './window-operator-base.ts';
import type { WindowOperatorConfig } from './window-operator-config.ts';
import { describeObject } from './window-shape.ts';

export interface EvictingWindowOperatorConfig<IN, K extends Key, ACC, R, OUT>
  extends WindowOperatorConfig<IN, K, ACC, R, OUT> {
  readonly evictor: Evictor<IN>;
}

/**
 * Keyed windows with an evictor (Flink's `EvictingWindowOperator`): each key and window keeps its
 * records (list state), since an evictor may remove any of them. When a window fires: `evictBefore`,
 * aggregate what remains, emit, `evictAfter`; evicted records are gone for later firings too.
 * Merged windows concatenate their records.
 */
export class EvictingWindowOperator<IN, K extends Key, ACC, R, OUT> extends WindowOperatorBase<
  IN,
  K,
  TimestampedValue<IN>[],
  R,
  OUT
> {
  private readonly evictor: Evictor<IN>;

  constructor(config: EvictingWindowOperatorConfig<IN, K, ACC, R, OUT>) {
    super(config as WindowOperatorConfig<IN, K, unknown, R, OUT>);
    if (config.evictor === undefined || config.evictor === null) {
      throw new TypeError('an evicting window operator needs an evictor (CountEvictor, TimeEvictor…)');
    }
    this.evictor = config.evictor;
  }

  protected add(
    elements: TimestampedValue<IN>[] | undefined,
    value: IN,
    timestamp: number,
  ): TimestampedValue<IN>[] {
    const element = { value, timestamp };
    if (elements === undefined) return [element];
    elements.push(element);
    return elements;
  }

  protected mergeState(
    target: TimestampedValue<IN>[],
    source: TimestampedValue<IN>[],
  ): TimestampedValue<IN>[] {
    for (const element of source) target.push(element);
    return target;
  }

  protected emitWindow(
    window: TimeWindow,
    elements: TimestampedValue<IN>[],
  ): TimestampedValue<IN>[] | undefined {
    const ctx = this.triggerContext;
    this.evictor.evictBefore(elements, window, ctx);
    const aggregate = this.aggregate;
    let accumulator = aggregate.createAccumulator();
    for (const element of elements) accumulator = aggregate.add(element.value, accumulator);
    const result = aggregate.getResult(accumulator);
    this.emit(this.resultFunction(this.backend.currentKey, window, result), window.maxTimestamp());
    this.evictor.evictAfter(elements, window, ctx);
    return elements.length === 0 ? undefined : elements;
  }

  /**
   * The records as two columns, a copy of the list (evictors change it in place); the records
   * themselves are shared, as records are never changed once emitted.
   */
  protected writeState(elements: TimestampedValue<IN>[]): unknown {
    const values = new Array<IN>(elements.length);
    const timestamps = new Float64Array(elements.length);
    for (let i = 0; i < elements.length; i++) {
      values[i] = elements[i]!.value;
      timestamps[i] = elements[i]!.timestamp;
    }
    return { values, timestamps };
  }

  protected readState(data: unknown): TimestampedValue<IN>[] {
    const { values, timestamps } = data as { values: IN[]; timestamps: Float64Array };
    return values.map((value, i) => ({ value, timestamp: timestamps[i]! }));
  }

  protected contentsShape(): { contents: string; evictor: string } {
    return { contents: 'elements', evictor: describeObject(this.evictor) };
  }
}
