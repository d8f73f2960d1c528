import type { Key } from '../api/functions.ts';
import type { Clock } from '../time/clock.ts';
import { HeapAggregatingState } from './heap-aggregating-state.ts';
import type { HeapKeyedStateBackend } from './heap-keyed-state-backend.ts';
import { HeapListState, pruneList } from './heap-list-state.ts';
import { HeapMapState, pruneMap } from './heap-map-state.ts';
import { HeapReducingState } from './heap-reducing-state.ts';
import { type HeapStateScope, pruneSingleValue } from './heap-state.ts';
import { HeapValueState } from './heap-value-state.ts';
import type {
  AggregatingState,
  KeyedStateContext,
  ListState,
  MapState,
  ReducingState,
  ValueState,
} from './keyed-state.ts';
import type {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  StateDescriptor,
  StateKind,
  ValueStateDescriptor,
} from './state-descriptors.ts';
import { TtlIncrementalCleanup, type TtlPruneFunction } from './ttl-incremental-cleanup.ts';

const PRUNE: Record<StateKind, TtlPruneFunction> = {
  value: pruneSingleValue,
  reducing: pruneSingleValue,
  aggregating: pruneSingleValue,
  list: pruneList,
  map: pruneMap,
};

/**
 * Hands out state handles over one operator's heap backend: registers each descriptor's state
 * under its name, enables its TTL, and returns the same handle for the same name. An operator that
 * runs user functions with keyed state (the keyed process operator) owns one and passes it to the
 * function's `open`; it calls `onRecord()` per record for TTL sweeps that asked for it.
 *
 * @example
 * const store = new KeyedStateStore(new HeapKeyedStateBackend<string>(128), clock);
 * const count = store.getState(new ValueStateDescriptor<number>('count', 0));
 * store.backend.setCurrentKey('boiler-1');
 * count.update(count.value() + 1); // boiler-1's count is 1; other keys still 0
 */
export class KeyedStateStore<K extends Key> implements KeyedStateContext {
  private readonly scope: HeapStateScope<K>;
  private readonly handles = new Map<string, { kind: StateKind; ttl: boolean; handle: unknown }>();

  constructor(
    readonly backend: HeapKeyedStateBackend<K>,
    clock: Clock,
  ) {
    this.scope = { backend, clock, cleanup: new TtlIncrementalCleanup(backend, clock) };
  }

  getState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T> {
    return this.handle(descriptor, (slot) => new HeapValueState<K, T>(this.scope, slot, descriptor));
  }

  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T> {
    return this.handle(descriptor, (slot) => new HeapListState<K, T>(this.scope, slot, descriptor));
  }

  getMapState<UK extends Key, UV>(descriptor: MapStateDescriptor<UK, UV>): MapState<UK, UV> {
    return this.handle(descriptor, (slot) => new HeapMapState<K, UK, UV>(this.scope, slot, descriptor));
  }

  getReducingState<T>(descriptor: ReducingStateDescriptor<T>): ReducingState<T> {
    return this.handle(descriptor, (slot) => new HeapReducingState<K, T>(this.scope, slot, descriptor));
  }

  getAggregatingState<IN, ACC, OUT>(
    descriptor: AggregatingStateDescriptor<IN, ACC, OUT>,
  ): AggregatingState<IN, OUT> {
    return this.handle(
      descriptor,
      (slot) => new HeapAggregatingState<K, IN, ACC, OUT>(this.scope, slot, descriptor),
    );
  }

  /**
   * The states handed out so far, by name: their kind and whether values carry TTL timestamps.
   * What a checkpoint's shape says of them (stored values differ by kind and TTL).
   */
  describe(): { name: string; kind: StateKind; ttl: boolean }[] {
    return [...this.handles]
      .map(([name, { kind, ttl }]) => ({ name, kind, ttl }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Per record: runs the TTL sweep of states configured with `cleanupOnEveryRecord`. */
  onRecord(): void {
    this.scope.cleanup.onRecord();
  }

  private handle<H>(descriptor: StateDescriptor, create: (slot: number) => H): H {
    const existing = this.handles.get(descriptor.name);
    if (existing !== undefined) {
      if (existing.kind !== descriptor.kind) {
        throw new Error(
          `state "${descriptor.name}" is already registered as ${existing.kind} state, so it cannot be ` +
            `${descriptor.kind} state too: give the ${descriptor.kind} state another name`,
        );
      }
      return existing.handle as H;
    }
    const slot = this.backend.registerState(descriptor.name);
    if (descriptor.ttl !== undefined)
      this.scope.cleanup.register(slot, descriptor.ttl, PRUNE[descriptor.kind]);
    const handle = create(slot);
    this.handles.set(descriptor.name, { kind: descriptor.kind, ttl: descriptor.ttl !== undefined, handle });
    return handle;
  }
}
