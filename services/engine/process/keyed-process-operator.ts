import type { Key, KeySelector } from '../api/functions.ts';
import type { OutputTag } from '../api/output-tag.ts';
import type { OperatorSnapshot, RestoredOperator } from '../checkpoint/checkpoint-types.ts';
import type { Checkpointed } from '../checkpoint/checkpointed.ts';
import { checkShapeCompatible } from '../checkpoint/state-shape.ts';
import { BaseOperator } from '../runtime/operators/base-operator.ts';
import type { Output } from '../runtime/output.ts';
import type { OperatorContext, OperatorMetrics } from '../runtime/stream-operator.ts';
import { HeapKeyedStateBackend, VOID_NAMESPACE } from '../state/heap-keyed-state-backend.ts';
import { restoreKeyedOperator, snapshotKeyedOperator } from '../state/keyed-operator-snapshot.ts';
import { KeyedStateStore } from '../state/keyed-state-store.ts';
import { EventTimeTimers } from '../time/event-time-timers.ts';
import { ProcessingTimeTimers } from '../time/processing-time-timers.ts';
import type {
  Collector,
  KeyedProcessFunction,
  OnTimerContext,
  TimeDomain,
  TimerService,
} from './keyed-process-function.ts';

export interface KeyedProcessOperatorConfig<K extends Key, IN, OUT> {
  readonly name: string;
  readonly keySelector: KeySelector<IN, K>;
  /** The function, or a factory making one per operator instance. */
  readonly function: KeyedProcessFunction<K, IN, OUT> | (() => KeyedProcessFunction<K, IN, OUT>);
}

/**
 * Runs a {@link KeyedProcessFunction} (Flink's `KeyedProcessOperator`): sets the current key per
 * record and per timer, keeps the function's keyed state in a heap backend, fires event-time
 * timers when a watermark passes them (before forwarding the watermark) and processing-time
 * timers from the clock. Output timestamps: the element's in `processElement`, the timer's time
 * in `onTimer`. Timers of a process function use the void namespace: one per key and time.
 */
