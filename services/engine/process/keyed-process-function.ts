import type { Key } from '../api/functions.ts';
import type { OutputTag } from '../api/output-tag.ts';
import type { KeyedStateContext } from '../state/keyed-state.ts';

/** Receives a function's main output. */
export interface Collector<T> {
  collect(value: T): void;
}

/** Which clock a timer belongs to. */
export type TimeDomain = 'event-time' | 'processing-time';

/**
 * Timers of the current key (Flink's `TimerService`). A timer is per key and time: registering the
 * same one twice keeps one. Event-time timers fire when the watermark reaches their time (a timer
 * already behind the watermark fires on the next watermark); processing-time timers fire from the
 * operator's `Clock`.
 */
export interface TimerService {
  currentProcessingTime(): number;
  /** The last watermark the operator received (`MIN_WATERMARK` before the first). */
  currentWatermark(): number;
  registerEventTimeTimer(time: number): void;
  registerProcessingTimeTimer(time: number): void;
  deleteEventTimeTimer(time: number): void;
  deleteProcessingTimeTimer(time: number): void;
}

/** What `processElement` gets besides the element. */
export interface ProcessContext<K extends Key> {
  /** The element's event time (in `onTimer`: the timer's time). */
  readonly timestamp: number;
  readonly currentKey: K;
  readonly timerService: TimerService;
  /** Emits `value` to the side output `tag`, with the same timestamp as the main output. */
  output<X>(tag: OutputTag<X>, value: X): void;
}

/** What `onTimer` gets: the process context plus the timer's time domain. */
export interface OnTimerContext<K extends Key> extends ProcessContext<K> {
  readonly timeDomain: TimeDomain;
}

/**
 * A low-level keyed step with state and timers (Flink's `KeyedProcessFunction`), run by
 * `keyedStream.process(fn)`. `open` gets state handles; `processElement` is called per element
 * with the element's key current; `onTimer` when a timer of that key fires. Output records carry
 * the element's timestamp in `processElement` and the timer's time in `onTimer` (processing-time
 * timers too: such records may be late for event-time windows downstream).
 *
 * Keep state in state handles, not in fields: handles are per key and checkpointed. A function
 * object is opened once per operator instance; pass a factory (`() => fn`) where one object must
 * not be shared (parallel subtasks).
 *
 * @example
 * // Per device: count readings; after 1 min of event time without one, emit the count and reset.
 * class CountUntilSilent implements KeyedProcessFunction<string, Reading, [string, number]> {
 *   private count!: ValueState<number>;
 *   private timer!: ValueState<number | undefined>;
 *   open(ctx: KeyedStateContext) {
 *     this.count = ctx.getState(new ValueStateDescriptor<number>('count', 0));
 *     this.timer = ctx.getState(new ValueStateDescriptor<number | undefined>('timer'));
 *   }
 *   processElement(_reading: Reading, ctx: ProcessContext<string>) {
 *     this.count.update(this.count.value() + 1);
 *     const previous = this.timer.value();
 *     if (previous !== undefined) ctx.timerService.deleteEventTimeTimer(previous);
 *     const silentAt = Math.max(previous ?? 0, ctx.timestamp + 60_000);
 *     ctx.timerService.registerEventTimeTimer(silentAt);
 *     this.timer.update(silentAt);
 *   }
 *   onTimer(_time: number, ctx: OnTimerContext<string>, out: Collector<[string, number]>) {
 *     out.collect([ctx.currentKey, this.count.value()]);
 *     this.count.clear();
 *     this.timer.clear();
 *   }
 * }
 * readings.keyBy((r) => r.device).process(new CountUntilSilent()).sinkTo(sink);
 */
export interface KeyedProcessFunction<K extends Key, IN, OUT> {
  open?(ctx: KeyedStateContext): Promise<void> | void;
  processElement(value: IN, ctx: ProcessContext<K>, out: Collector<OUT>): void;
  onTimer?(timestamp: number, ctx: OnTimerContext<K>, out: Collector<OUT>): void;
  close?(): Promise<void> | void;
}
