import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/** The database file under Eddy's data directory. */
export const DEVICE_DATABASE_FILE = 'eddy.db';

/** One schema change; applied in order, each once, inside a transaction. */
type Migration = (db: Database.Database) => void;

/**
 * The schema, as migrations: index `i` brings the schema to version `i + 1`. Never edit one that
 * shipped; append a new one.
 */
const MIGRATIONS: readonly Migration[] = [
  (db) =>
    db.exec(`
      CREATE TABLE devices (
        id                   TEXT PRIMARY KEY NOT NULL,
        name                 TEXT,
        kind                 TEXT,
        location             TEXT,
        tags                 TEXT NOT NULL DEFAULT '{}',
        expected_interval_ms INTEGER,
        registered_at        INTEGER NOT NULL,
        first_seen           INTEGER,
        last_seen            INTEGER,
        observed_interval_ms INTEGER,
        auto                 INTEGER NOT NULL DEFAULT 0,
        password_hash        TEXT,
        mosquitto_hash       TEXT
      ) STRICT;
      CREATE INDEX devices_kind ON devices (kind);
    `),
];

/** The schema version this code writes. */
export const DEVICE_SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Opens (creating when missing) the SQLite database at `path` (`:memory:` for tests) in WAL mode
 * and migrates it to {@link DEVICE_SCHEMA_VERSION}. Refuses a database written by a newer Eddy.
 *
 * @example
 * const db = openDeviceDatabase(':memory:');
 * db.prepare('SELECT count(*) AS n FROM devices').get(); // { n: 0 }
 */
export function openDeviceDatabase(path: string): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 2000');
    migrate(db, path);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function migrate(db: Database.Database, path: string): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const row = db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
  const current = row?.version ?? 0;
  if (current > DEVICE_SCHEMA_VERSION) {
    throw new Error(
      `${path} has device schema version ${current}, newer than this Eddy's ${DEVICE_SCHEMA_VERSION}: upgrade Eddy or use another --data-dir`,
    );
  }
  db.transaction(() => {
    for (let version = current; version < DEVICE_SCHEMA_VERSION; version++) MIGRATIONS[version]!(db);
    if (row === undefined)
      db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(DEVICE_SCHEMA_VERSION);
    else db.prepare('UPDATE schema_version SET version = ?').run(DEVICE_SCHEMA_VERSION);
  })();
}