export class KeyedProcessOperator<K extends Key, IN, OUT>
  extends BaseOperator<IN, OUT>
  implements Checkpointed
{
  // configuration
  private readonly keySelector: KeySelector<IN, K>;
  private readonly fn: KeyedProcessFunction<K, IN, OUT>;

  // not checkpointed
  private readonly processContext = new ProcessFunctionContext<K>();
  private readonly collector: Collector<OUT> = {
    collect: (value) => this.emit(value, this.processContext.timestamp),
  };

  // checkpointed (state backend and timers)
  private backend!: HeapKeyedStateBackend<K>;
  private store!: KeyedStateStore<K>;
  private readonly eventTimers = new EventTimeTimers<K>();
  private processingTimers!: ProcessingTimeTimers<K>;

  constructor(config: KeyedProcessOperatorConfig<K, IN, OUT>) {
    super(config.name);
    this.keySelector = config.keySelector;
    this.fn = typeof config.function === 'function' ? config.function() : config.function;
  }

  override open(ctx: OperatorContext, output: Output<OUT>): Promise<void> | void {
    super.open(ctx, output);
    this.backend = new HeapKeyedStateBackend<K>(ctx.maxParallelism);
    this.store = new KeyedStateStore(this.backend, ctx.clock);
    this.processingTimers = new ProcessingTimeTimers<K>(ctx.clock, this.onProcessingTime, ctx.fail);
    this.processContext.bind(this.timerService(), output);
    return this.fn.open?.(this.store);
  }

  processElement(value: IN, timestamp: number): void {
    this.recordsIn++;
    const key = this.keySelector(value);
    this.backend.setCurrentKey(key);
    const ctx = this.processContext;
    ctx.currentKey = key;
    ctx.timestamp = timestamp;
    this.store.onRecord();
    this.fn.processElement(value, ctx, this.collector);
  }

  override processWatermark(watermark: number): void {
    if (watermark <= this.watermark) return;
    this.watermark = watermark;
    this.eventTimers.advanceTo(watermark, this.onEventTime);
    this.output.emitWatermark(watermark);
  }

  override async close(): Promise<void> {
    this.processingTimers?.close();
    await this.fn.close?.();
  }

  override metrics(): OperatorMetrics {
    return {
      ...super.metrics(),
      stateKeys: this.backend?.keyCount ?? 0,
      stateEntries: this.backend?.entryCount ?? 0,
    };
  }

  /**
   * All keyed state (copies; TTL timestamps included) and both kinds of timers by key group, and
   * the watermark. The shape names the states the function registered in `open`, with kind and TTL.
   */
  snapshotState(_checkpointId: number): OperatorSnapshot {
    const parts = {
      backend: this.backend,
      eventTimers: this.eventTimers,
      processingTimers: this.processingTimers,
    };
    const { groups, keys } = snapshotKeyedOperator(parts);
    return {
      uid: this.uid,
      kind: 'keyed-process',
      shape: this.stateShape(),
      keyGroups: groups,
      keys,
      operatorState: { watermark: this.watermark },
    };
  }

  /** After `open()`, before any input: the key groups this subtask owns. Refuses another shape. */
  restoreState(restored: RestoredOperator): void {
    checkShapeCompatible(this.uid, restored.shape, this.stateShape());
    const parts = {
      backend: this.backend,
      eventTimers: this.eventTimers,
      processingTimers: this.processingTimers,
    };
    restoreKeyedOperator(parts, restored.keyGroups);
    // the lowest watermark of the old subtasks: this one may hold keys of any of them
    let watermark = Number.POSITIVE_INFINITY;
    for (const { state } of restored.operatorStates) {
      const saved = (state as { watermark?: unknown } | undefined)?.watermark;
      if (typeof saved === 'number') watermark = Math.min(watermark, saved);
    }
    if (watermark !== Number.POSITIVE_INFINITY && watermark > this.watermark) this.watermark = watermark;
  }

  /** Pending timers (event time, processing time), for tests and snapshots. */
  get pendingTimers(): { eventTime: number; processingTime: number } {
    return { eventTime: this.eventTimers.size, processingTime: this.processingTimers?.size ?? 0 };
  }

  private get uid(): string {
    return this.context.uid ?? this.name;
  }

  private stateShape(): { states: ReturnType<KeyedStateStore<K>['describe']> } {
    return { states: this.store.describe() };
  }

  private readonly onEventTime = (key: K, _namespace: number, time: number): void => {
    this.fireTimer(key, time, 'event-time');
  };

  private readonly onProcessingTime = (key: K, _namespace: number, time: number): void => {
    this.fireTimer(key, time, 'processing-time');
  };

  private fireTimer(key: K, time: number, domain: TimeDomain): void {
    this.backend.setCurrentKey(key);
    const ctx = this.processContext;
    ctx.currentKey = key;
    ctx.timestamp = time;
    ctx.timeDomain = domain;
    this.fn.onTimer?.(time, ctx, this.collector);
  }

  private timerService(): TimerService {
    const clock = this.context.clock;
    const ctx = this.processContext;
    return {
      currentProcessingTime: () => clock.now(),
      currentWatermark: () => this.watermark,
      registerEventTimeTimer: (time) =>
        this.eventTimers.register(ctx.currentKey, VOID_NAMESPACE, checkTime(time)),
      deleteEventTimeTimer: (time) => this.eventTimers.delete(ctx.currentKey, VOID_NAMESPACE, time),
      registerProcessingTimeTimer: (time) =>
        this.processingTimers.register(ctx.currentKey, VOID_NAMESPACE, checkTime(time)),
      deleteProcessingTimeTimer: (time) => this.processingTimers.delete(ctx.currentKey, VOID_NAMESPACE, time),
    };
  }
}

/** The one context object of an operator, updated in place per element and timer (no allocation). */
class ProcessFunctionContext<K extends Key> implements OnTimerContext<K> {
  timestamp = Number.NaN;
  currentKey!: K;
  /** Meaningful in `onTimer` only. */
  timeDomain: TimeDomain = 'event-time';
  timerService!: TimerService;
  private out!: Output<unknown>;

  bind(timerService: TimerService, out: Output<unknown>): void {
    this.timerService = timerService;
    this.out = out;
  }

  output<X>(tag: OutputTag<X>, value: X): void {
    this.out.sideOutput(tag, value, this.timestamp);
  }
}

function checkTime(time: number): number {
  if (!Number.isFinite(time)) {
    throw new RangeError(
      `a timer needs a finite time in ms, got ${time}; records need event time (a WatermarkStrategy ` +
        'with a timestamp assigner) before event-time timers can be set from ctx.timestamp',
    );
  }
  return time;
}
