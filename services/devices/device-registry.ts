import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { type Logger, silentLogger } from '../common/logger.ts';
import { type Cancel, type Clock, every, systemClock } from '../engine/time/clock.ts';
import {
  checkDeviceFields,
  checkDeviceId,
  type Device,
  type DeviceFields,
  type DeviceStatus,
  type DeviceView,
} from './device.ts';
import { DEFAULT_ACTIVITY_IDLE_MS, DeviceActivity } from './device-activity.ts';
import { generateCredentials, type RandomBytes, verifyPassword } from './device-credentials.ts';
import { DEVICE_DATABASE_FILE, openDeviceDatabase } from './device-database.ts';
import { DeviceExistsError, DeviceNotFoundError } from './device-errors.ts';
import { DEFAULT_OFFLINE_FLOOR_MS, deviceStatus } from './device-status.ts';
import { DeviceStore, type StoredDevice } from './device-store.ts';

export interface DeviceRegistryOptions {
  /** Drives last-seen, rates, status and the flush timer. Default the system clock. */
  readonly clock?: Clock;
  /** How often `seen` activity is written to SQLite (default 2 s; 0: only on `flush()` / `close()`). */
  readonly flushIntervalMs?: number;
  /** Minimum silence before a device counts as offline (default 15 s). */
  readonly offlineFloorMs?: number;
  /** Devices tracked at most; traffic of further new ids is ignored (default 100,000). */
  readonly maxDevices?: number;
  /** Randomness of passwords and salts. Default `crypto.randomBytes`. */
  readonly randomBytes?: RandomBytes;
  readonly logger?: Logger;
}

/** MQTT credentials, returned once by `register` and `rotateCredentials`. */
export interface DeviceCredentials {
  /** The device id. */
  readonly username: string;
  readonly password: string;
}

/** Filters and paging of {@link DeviceRegistry.list}. */
export interface DeviceQuery {
  readonly status?: DeviceStatus;
  readonly kind?: string;
  /** Only devices with this tag set to this value. */
  readonly tag?: { readonly key: string; readonly value: string };
  readonly limit?: number;
  readonly offset?: number;
}

/**
 * The device registry: devices, their MQTT credentials (scrypt hashes, plus the Mosquitto hash for
 * `eddy devices export-mosquitto`) and their traffic. Persisted in SQLite; `seen` only updates
 * memory, written every `flushIntervalMs`. Not thread-safe: one registry per process, main thread.
 *
 * @example
 * const registry = DeviceRegistry.open(':memory:');
 * const { credentials } = registry.register('boiler-1', { kind: 'boiler', expectedIntervalMs: 5_000 });
 * await registry.verify('boiler-1', credentials.password); // true
 * registry.seen('boiler-1');
 * registry.get('boiler-1')?.status; // 'online'
 * registry.close();
 */
export class DeviceRegistry {
  private readonly store: DeviceStore;
  private readonly activity = new DeviceActivity({ idleMs: DEFAULT_ACTIVITY_IDLE_MS });
  private readonly clock: Clock;
  private readonly floorMs: number;
  private readonly maxDevices: number;
  private readonly random: RandomBytes | undefined;
  private readonly logger: Logger;
  private readonly stopFlushing: Cancel;
  private readonly changeListeners = new Set<(id: string) => void>();
  private ignored = 0;
  private closed = false;

  /** Opens `<dataDir>/eddy.db`, or a path ending in `.db`, or `:memory:`. */
  static open(location: string, options: DeviceRegistryOptions = {}): DeviceRegistry {
    const path =
      location === ':memory:' || location.endsWith('.db') ? location : join(location, DEVICE_DATABASE_FILE);
    return new DeviceRegistry(openDeviceDatabase(path), options);
  }

  constructor(
    private readonly db: Database.Database,
    options: DeviceRegistryOptions = {},
  ) {
    this.store = new DeviceStore(db);
    this.clock = options.clock ?? systemClock;
    this.floorMs = options.offlineFloorMs ?? DEFAULT_OFFLINE_FLOOR_MS;
    this.maxDevices = options.maxDevices ?? 100_000;
    this.random = options.randomBytes;
    this.logger = options.logger ?? silentLogger;
    const flushMs = options.flushIntervalMs ?? 2_000;
    this.stopFlushing = flushMs > 0 ? every(this.clock, flushMs, () => this.flushQuietly()) : () => {};
  }

