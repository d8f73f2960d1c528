import type { Key } from '../api/functions.ts';
import type { HeapKeyedStateBackend } from '../state/heap-keyed-state-backend.ts';
import type { ReducingState, ValueState } from '../state/keyed-state.ts';
import type { KeyedStateStore } from '../state/keyed-state-store.ts';
import type { ReducingStateDescriptor, ValueStateDescriptor } from '../state/state-descriptors.ts';
import type { Clock } from '../time/clock.ts';
import type { EventTimeTimers } from '../time/event-time-timers.ts';
import type { ProcessingTimeTimers } from '../time/processing-time-timers.ts';
import { MAX_WATERMARK, MIN_WATERMARK } from '../time/watermark.ts';
import type { EvictorContext } from './evictors/evictor.ts';
import type { TimeWindow } from './time-window.ts';
import type { OnMergeContext } from './triggers/trigger.ts';
import type { WindowContents } from './window-contents.ts';

const NONE: readonly { readonly namespace: number }[] = [];

/**
 * The window operator's one trigger (and evictor) context, pointed at the current window before each
 * call (`bind`): timers and state it hands out are scoped to the backend's current key and that
 * window's namespace. Registering the timer a window registered last is free (a memo on its
 * contents, for timers of the operator's time domain).
 */
export class WindowTriggerContext<K extends Key> implements OnMergeContext, EvictorContext {
  /** The window being triggered. */
  contents!: WindowContents<unknown>;
  /** Its namespace in state and timers. */
  namespace = 0;
  /** During `onMerge`: the windows (their namespaces) merged into the current one. */
  merged: readonly { readonly namespace: number }[] = NONE;
  /** Updated by the operator on every watermark. */
  currentWatermark = MIN_WATERMARK;

  constructor(
    private readonly backend: HeapKeyedStateBackend<K>,
    private readonly store: KeyedStateStore<K>,
    private readonly eventTimers: EventTimeTimers<K>,
    private readonly processingTimers: ProcessingTimeTimers<K>,
    private readonly clock: Clock,
    /** Which timers the contents' memo is for: the operator's time domain (its cleanup timers). */
    private readonly memoEventTime: boolean,
    /** How long after a window's end its state stays, in event time. */
    private readonly allowedLatenessMs: number,
  ) {}

  /** Points the context at a window. */
  bind(contents: WindowContents<unknown>, namespace: number): void {
    this.contents = contents;
    this.namespace = namespace;
  }

  /** When a window's state goes: `maxTimestamp + allowedLateness` in event time, `maxTimestamp` in processing time. */
  cleanupTime(window: TimeWindow): number {
    return this.memoEventTime ? window.maxTimestamp() + this.allowedLatenessMs : window.maxTimestamp();
  }

  /** Registers the bound window's cleanup timer, in the operator's time domain (none at the end of time). */
  registerCleanupTimer(): void {
    const time = this.cleanupTime(this.contents.window);
    if (time >= MAX_WATERMARK) return; // the end of time (the global window): never cleaned up
    if (this.memoEventTime) this.registerEventTimeTimer(time);
    else this.registerProcessingTimeTimer(time);
  }

  /**
   * `registerCleanupTimer` for a window just created, when windows have one fixed size and do not
   * merge: no timer of the key and window can be pending then (a window's timers go when its
   * contents go), and the key's other windows end at other times, so the event-time timers skip
   * deduplicating it (`EventTimeTimers.registerNew`).
   */
  registerNewCleanupTimer(): void {
    const time = this.cleanupTime(this.contents.window);
    if (time >= MAX_WATERMARK) return;
    if (!this.memoEventTime) {
      this.registerProcessingTimeTimer(time);
      return;
    }
    this.contents.registeredTimer = time;
    this.eventTimers.registerNew(this.backend.currentKey, this.namespace, time);
  }

  /** Deletes the bound window's cleanup timer. */
  deleteCleanupTimer(): void {
    const time = this.cleanupTime(this.contents.window);
    if (time >= MAX_WATERMARK) return;
    if (this.memoEventTime) this.deleteEventTimeTimer(time);
    else this.deleteProcessingTimeTimer(time);
  }

  get currentProcessingTime(): number {
    return this.clock.now();
  }

  registerEventTimeTimer(time: number): void {
    if (this.memoEventTime) {
      const contents = this.contents;
      if (contents.hasRegisteredTimer(time)) return;
      contents.registeredTimer = time;
    }
    this.eventTimers.register(this.backend.currentKey, this.namespace, time);
  }

  deleteEventTimeTimer(time: number): void {
    if (this.memoEventTime && this.contents.hasRegisteredTimer(time))
      this.contents.registeredTimer = Number.NaN;
    this.eventTimers.delete(this.backend.currentKey, this.namespace, time);
  }

  registerProcessingTimeTimer(time: number): void {
    if (!this.memoEventTime) {
      const contents = this.contents;
      if (contents.hasRegisteredTimer(time)) return;
      contents.registeredTimer = time;
    }
    this.processingTimers.register(this.backend.currentKey, this.namespace, time);
  }

  deleteProcessingTimeTimer(time: number): void {
    if (!this.memoEventTime && this.contents.hasRegisteredTimer(time))
      this.contents.registeredTimer = Number.NaN;
    this.processingTimers.delete(this.backend.currentKey, this.namespace, time);
  }

  getPartitionedState<T>(descriptor: ReducingStateDescriptor<T>): ReducingState<T>;
  getPartitionedState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T>;
  getPartitionedState<T>(
    descriptor: ReducingStateDescriptor<T> | ValueStateDescriptor<T>,
  ): ReducingState<T> | ValueState<T> {
    const handle =
      descriptor.kind === 'reducing'
        ? this.store.getReducingState(descriptor)
        : this.store.getState(descriptor);
    return scoped(handle, this.namespace);
  }

  mergePartitionedState<T>(descriptor: ReducingStateDescriptor<T>): void {
    const handle = this.store.getReducingState(descriptor);
    const values: T[] = [];
    for (const { namespace } of this.merged) {
      const value = scoped(handle, namespace).get();
      if (value === undefined) continue;
      values.push(value);
      handle.clear();
    }
    scoped(handle, this.namespace);
    for (const value of values) handle.add(value);
  }
}

/** Points a heap state handle at `namespace` (heap handles act on their `namespace` field). */
function scoped<H extends object>(handle: H, namespace: number): H {
  if (!('namespace' in handle)) {
    throw new Error('window state needs namespaced state handles (HeapState): this state backend has none');
  }
  (handle as { namespace: number }).namespace = namespace;
  return handle;
}
