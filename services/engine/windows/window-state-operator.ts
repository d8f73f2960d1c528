import type { Key } from '../api/functions.ts';
import type { OperatorSnapshot, RestoredOperator } from '../checkpoint/checkpoint-types.ts';
import type { Checkpointed } from '../checkpoint/checkpointed.ts';
import { checkShapeCompatible } from '../checkpoint/state-shape.ts';
import { BaseOperator } from '../runtime/operators/base-operator.ts';
import type { Output } from '../runtime/output.ts';
import type { OperatorContext, OperatorMetrics } from '../runtime/stream-operator.ts';
import { HeapKeyedStateBackend } from '../state/heap-keyed-state-backend.ts';
import { KeyedStateStore } from '../state/keyed-state-store.ts';
import { EventTimeTimers } from '../time/event-time-timers.ts';
import { ProcessingTimeTimers } from '../time/processing-time-timers.ts';
import { isMergingAssigner } from './assigners/window-assigner.ts';
import type { WindowOperatorConfig } from './window-operator-config.ts';
import { restoreOperatorState, snapshotOperatorState } from './window-operator-state.ts';
import { describeWindowOperator } from './window-shape.ts';
import { restoreWindowGroups, snapshotWindowGroups, type WindowCheckpointParts } from './window-snapshots.ts';
import { estimateWindowStateBytes } from './window-state-bytes.ts';
import { WindowTriggerContext } from './window-trigger-context.ts';

/** The parts of the configuration the state half needs (its shape, time domain, lateness). */
export type WindowStateConfig<IN> = Pick<
  WindowOperatorConfig<IN, Key, unknown, unknown, unknown>,
  'name' | 'assigner' | 'trigger' | 'aggregate' | 'allowedLatenessMs'
>;

const CONTENTS = 'window-contents';
const WINDOW_SET = 'merging-window-set';

/**
 * The state half of a window operator (`WindowOperatorBase` is the record half): keyed state,
 * timers and counters, how they open, and how they are checkpointed (`Checkpointed`).
 *
 * A snapshot holds, per key group, the window contents (accumulator copies or records), trigger
 * state, merging window sets and both kinds of timers (`window-snapshots.ts`); and per subtask the
 * watermark, the late-record counter and the next merging namespace (`window-operator-state.ts`),
 * so that late records are judged after a restore as before it. The shape (`window-shape.ts`)
 * names assigner, trigger, evictor, aggregate and allowed lateness: a restore refuses another.
 */