  /** One message of `device` at `now` (default the clock's): a Map update, written at the next flush. */
  seen(device: string, now: number = this.clock.now()): void {
    if (!this.activity.has(device) && this.activity.size >= this.maxDevices) {
      this.ignored++;
      return;
    }
    this.activity.seen(device, now);
  }

  /** Registers `id` ahead of its first message (or adopts an `auto` device) with fresh credentials. */
  register(id: string, fields: DeviceFields = {}): { device: DeviceView; credentials: DeviceCredentials } {
    checkDeviceId(id);
    checkDeviceFields(fields);
    this.flush();
    const existing = this.store.get(id);
    if (existing && !(existing.auto && !existing.hasCredentials)) throw new DeviceExistsError(id);
    const created = generateCredentials(this.random);
    this.db.transaction(() => {
      if (existing) {
        this.store.update(id, merged(existing, fields));
        this.store.setCredentials(id, created.passwordHash, created.mosquittoHash);
      } else {
        this.store.insert({
          id,
          registeredAt: this.clock.now(),
          auto: false,
          fields,
          passwordHash: created.passwordHash,
          mosquittoHash: created.mosquittoHash,
        });
      }
    })();
    this.changed(id);
    return { device: this.require(id), credentials: { username: id, password: created.password } };
  }

  /** Changes the fields present in `patch` (`null` clears one); the device is then no longer `auto`. */
  update(id: string, patch: DeviceFields): DeviceView {
    checkDeviceFields(patch);
    this.flush();
    const existing = this.store.get(id);
    if (!existing) throw new DeviceNotFoundError(id);
    this.store.update(id, merged(existing, patch));
    this.changed(id);
    return this.require(id);
  }

  /** New credentials for `id`; the old password stops working at once. */
  rotateCredentials(id: string): { device: DeviceView; credentials: DeviceCredentials } {
    this.flush();
    if (!this.store.get(id)) throw new DeviceNotFoundError(id);
    const created = generateCredentials(this.random);
    this.store.setCredentials(id, created.passwordHash, created.mosquittoHash);
    return { device: this.require(id), credentials: { username: id, password: created.password } };
  }

  /** Removes `id` and its credentials; if it keeps sending, it reappears as an `auto` device. */
  remove(id: string): void {
    this.flush();
    if (!this.store.remove(id)) throw new DeviceNotFoundError(id);
    this.activity.forget(id);
    this.changed(id);
  }

