import type { Reading } from '../../services/domain/reading.ts';
import type {
  OperatorSnapshot,
  RestoredOperator,
} from '../../services/engine/checkpoint/checkpoint-types.ts';
import type { Checkpointed } from '../../services/engine/checkpoint/checkpointed.ts';
import { checkShapeCompatible } from '../../services/engine/checkpoint/state-shape.ts';
import { keyGroupOf } from '../../services/engine/key-groups.ts';
import { BaseOperator } from '../../services/engine/runtime/operators/base-operator.ts';
import type { OperatorMetrics } from '../../services/engine/runtime/stream-operator.ts';
import { IdleKeyExpiry } from '../../services/engine/state/idle-key-expiry.ts';
import { EventTimeTimers } from '../../services/engine/time/event-time-timers.ts';
import { byKeyGroup } from './keyed-model-snapshots.ts';

/** A device's readings of one timestamp together: what per-device regressors, classifiers and clusterers learn from. */
export interface DeviceRow {
  readonly device: string;
  readonly ts: number;
  /** Each metric's value at `ts`. */
  readonly values: Readonly<Record<string, number>>;
}

/** One device's rows being assembled. */
interface DeviceState {
  readonly keyGroup: number;
  /** Time of the latest row emitted (−∞ before any). */
  lastEmitted: number;
  /** Rows not emitted yet, by time: metric → value. */
  readonly pending: Map<number, Map<string, number>>;
}

const SHAPE = { layout: 1 };

/**
 * How a device is stored in a key group: `[device, latest row emitted, [time, [metric, value][]][],
 * last seen]` (last seen: its latest reading's time, absent in checkpoints written before idle-key
 * expiry).
 */
type SavedDevice = [
  device: string,
  lastEmitted: number,
  pending: [ts: number, values: [string, number][]][],
  lastSeen?: number,
];

/** How a {@link DeviceRowsOperator} forgets devices. */
export interface DeviceRowsOptions {
  /** A device whose last reading is this much older than the watermark is dropped (default: never). */
  readonly stateTtlMs?: number | undefined;
}

/**
 * Assembles a device's readings (one per metric) of the same timestamp into one {@link DeviceRow},
 * keyed by device: a device's message `{"ts": t, "temperature": 21.5, "humidity": 40}` becomes the
 * row `{ device, ts: t, values: { temperature: 21.5, humidity: 40 } }`.
 *
 * - A row is emitted when a reading of a later time arrives for its device, or when the watermark
 *   passes its time (whichever comes first); rows of one device go out in time order.
 * - Out of order: a reading older than the pending row but newer than the device's last emitted
 *   row opens a row of its own (a message overtaken by the next one is still assembled whole, and
 *   goes out before it). A reading at or before the device's last emitted row is dropped and
 *   counted (`lateRecordsDropped`): that row went out, and rows are final. A metric read twice
 *   at one time keeps its last value.
 *
 * Checkpointed by key group (pending rows, each device's last row time and last-seen time); the
 * watermark timers are rebuilt from the pending rows on restore.
 *
 * Idle devices (`stateTtlMs`): a device whose latest reading is older than the TTL in event time is
 * dropped at a watermark (its rows went out long before: a row goes once the watermark passes its
 * time), counted as `keysExpired`. A device that comes back starts afresh, so a reading older than
 * its forgotten last row is no longer dropped as late.
 *
 * @example
 * readings.keyBy((r) => r.device).transform('rows', () => new DeviceRowsOperator('rows'), true);
 * // { device: 'boiler-1', ts: 1700000000000, values: { temperature: 21.5, humidity: 40 } }
 */
export class DeviceRowsOperator extends BaseOperator<Reading, DeviceRow> implements Checkpointed {
  // checkpointed
  private readonly devices = new Map<string, DeviceState>();
  private readonly expiry: IdleKeyExpiry<string>;

  // rebuilt from the pending rows
  private readonly timers = new EventTimeTimers<string>();
  private late = 0;

