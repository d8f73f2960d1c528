import type Database from 'better-sqlite3';
import type { Device, DeviceFields } from './device.ts';

/** A device row as SQLite returns it. */
interface DeviceRow {
  id: string;
  name: string | null;
  kind: string | null;
  location: string | null;
  tags: string;
  expected_interval_ms: number | null;
  registered_at: number;
  first_seen: number | null;
  last_seen: number | null;
  observed_interval_ms: number | null;
  auto: number;
  password_hash: string | null;
  mosquitto_hash: string | null;
}

/** A device with what only the registry reads: its stored hashes and learnt interval. */
export interface StoredDevice extends Device {
  readonly passwordHash: string | null;
  readonly mosquittoHash: string | null;
  readonly observedIntervalMs: number | null;
}

/** What a flush writes for one device. */
export interface ActivityRecord {
  readonly id: string;
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly observedIntervalMs: number | null;
}

/**
 * The `devices` table, through prepared statements only (no SQL is built from input).
 *
 * @example
 * const store = new DeviceStore(openDeviceDatabase(':memory:'));
 * store.insert({ id: 'boiler-1', registeredAt: 0, auto: false, fields: { kind: 'boiler' } });
 * store.get('boiler-1')?.kind; // 'boiler'
 */
export class DeviceStore {
  private readonly statements;

  constructor(private readonly db: Database.Database) {
    this.statements = {
      get: db.prepare('SELECT * FROM devices WHERE id = ?'),
      all: db.prepare('SELECT * FROM devices ORDER BY id'),
      insert: db.prepare(
        `INSERT INTO devices (id, name, kind, location, tags, expected_interval_ms, registered_at, auto, password_hash, mosquitto_hash)
         VALUES (@id, @name, @kind, @location, @tags, @expectedIntervalMs, @registeredAt, @auto, @passwordHash, @mosquittoHash)`,
      ),
      update: db.prepare(
        `UPDATE devices SET name = @name, kind = @kind, location = @location, tags = @tags,
         expected_interval_ms = @expectedIntervalMs, auto = 0 WHERE id = @id`,
      ),
      credentials: db.prepare(
        'UPDATE devices SET password_hash = @passwordHash, mosquitto_hash = @mosquittoHash WHERE id = @id',
      ),
      remove: db.prepare('DELETE FROM devices WHERE id = ?'),
      activity: db.prepare(
        `INSERT INTO devices (id, tags, registered_at, first_seen, last_seen, observed_interval_ms, auto)
         VALUES (@id, '{}', @firstSeen, @firstSeen, @lastSeen, @observedIntervalMs, 1)
         ON CONFLICT (id) DO UPDATE SET
           first_seen = coalesce(first_seen, excluded.first_seen),
           last_seen = max(coalesce(last_seen, excluded.last_seen), excluded.last_seen),
           observed_interval_ms = coalesce(excluded.observed_interval_ms, observed_interval_ms)`,
      ),
      count: db.prepare('SELECT count(*) AS n FROM devices'),
    };
  }

  get(id: string): StoredDevice | undefined {
    const row = this.statements.get.get(id) as DeviceRow | undefined;
    return row && fromRow(row);
  }

  /** Every device, by id. */
  all(): StoredDevice[] {
    return (this.statements.all.all() as DeviceRow[]).map(fromRow);
  }

  count(): number {
    return (this.statements.count.get() as { n: number }).n;
  }

  /** Inserts a new device; throws SQLite's `SQLITE_CONSTRAINT_PRIMARYKEY` when the id exists. */
  insert(device: {
    id: string;
    registeredAt: number;
    auto: boolean;
    fields: DeviceFields;
    passwordHash?: string;
    mosquittoHash?: string;
  }): void {
    const { fields } = device;
    this.statements.insert.run({
      id: device.id,
      name: fields.name ?? null,
      kind: fields.kind ?? null,
      location: fields.location ?? null,
      tags: JSON.stringify(fields.tags ?? {}),
      expectedIntervalMs: fields.expectedIntervalMs ?? null,
      registeredAt: device.registeredAt,
      auto: device.auto ? 1 : 0,
      passwordHash: device.passwordHash ?? null,
      mosquittoHash: device.mosquittoHash ?? null,
    });
  }

  /** Writes every editable field (the caller merged the patch); an edited device is no longer `auto`. */
  update(id: string, fields: Required<DeviceFields>): void {
    this.statements.update.run({ id, ...fields, tags: JSON.stringify(fields.tags) });
  }

  setCredentials(id: string, passwordHash: string, mosquittoHash: string): void {
    this.statements.credentials.run({ id, passwordHash, mosquittoHash });
  }

  /** Returns whether a device was removed. */
  remove(id: string): boolean {
    return this.statements.remove.run(id).changes > 0;
  }

  /** Records activity of many devices in one transaction; unknown devices are inserted as `auto`. */
  recordActivity(records: readonly ActivityRecord[]): void {
    if (records.length === 0) return;
    this.db.transaction(() => {
      for (const record of records) this.statements.activity.run(record);
    })();
  }
}

function fromRow(row: DeviceRow): StoredDevice {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    location: row.location,
    tags: JSON.parse(row.tags) as Record<string, string>,
    expectedIntervalMs: row.expected_interval_ms,
    registeredAt: row.registered_at,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    auto: row.auto === 1,
    hasCredentials: row.password_hash !== null,
    passwordHash: row.password_hash,
    mosquittoHash: row.mosquitto_hash,
    observedIntervalMs: row.observed_interval_ms,
  };
}