  /**
   * Calls `listener` with the id after every `register`, `update` and `remove` made through this
   * registry (not after `seen`, nor after changes by another process: see {@link externalVersion}).
   * Returns the function that unsubscribes it. A listener that throws is logged and skipped.
   *
   * @example
   * const stop = registry.onChange((id) => cache.refresh());
   * registry.update('boiler-1', { tags: { site: 'lyon' } }); // the listener gets 'boiler-1'
   * stop();
   */
  onChange(listener: (id: string) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /**
   * The tags of every device that has any, by id (for a cache such as `DeviceTagCache`).
   *
   * @example
   * registry.register('boiler-1', { tags: { site: 'lyon' } });
   * registry.deviceTags().get('boiler-1'); // { site: 'lyon' }
   */
  deviceTags(): Map<string, Readonly<Record<string, string>>> {
    const tags = new Map<string, Readonly<Record<string, string>>>();
    if (this.closed) return tags;
    for (const device of this.store.all()) {
      if (Object.keys(device.tags).length > 0) tags.set(device.id, device.tags);
    }
    return tags;
  }

  /**
   * A number that changes whenever another process (e.g. `eddy devices register`) committed a
   * change to the registry's database: SQLite's `PRAGMA data_version`, one cheap call. Changes
   * made through this registry do not change it; {@link onChange} reports those.
   *
   * @example
   * const before = registry.externalVersion();
   * // ... another process registers a device ...
   * registry.externalVersion() !== before; // true
   */
  externalVersion(): number {
    if (this.closed) return 0;
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  get(id: string): DeviceView | undefined {
    this.flush();
    const stored = this.store.get(id);
    return stored && this.view(stored, this.clock.now());
  }

  /** Devices by id, filtered, one page (`limit` default 100), and how many matched in all. */
  list(query: DeviceQuery = {}): { devices: DeviceView[]; total: number } {
    this.flush();
    const now = this.clock.now();
    const { status, kind, tag } = query;
    const matching = this.store
      .all()
      .filter(
        (d) =>
          (kind === undefined || d.kind === kind) && (tag === undefined || d.tags[tag.key] === tag.value),
      )
      .map((d) => this.view(d, now))
      .filter((d) => status === undefined || d.status === status);
    const offset = query.offset ?? 0;
    return { devices: matching.slice(offset, offset + (query.limit ?? 100)), total: matching.length };
  }

  /** Whether `password` is `username`'s (constant time; unknown users cost as much as known ones). */
  verify(username: string, password: string | Buffer): Promise<boolean> {
    const hash = this.closed ? undefined : this.store.get(username)?.passwordHash;
    return verifyPassword(password, hash);
  }

  /** Devices with credentials and their Mosquitto hashes, for `eddy devices export-mosquitto`. */
  mosquittoUsers(): { id: string; mosquittoHash: string }[] {
    return this.store
      .all()
      .filter((d): d is StoredDevice & { mosquittoHash: string } => d.mosquittoHash !== null)
      .map((d) => ({ id: d.id, mosquittoHash: d.mosquittoHash }));
  }

  /** New device ids whose traffic was ignored because `maxDevices` were tracked. */
  ignoredDevices(): number {
    return this.ignored;
  }

  /** Writes pending `seen` activity to SQLite. */
  flush(): void {
    if (this.closed) return;
    this.store.recordActivity(this.activity.drain());
  }

  /** Flushes, stops the timer and closes the database. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.stopFlushing();
    this.flush();
    this.changeListeners.clear();
    this.closed = true;
    this.db.close();
  }

  private changed(id: string): void {
    for (const listener of this.changeListeners) {
      try {
        listener(id);
      } catch (error) {
        this.logger.warn({ err: error, device: id }, 'a device change listener failed');
      }
    }
  }

  private flushQuietly(): void {
    try {
      this.flush();
    } catch (error) {
      this.logger.warn({ err: error }, 'could not write device activity to the registry; retrying');
    }
  }

  private require(id: string): DeviceView {
    const stored = this.store.get(id);
    if (!stored) throw new DeviceNotFoundError(id);
    return this.view(stored, this.clock.now());
  }

  private view(stored: StoredDevice, now: number): DeviceView {
    const { passwordHash: _p, mosquittoHash: _m, observedIntervalMs: storedInterval, ...device } = stored;
    const memoryLast = this.activity.lastSeen(stored.id);
    const lastSeen =
      memoryLast !== undefined && (device.lastSeen ?? -Infinity) < memoryLast ? memoryLast : device.lastSeen;
    const median = this.activity.medianInterval(stored.id);
    const observedIntervalMs = median === undefined ? storedInterval : Math.round(median);
    const base: Device = { ...device, lastSeen };
    return {
      ...base,
      status: deviceStatus({
        lastSeen,
        expectedIntervalMs: device.expectedIntervalMs,
        observedIntervalMs,
        now,
        floorMs: this.floorMs,
      }),
      messageRate: this.activity.rate(stored.id, now),
      observedIntervalMs,
    };
  }
}

function merged(existing: Device, patch: DeviceFields): Required<DeviceFields> {
  return {
    name: patch.name === undefined ? existing.name : patch.name,
    kind: patch.kind === undefined ? existing.kind : patch.kind,
    location: patch.location === undefined ? existing.location : patch.location,
    tags: patch.tags ?? existing.tags,
    expectedIntervalMs:
      patch.expectedIntervalMs === undefined ? existing.expectedIntervalMs : patch.expectedIntervalMs,
  };
}
