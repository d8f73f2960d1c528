import type { AggregateFunction, Key, KeySelector } from '../api/functions.ts';
import type { OutputTag } from '../api/output-tag.ts';
import type { OperatorSnapshot } from '../checkpoint/checkpoint-types.ts';
import { VOID_NAMESPACE } from '../state/heap-keyed-state-backend.ts';
import { MAX_WATERMARK } from '../time/watermark.ts';
import type { WindowAssigner, WindowAssignerContext } from './assigners/window-assigner.ts';
import { type ActiveWindow, type MergeFunction, MergingWindowSet } from './merging-window-set.ts';
import type { TimeWindow } from './time-window.ts';
import { EventTimeTrigger } from './triggers/event-time-trigger.ts';
import {
  requireMergingTrigger,
  shouldFire,
  shouldPurge,
  type Trigger,
  TriggerResult,
} from './triggers/trigger.ts';
import {
  emptyMergingContents,
  type MergingWindowContents,
  newWindowContents,
  type WindowContents,
} from './window-contents.ts';
import type { WindowOperatorConfig, WindowResultFunction } from './window-operator-config.ts';
import { WindowStateOperator } from './window-state-operator.ts';

const NONE: readonly ActiveWindow[] = [];

/**
 * Firing in slices (see `WindowOperatorBase.processWatermark`): timers a watermark fires at once
 * at most, then per record and per clock turn until the watermark's timers are done.
 */
export const FIRING_SLICE = { perWatermark: 1_000, perRecord: 8, perTurn: 1_000 } as const;

/**
 * Keyed windows (Flink's `WindowOperator`): glues an assigner, a trigger and the window contents
 * over keyed state and timers. Subclasses say what the contents are: an accumulator
 * (`WindowOperator`) or the records (`EvictingWindowOperator`).
 *
 * Per record: key → windows → add to each window's contents → ask the trigger. Windows of merging
 * assigners (sessions) go through the key's `MergingWindowSet` first. A window lives until its
 * cleanup time (`maxTimestamp + allowedLateness` in event time, `maxTimestamp` in processing time),
 * when its contents, trigger state and timers go. A record too late for all its windows goes to the
 * late-data side output, or is dropped and counted (`lateRecordsDropped`).
 */
export abstract class WindowOperatorBase<IN, K extends Key, S, R, OUT> extends WindowStateOperator<
  IN,
  K,
  S,
  OUT
