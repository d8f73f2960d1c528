import type { AggregateFunction, Key, KeySelector } from '../api/functions.ts';
import { BaseOperator } from '../runtime/operators/base-operator.ts';
import type { Output } from '../runtime/output.ts';
import type { OperatorContext, OperatorMetrics } from '../runtime/stream-operator.ts';
import { HeapKeyedStateBackend } from '../state/heap-keyed-state-backend.ts';
import { EventTimeTimers } from '../time/event-time-timers.ts';
import type { WindowAssigner } from './assigners/window-assigner.ts';
import type { TimeWindow } from './time-window.ts';
import { shouldFire, shouldPurge, type Trigger, type TriggerContext } from './triggers/trigger.ts';

/** Turns a window's aggregate into the operator's output; `key` and `window` say which it was. */
export type WindowResultFunction<K, R, OUT> = (key: K, window: TimeWindow, result: R) => OUT;

export interface WindowOperatorConfig<IN, K extends Key, ACC, R, OUT> {
  readonly name: string;
  readonly keySelector: KeySelector<IN, K>;
  readonly assigner: WindowAssigner<IN>;
  readonly trigger: Trigger<IN>;
  readonly aggregate: AggregateFunction<IN, ACC, R>;
  readonly resultFunction: WindowResultFunction<K, R, OUT>;
  /** How long after a window's end late records still update (and re-fire) it. */
  readonly allowedLatenessMs: number;
}

/** What a window holds: the window itself (for its bounds) and its accumulator. */
interface WindowContents<ACC> {
  readonly window: TimeWindow;
  accumulator: ACC;
  /**
   * The event-time timer last registered for this window and not fired or deleted since (NaN if
   * none). Triggers re-register the same timer on every record; this makes the repeat free.
   */
  registeredTimer: number;
}

const CONTENTS = 'window-contents';

/**
 * Keyed windows with incremental aggregation: glues an assigner, a trigger and an aggregate
 * function over keyed state and event-time timers (Flink's `WindowOperator`).
 *
 * Per record: key → windows → add to each window's accumulator → ask the trigger. A window's
 * state is namespaced by its start; its cleanup timer (`maxTimestamp + allowedLateness`) removes it.
 */
export class WindowOperator<IN, K extends Key, ACC, R, OUT> extends BaseOperator<IN, OUT> {
  // configuration
  private readonly config: WindowOperatorConfig<IN, K, ACC, R, OUT>;

  // not checkpointed
  private backend!: HeapKeyedStateBackend<K>;
  private contentsSlot = 0;
  private currentContents!: WindowContents<ACC>;
  private readonly eventTime: boolean;
  private readonly triggerContext: TriggerContext;
  private lateRecordsDropped = 0;

  // checkpointed (state backend and timers)
  private readonly timers = new EventTimeTimers<K>();

  constructor(config: WindowOperatorConfig<IN, K, ACC, R, OUT>) {
    super(config.name);
    if (!(config.allowedLatenessMs >= 0)) {
      throw new RangeError(`allowed lateness must be >= 0 ms, got ${config.allowedLatenessMs}`);
    }
    this.config = config;
    this.eventTime = config.assigner.isEventTime();
    const operator = this;
    this.triggerContext = {
      get currentWatermark() {
        return operator.watermark;
      },
      registerEventTimeTimer(time) {
        const contents = operator.currentContents;
        if (contents.registeredTimer === time) return;
        contents.registeredTimer = time;
        operator.timers.register(operator.backend.currentKey, contents.window.start, time);
      },
      deleteEventTimeTimer(time) {
        const contents = operator.currentContents;
        if (contents.registeredTimer === time) contents.registeredTimer = Number.NaN;
        operator.timers.delete(operator.backend.currentKey, contents.window.start, time);
      },
    };
  }

  override open(ctx: OperatorContext, output: Output<OUT>): void {
    super.open(ctx, output);
    this.backend = new HeapKeyedStateBackend<K>(ctx.maxParallelism);
    this.contentsSlot = this.backend.registerState(CONTENTS);
  }

  processElement(value: IN, timestamp: number): void {
    this.recordsIn++;
    const { keySelector, assigner, aggregate, trigger } = this.config;
    const backend = this.backend;
    backend.setCurrentKey(keySelector(value));
    const windows = assigner.assignWindows(value, timestamp);
    let accepted = false;
    for (let i = 0; i < windows.length; i++) {
      const window = windows[i]!;
      if (this.isLate(window)) continue;
      accepted = true;
      let contents = backend.get<WindowContents<ACC>>(this.contentsSlot, window.start);
      if (contents === undefined) {
        contents = { window, accumulator: aggregate.createAccumulator(), registeredTimer: Number.NaN };
        backend.put(this.contentsSlot, window.start, contents);
        this.currentContents = contents;
        this.triggerContext.registerEventTimeTimer(this.cleanupTime(window));
      }
      contents.accumulator = aggregate.add(value, contents.accumulator);
      this.currentContents = contents;
      const result = trigger.onElement(value, timestamp, contents.window, this.triggerContext);
      if (shouldFire(result)) this.emitWindow(contents);
      if (shouldPurge(result)) backend.remove(this.contentsSlot, window.start);
    }
    if (!accepted) this.lateRecordsDropped++;
  }

  override processWatermark(watermark: number): void {
    if (watermark <= this.watermark) return;
    this.watermark = watermark;
    this.timers.advanceTo(watermark, this.onEventTime);
    this.output.emitWatermark(watermark);
  }

  override metrics(): OperatorMetrics {
    return {
      ...super.metrics(),
      lateRecordsDropped: this.lateRecordsDropped,
      stateKeys: this.backend?.keyCount ?? 0,
      stateEntries: this.backend?.entryCount ?? 0,
    };
  }

  private readonly onEventTime = (key: K, namespace: number, time: number): void => {
    const backend = this.backend;
    backend.setCurrentKey(key);
    const contents = backend.get<WindowContents<ACC>>(this.contentsSlot, namespace);
    if (contents === undefined) return;
    const window = contents.window;
    this.currentContents = contents;
    if (contents.registeredTimer === time) contents.registeredTimer = Number.NaN; // it just fired
    const result = this.config.trigger.onEventTime(time, window, this.triggerContext);
    if (shouldFire(result)) this.emitWindow(contents);
    if (time === this.cleanupTime(window)) {
      this.config.trigger.clear(window, this.triggerContext);
      backend.remove(this.contentsSlot, namespace);
    } else if (shouldPurge(result)) {
      backend.remove(this.contentsSlot, namespace);
    }
  };

  private emitWindow(contents: WindowContents<ACC>): void {
    const { aggregate, resultFunction } = this.config;
    const result = aggregate.getResult(contents.accumulator);
    this.emit(
      resultFunction(this.backend.currentKey, contents.window, result),
      contents.window.maxTimestamp(),
    );
  }

  private isLate(window: TimeWindow): boolean {
    return this.eventTime && this.cleanupTime(window) <= this.watermark;
  }

  private cleanupTime(window: TimeWindow): number {
    return window.maxTimestamp() + this.config.allowedLatenessMs;
  }
}