export abstract class WindowStateOperator<IN, K extends Key, S, OUT>
  extends BaseOperator<IN, OUT>
  implements Checkpointed
{
  // configuration
  protected readonly config: WindowStateConfig<IN>;
  protected readonly merging: boolean;
  protected readonly eventTime: boolean;
  protected readonly allowedLatenessMs: number;

  // not checkpointed
  protected backend!: HeapKeyedStateBackend<K>;
  protected triggerContext!: WindowTriggerContext<K>;
  protected contentsSlot = 0;
  protected windowSetSlot = 0;

  // checkpointed: state backend, timers, counters (`nextNamespace`: above every merging namespace)
  protected readonly eventTimers = new EventTimeTimers<K>();
  protected processingTimers!: ProcessingTimeTimers<K>;
  protected nextNamespace = 0;
  protected lateRecordsDropped = 0;

  constructor(config: WindowStateConfig<IN>) {
    super(config.name);
    if (!(config.allowedLatenessMs >= 0)) {
      throw new RangeError(`allowed lateness must be >= 0 ms, got ${config.allowedLatenessMs}`);
    }
    this.config = config;
    this.merging = isMergingAssigner(config.assigner);
    this.eventTime = config.assigner.isEventTime();
    this.allowedLatenessMs = config.allowedLatenessMs;
  }

  /** A timer of the key and window `namespace` fired, in event time or processing time. */
  protected abstract onTimer(key: K, namespace: number, time: number, eventTime: boolean): void;
  /** A window's state as plain data sharing nothing with it (checkpoints), and back. */
  protected abstract writeState(state: S): unknown;
  protected abstract readState(data: unknown): S;
  /** What a window keeps, for the state shape: `{ contents: 'accumulator' }`, or the records and evictor. */
  protected abstract contentsShape(): { contents: string; evictor?: string };

  override open(ctx: OperatorContext, output: Output<OUT>): void {
    super.open(ctx, output);
    const backend = new HeapKeyedStateBackend<K>(ctx.maxParallelism);
    this.backend = backend;
    this.contentsSlot = backend.registerState(CONTENTS);
    this.windowSetSlot = backend.registerState(WINDOW_SET);
    this.processingTimers = new ProcessingTimeTimers<K>(
      ctx.clock,
      (key, namespace, time) => this.onTimer(key, namespace, time, false),
      ctx.fail,
    );
    const store = new KeyedStateStore(backend, ctx.clock);
    this.triggerContext = new WindowTriggerContext(
      backend,
      store,
      this.eventTimers,
      this.processingTimers,
      ctx.clock,
      this.eventTime,
      this.allowedLatenessMs,
    );
    this.triggerContext.currentWatermark = this.watermark;
  }

  override close(): void {
    this.processingTimers?.close();
  }

  override metrics(): OperatorMetrics {
    const keys = this.backend?.keyCount ?? 0;
    const entries = this.backend?.entryCount ?? 0;
    const state = {
      stateKeys: keys,
      stateEntries: entries,
      stateBytes: estimateWindowStateBytes(keys, entries),
    };
    return { ...super.metrics(), lateRecordsDropped: this.lateRecordsDropped, ...state };
  }

  /** Pending timers (event time, processing time), for tests and snapshots. */
  get pendingTimers(): { eventTime: number; processingTime: number } {
    return { eventTime: this.eventTimers.size, processingTime: this.processingTimers?.size ?? 0 };
  }

  /** Window contents, trigger state, merging window sets and timers by key group; watermark and counters. */
  snapshotState(_checkpointId: number): OperatorSnapshot {
    const { groups, keys } = snapshotWindowGroups(this.checkpointParts());
    const { watermark, lateRecordsDropped, nextNamespace } = this;
    return {
      uid: this.uid,
      kind: 'window',
      shape: this.stateShape(),
      keyGroups: groups,
      keys,
      operatorState: snapshotOperatorState({ watermark, lateRecordsDropped, nextNamespace }),
    };
  }

  /** After `open()`, before any input: the key groups this subtask owns. Refuses another shape. */
  restoreState(restored: RestoredOperator): void {
    checkShapeCompatible(this.uid, restored.shape, this.stateShape());
    const maxNamespace = restoreWindowGroups(this.checkpointParts(), restored.keyGroups);
    const state = restoreOperatorState(restored.operatorStates, this.context.subtask?.index ?? 0);
    this.nextNamespace = Math.max(this.nextNamespace, state.nextNamespace, maxNamespace + 1);
    this.lateRecordsDropped += state.lateRecordsDropped;
    if (state.watermark > this.watermark) {
      this.watermark = state.watermark;
      this.triggerContext.currentWatermark = state.watermark;
    }
  }

  private get uid(): string {
    return this.context.uid ?? this.name;
  }

  private stateShape(): Record<string, unknown> {
    return describeWindowOperator(this.config, this.contentsShape());
  }

  /** The size of every window, when windows have one fixed size and do not merge (tumbling, sliding). */
  protected fixedWindowSize(): number | undefined {
    const size = (this.config.assigner as { readonly size?: unknown }).size;
    return this.merging || typeof size !== 'number' || !Number.isSafeInteger(size) ? undefined : size;
  }

  /** `cleanupTime - start`, the same for every window of a fixed size. */
  private cleanupDelta(): number | undefined {
    const size = this.fixedWindowSize();
    if (size === undefined || !Number.isSafeInteger(this.allowedLatenessMs)) return undefined;
    return size - 1 + (this.eventTime ? this.allowedLatenessMs : 0);
  }

  private checkpointParts(): WindowCheckpointParts<K, S> {
    const { backend, contentsSlot, windowSetSlot, merging, eventTimers, processingTimers, eventTime } = this;
    return {
      backend,
      contentsSlot,
      windowSetSlot,
      merging,
      eventTimers,
      processingTimers,
      eventTime,
      cleanupDelta: this.cleanupDelta(),
      windowSize: this.fixedWindowSize(),
      writeState: (state) => this.writeState(state),
      readState: (data) => this.readState(data),
    };
  }
}