> {
  // configuration (the state half keeps the rest)
  protected readonly aggregate: AggregateFunction<IN, unknown, R>;
  protected readonly resultFunction: WindowResultFunction<K, R, OUT>;
  private readonly keySelector: KeySelector<IN, K>;
  private readonly assigner: WindowAssigner<IN>;
  private readonly trigger: Trigger<IN>;
  private readonly lateDataTag: OutputTag<IN> | undefined;

  // not checkpointed
  private readonly assignerContext: WindowAssignerContext;
  /** Windows have one fixed size: a new window's cleanup timer cannot be pending (see `registerNewCleanupTimer`). */
  private readonly fixedSize: boolean;
  /**
   * Windows that do not merge, event-time, the default `EventTimeTrigger` (not a subclass), no
   * allowed lateness: a window is due exactly when the watermark makes it late. Then a
   * watermark's timers may fire in slices (see `fireMore`), and the trigger needs no call per
   * record: for a window that is not late, `EventTimeTrigger.onElement` only registers the timer
   * at its end, the cleanup timer its contents got when they were created.
   */
  private readonly dueWhenLate: boolean;
  /** The watermark whose timers are still firing in slices (forwarded once they are done). */
  private firingTo: number | undefined;
  private cancelTurn: (() => void) | undefined;

  constructor(config: WindowOperatorConfig<IN, K, unknown, R, OUT>) {
    super(config);
    this.aggregate = config.aggregate;
    this.resultFunction = config.resultFunction;
    this.keySelector = config.keySelector;
    this.assigner = config.assigner;
    this.trigger = config.trigger;
    this.lateDataTag = config.lateDataTag;
    if (this.merging) requireMergingTrigger(config.trigger, config.assigner);
    this.assignerContext = { currentProcessingTime: () => this.context.clock.now() };
    this.fixedSize = this.fixedWindowSize() !== undefined;
    this.dueWhenLate =
      this.eventTime &&
      !this.merging &&
      this.allowedLatenessMs === 0 &&
      Object.getPrototypeOf(config.trigger) === EventTimeTrigger.prototype;
  }

  /** Adds a record to a window's state (`undefined` when the window is empty); returns the new state. */
  protected abstract add(state: S | undefined, value: IN, timestamp: number): S;
  /** Folds the state `source` of a merged-away window into `target`; returns the result. */
  protected abstract mergeState(target: S, source: S): S;
  /** Emits the result of a window that fires; returns its state afterwards (`undefined`: now empty). */
  protected abstract emitWindow(window: TimeWindow, state: S): S | undefined;

  processElement(value: IN, timestamp: number): void {
    this.recordsIn++;
    if (this.firingTo !== undefined) this.fireMore(FIRING_SLICE.perRecord);
    this.backend.setCurrentKey(this.keySelector(value));
    const windows = this.assigner.assignWindows(value, timestamp, this.assignerContext);
    const accepted = this.merging
      ? this.addToMergingWindows(value, timestamp, windows)
      : this.addToWindows(value, timestamp, windows);
    if (!accepted && this.eventTime && timestamp + this.allowedLatenessMs <= this.watermark) {
      if (this.lateDataTag === undefined) this.lateRecordsDropped++;
      else this.output.sideOutput(this.lateDataTag, value, timestamp);
    }
  }

  override processWatermark(watermark: number): void {
    if (watermark <= this.watermark) return;
    this.watermark = watermark;
    this.triggerContext.currentWatermark = watermark;
    if (!this.dueWhenLate || watermark >= MAX_WATERMARK) {
      this.firingTo = undefined;
      this.eventTimers.advanceTo(watermark, this.onEventTime);
      this.output.emitWatermark(watermark);
      return;
    }
    this.firingTo = watermark;
    this.fireMore(FIRING_SLICE.perWatermark);
  }

  /**
   * Finishes the firing in slices, if one is under way, before the state is captured: the
   * results go out before the barrier, so a checkpoint never holds windows a watermark it holds
   * has passed.
   */
  override snapshotState(checkpointId: number): OperatorSnapshot {
    if (this.firingTo !== undefined) this.fireMore(Number.POSITIVE_INFINITY);
    return super.snapshotState(checkpointId);
  }

  override close(): void {
    this.cancelTurn?.();
    super.close();
  }

  /**
   * Fires up to `limit` of the timers the watermark `firingTo` made due; when they are done,
   * forwards it, else goes on in the next clock turn (and per record meanwhile).
   *
   * Why slices: 10,000 series' 10 s windows end at the same instant, and firing them all in one
   * go held the thread for 20–70 ms every 10 s (a record that arrived then, an alert's included,
   * waited). Firing them over a few turns changes no result: only windows whose state cannot
   * change any more fire late this way. They must be windows that do not merge, of an
   * event-time assigner with the default `EventTimeTrigger` and no allowed lateness, so that the
   * watermark made every window with a due timer late: a record for one is dropped as late (as
   * it would be had the window fired), and it fires with the state it had at the watermark. The
   * operator's own results come out in the same order; only how they interleave with other
   * operators' output changes, and the watermark goes downstream after the last of them.
   */
  private fireMore(limit: number): void {
    const to = this.firingTo!;
    if (!this.eventTimers.advanceTo(to, this.onEventTime, limit)) {
      this.cancelTurn ??= this.context.clock.setTimeout(this.fireInTurn, 0);
      return;
    }
    this.firingTo = undefined;
    this.cancelTurn?.();
    this.cancelTurn = undefined;
    this.output.emitWatermark(to);
  }

  private readonly fireInTurn = (): void => {
    this.cancelTurn = undefined;
    if (this.firingTo === undefined) return;
    try {
      this.fireMore(FIRING_SLICE.perTurn);
    } catch (error) {
      if (this.context.fail === undefined) throw error;
      this.context.fail(error);
    }
  };

  /** The record path of windows that do not merge (namespace: the start). False if all were late. */
  private addToWindows(value: IN, timestamp: number, windows: readonly TimeWindow[]): boolean {
    const backend = this.backend;
    let accepted = false;
    for (let i = 0; i < windows.length; i++) {
      const window = windows[i]!;
      if (this.isWindowLate(window)) continue;
      accepted = true;
      const namespace = window.start;
      const contents =
        backend.get<WindowContents<S>>(this.contentsSlot, namespace) ?? this.createWindowContents(window);
      contents.state = this.add(contents.state, value, timestamp);
      if (!this.dueWhenLate) this.onElement(contents, namespace, value, timestamp);
    }
    return accepted;
  }

  /** The record path of merging windows: through the key's `MergingWindowSet`. */
  private addToMergingWindows(value: IN, timestamp: number, windows: readonly TimeWindow[]): boolean {
    const backend = this.backend;
    let set = backend.get<MergingWindowSet>(this.windowSetSlot, VOID_NAMESPACE);
    if (set === undefined) {
      set = new MergingWindowSet();
      backend.put(this.windowSetSlot, VOID_NAMESPACE, set);
    }
    let accepted = false;
    for (const window of windows) {
      const { window: actual, namespace } = set.addWindow(window, this.newNamespace, this.mergeWindows);
      let contents = backend.get<WindowContents<S>>(this.contentsSlot, namespace);
      if (this.isWindowLate(actual)) {
        if (contents === undefined) set.retire(namespace);
        else this.clearAllState(contents, namespace);
        continue;
      }
      accepted = true;
      contents ??= this.createContents(emptyMergingContents<S>(actual, namespace), namespace);
      contents.state = this.add(contents.state, value, timestamp);
      this.onElement(contents, namespace, value, timestamp);
    }
    if (set.size === 0) backend.remove(this.windowSetSlot, VOID_NAMESPACE);
    return accepted;
  }

  private readonly newNamespace = (): number => this.nextNamespace++;

  /**
   * Merges the state of the merged-away windows into the new window's, lets the trigger merge its
   * state and timers (`onMerge`), then clears the merged-away windows (trigger, cleanup timer, contents).
   */
  private readonly mergeWindows: MergeFunction = (result: ActiveWindow, merged: readonly ActiveWindow[]) => {
    const backend = this.backend;
    const target = this.createContents(
      emptyMergingContents<S>(result.window, result.namespace),
      result.namespace,
    );
    for (const active of merged) {
      const state = backend.get<WindowContents<S>>(this.contentsSlot, active.namespace)?.state;
      if (state === undefined) continue;
      target.state = target.state === undefined ? state : this.mergeState(target.state, state);
    }
    const ctx = this.triggerContext;
    ctx.bind(target, result.namespace);
    ctx.merged = merged;
    this.trigger.onMerge?.(result.window, ctx);
    ctx.merged = NONE;
    for (const active of merged) {
      const contents = backend.get<MergingWindowContents<S>>(this.contentsSlot, active.namespace);
      if (contents === undefined) continue;
      ctx.bind(contents, contents.namespace);
      this.trigger.clear(contents.window, ctx);
      ctx.deleteCleanupTimer();
      backend.remove(this.contentsSlot, contents.namespace);
    }
  };

  /** Contents of a new window of an assigner that does not merge, with their cleanup timer. */
  private createWindowContents(window: TimeWindow): WindowContents<S> {
    const contents = newWindowContents<S>(this.backend, this.contentsSlot, window);
    const ctx = this.triggerContext;
    ctx.bind(contents, window.start);
    if (this.fixedSize) ctx.registerNewCleanupTimer();
    else ctx.registerCleanupTimer();
    return contents;
  }

  private createContents<C extends WindowContents<S>>(contents: C, namespace: number): C {
    this.backend.put(this.contentsSlot, namespace, contents);
    this.triggerContext.bind(contents, namespace);
    this.triggerContext.registerCleanupTimer();
    return contents;
  }

  private onElement(contents: WindowContents<S>, namespace: number, value: IN, timestamp: number): void {
    const ctx = this.triggerContext;
    ctx.bind(contents, namespace);
    const result = this.trigger.onElement(value, timestamp, contents.window, ctx);
    if (result !== TriggerResult.CONTINUE) this.apply(contents, result);
  }

  private apply(contents: WindowContents<S>, result: TriggerResult): void {
    if (shouldFire(result) && contents.state !== undefined) {
      contents.state = this.emitWindow(contents.window, contents.state);
    }
    if (shouldPurge(result)) contents.state = undefined;
  }

  private readonly onEventTime = (key: K, ns: number, time: number) => this.onTimer(key, ns, time, true);

  /** A timer fired: asks the trigger; a timer of the operator's own time domain may be the cleanup. */
  protected onTimer(key: K, namespace: number, time: number, eventTime: boolean): void {
    this.backend.setCurrentKey(key);
    const contents = this.backend.get<WindowContents<S>>(this.contentsSlot, namespace);
    if (contents === undefined) return; // the window is gone (a trigger left a timer behind)
    const ctx = this.triggerContext;
    ctx.bind(contents, namespace);
    const own = eventTime === this.eventTime;
    if (own && contents.hasRegisteredTimer(time)) contents.registeredTimer = Number.NaN;
    const result = eventTime
      ? this.trigger.onEventTime(time, contents.window, ctx)
      : this.trigger.onProcessingTime(time, contents.window, ctx);
    if (result !== TriggerResult.CONTINUE) this.apply(contents, result);
    if (own && time === ctx.cleanupTime(contents.window)) this.clearAllState(contents, namespace);
  }

  /** Removes a window for good: trigger state and timers, contents, its place in the merging set. */
  private clearAllState(contents: WindowContents<S>, namespace: number): void {
    const ctx = this.triggerContext;
    ctx.bind(contents, namespace);
    this.trigger.clear(contents.window, ctx);
    ctx.deleteCleanupTimer();
    this.backend.remove(this.contentsSlot, namespace);
    if (!this.merging) return;
    const set = this.backend.get<MergingWindowSet>(this.windowSetSlot, VOID_NAMESPACE);
    set?.retire(namespace);
    if (set !== undefined && set.size === 0) this.backend.remove(this.windowSetSlot, VOID_NAMESPACE);
  }

  private isWindowLate(window: TimeWindow): boolean {
    return this.eventTime && this.triggerContext.cleanupTime(window) <= this.watermark;
  }
}
