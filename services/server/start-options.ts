import type { JobSpec } from '../config/job-spec.ts';
import type { Clock } from '../engine/time/clock.ts';
import { DEFAULT_JOB } from '../jobs/default-job.ts';

/** Everything `eddy start` can be told (each from a flag or an `EDDY_*` variable). */
export interface StartOptions {
  /** External broker URL. Unset: start the embedded broker. */
  readonly mqttUrl?: string;
  /** Port of the embedded broker (default 1883; 0 picks a free one). */
  readonly mqttPort: number;
  /** Interface of the embedded broker (default 127.0.0.1; 0.0.0.0 lets devices on the network in). */
  readonly mqttHost: string;
  /** Simulated devices (default 20 with the embedded broker, 0 with an external one). */
  readonly simulate: number;
  /** Seed of the simulated fleet. */
  readonly seed: number;
  /** InfluxDB URL with the database in the path, `off` to run without history, unset to find or start one. */
  readonly influx?: string;
  /** HTTP port of the API and dashboards (default 3000; 0 picks a free one). */
  readonly port: number;
  readonly host: string;
  /** Where Eddy keeps its files (a spawned InfluxDB's data, later checkpoints). Default `./.eddy`. */
  readonly dataDir: string;
  /**
   * The job to run, from a job file (`--job`, see `loadJobFile`). Unset: the default job
   * (`services/jobs/default-job.yaml`), shaped by the settings below.
   */
  readonly job?: JobSpec;
  /** Window size of the default job (not used with `job`). */
  readonly windowMs: number;
  /** Out-of-orderness of the default job (not used with `job`). */
  readonly outOfOrdernessMs: number;
  /** Quiet period of the default job (not used with `job`). */
  readonly quietPeriodMs: number;
  /** How far ahead of processing time a reading may be stamped, or `off` (default job only; unset: 5 min). */
  readonly maxFutureMs?: number | 'off';
  /** How far behind processing time a reading may be stamped, or `off` (default job only; unset: off). */
  readonly maxPastMs?: number | 'off';
  /**
   * Default TTL of the job's per-key model and detector state (`--state-ttl`), in event time, or
   * `off`; a job file's `state.ttl` wins. Unset: 24 h (`JOB_DEFAULTS.stateTtlMs`).
   */
  readonly stateTtlMs?: number | 'off';
  /**
   * Subtasks of the job's keyed windows (`--parallelism`): above 1 they run in that many worker
   * threads, while the MQTT source, InfluxDB and the live feed stay in the main thread. Default 1.
   */
  readonly parallelism?: number;
  /** Where checkpoints are kept (`--checkpoint-dir`). Default `<dataDir>/checkpoints`. */
  readonly checkpointDir?: string;
  /** Time between checkpoints (`--checkpoint-interval`); 0 takes none (savepoints only). Default 5 s. */
  readonly checkpointIntervalMs?: number;
  /** Where `POST /api/savepoints` / `eddy savepoint` write (`--savepoint-dir`). Default `<dataDir>/savepoints`. */
  readonly savepointDir?: string;
  /** Start from this savepoint (its directory or `_manifest.json`) instead of the latest checkpoint. */
  readonly fromSavepoint?: string;
  /** Drop saved state of operators the job no longer has instead of refusing to start (Flink's flag of that name). */
  readonly allowNonRestoredState?: boolean;
  /**
   * Client id of Eddy's persistent MQTT session with an external broker (`--mqtt-client-id`). It
   * must stay the same across restarts, so the broker redelivers what Eddy had not acknowledged.
   * Default `eddy-<job name>-<hash of the checkpoint directory>`: stable for one installation,
   * distinct between two Eddys on one broker.
   */
  readonly mqttClientId?: string;
  /**
   * Bytes each InfluxDB sink may spill to `<dataDir>/spill/<sink>` while InfluxDB lags or is down
   * (`--influx-spill-limit`), or `off` for no spill. Unset: 1 GiB.
   */
  readonly influxSpillLimit?: number | 'off';
  /** Points each InfluxDB sink keeps in memory before it spills. Unset: 100,000 (tests set it low). */
  readonly influxBufferPoints?: number;
  readonly clock?: Clock;
}

export const START_DEFAULTS = {
  mqttPort: 1883,
  mqttHost: '127.0.0.1',
  simulate: 20,
  seed: 1,
  port: 3000,
  host: '127.0.0.1',
  dataDir: '.eddy',
  parallelism: 1,
  checkpointIntervalMs: 5_000,
  ...DEFAULT_JOB,
} as const;

/** The local InfluxDB Eddy looks for, and starts when it is missing. */
export const LOCAL_INFLUX = { httpPort: 8086, bindPort: 8088, database: 'eddy' } as const;