  constructor(name: string, options: DeviceRowsOptions = {}) {
    super(name);
    this.expiry = new IdleKeyExpiry(options.stateTtlMs);
  }

  processElement(reading: Reading, timestamp: number): void {
    this.recordsIn++;
    const { device } = reading;
    this.expiry.seen(device, timestamp);
    const state = this.stateOf(device);
    if (timestamp <= state.lastEmitted) {
      this.late++;
      return;
    }
    for (const ts of [...state.pending.keys()].filter((t) => t < timestamp).sort((a, b) => a - b)) {
      this.timers.delete(device, 0, ts);
      this.emitRow(device, state, ts);
    }
    let row = state.pending.get(timestamp);
    if (row === undefined) {
      row = new Map();
      state.pending.set(timestamp, row);
      this.timers.register(device, 0, timestamp);
    }
    row.set(reading.metric, reading.value);
  }

  override processWatermark(watermark: number): void {
    this.timers.advanceTo(watermark, (device, _, ts) => this.emitRow(device, this.devices.get(device)!, ts));
    this.expiry.expire(watermark, this.dropDevice);
    super.processWatermark(watermark);
  }

  override metrics(): OperatorMetrics {
    let pending = 0;
    for (const state of this.devices.values()) pending += state.pending.size;
    return {
      ...super.metrics(),
      lateRecordsDropped: this.late,
      stateKeys: this.devices.size,
      stateEntries: pending,
      keysExpired: this.expiry.expired,
    };
  }

  snapshotState(_checkpointId: number): OperatorSnapshot {
    const groups = byKeyGroup(this.devices, (device, state): SavedDevice => {
      const pending = [...state.pending].map(([ts, row]): [number, [string, number][]] => [ts, [...row]]);
      return [device, state.lastEmitted, pending, this.expiry.lastSeenOf(device)];
    });
    return {
      uid: this.uid,
      kind: 'device-rows',
      shape: SHAPE,
      keyGroups: groups,
      keys: this.devices.size,
    };
  }

  restoreState(restored: RestoredOperator): void {
    checkShapeCompatible(this.uid, restored.shape, SHAPE);
    for (const [keyGroup, data] of restored.keyGroups) {
      if (!Array.isArray(data))
        throw new Error(`cannot restore operator "${this.uid}": key group ${keyGroup} is not a list`);
      for (const [device, lastEmitted, pending, lastSeen] of data as SavedDevice[]) {
        const rows = new Map(pending.map(([ts, values]) => [ts, new Map(values)] as const));
        this.devices.set(device, { keyGroup, lastEmitted, pending: rows });
        const latest = Math.max(lastEmitted, ...rows.keys());
        this.expiry.restore(device, lastSeen ?? (Number.isFinite(latest) ? latest : undefined));
        for (const ts of rows.keys()) this.timers.register(device, 0, ts);
      }
    }
  }

  /** An expired device: its pending rows (none, unless a late reading opened one) go with it. */
  private readonly dropDevice = (device: string): void => {
    const state = this.devices.get(device);
    if (state === undefined) return;
    for (const ts of state.pending.keys()) this.timers.delete(device, 0, ts);
    this.devices.delete(device);
  };

  private stateOf(device: string): DeviceState {
    let state = this.devices.get(device);
    if (state === undefined) {
      const keyGroup = keyGroupOf(device, this.context.maxParallelism);
      state = { keyGroup, lastEmitted: Number.NEGATIVE_INFINITY, pending: new Map() };
      this.devices.set(device, state);
    }
    return state;
  }

  private emitRow(device: string, state: DeviceState, ts: number): void {
    const row = state.pending.get(ts);
    if (row === undefined) return;
    state.pending.delete(ts);
    if (ts > state.lastEmitted) state.lastEmitted = ts;
    this.emit({ device, ts, values: Object.fromEntries(row) }, ts);
  }

  private get uid(): string {
    return this.context.uid ?? this.name;
  }
}
