import { type Static, Type } from 'typebox';

/** Overall status: `degraded` when a component is down (the API still answers 200 unless the job failed). */
export const HealthStatusSchema = Type.Union([Type.Literal('ok'), Type.Literal('degraded')]);
export type HealthStatus = Static<typeof HealthStatusSchema>;

/**
 * The MQTT broker Eddy reads from: the embedded Aedes broker or an external one (Mosquitto, ...).
 * While Eddy is cut off from an external broker (it reconnects by itself), `connected` is false
 * and `downSince` says since when; `lastError` is the last connection error (kept after a recovery)
 * and `reconnects` counts the recoveries.
 */
export const BrokerHealthSchema = Type.Object({
  mode: Type.Union([Type.Literal('embedded'), Type.Literal('external')]),
  url: Type.String(),
  connected: Type.Boolean(),
  /** Epoch ms at which the connection was lost; only while it is down. */
  downSince: Type.Optional(Type.Number()),
  lastError: Type.Optional(Type.String()),
  reconnects: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type BrokerHealth = Static<typeof BrokerHealthSchema>;

/** The InfluxDB sink. `url` never carries a password (the route strips one if present). */
export const InfluxHealthSchema = Type.Object({
  mode: Type.Union([
    Type.Literal('external'),
    Type.Literal('local'),
    Type.Literal('spawned'),
    Type.Literal('disabled'),
  ]),
  url: Type.String(),
  reachable: Type.Boolean(),
  pointsWritten: Type.Integer({ minimum: 0 }),
  lastError: Type.Optional(Type.String()),
  /** Bytes waiting in the disk queue (InfluxDB was away); absent without a spill directory. */
  spillBytes: Type.Optional(Type.Integer({ minimum: 0 })),
  /** True while the sink holds the sources: its disk queue (or memory buffer) is full. */
  backpressured: Type.Optional(Type.Boolean()),
});

/** Lifecycle of the running job. */
export const JobStateSchema = Type.Union([
  Type.Literal('starting'),
  Type.Literal('running'),
  Type.Literal('stopping'),
  Type.Literal('stopped'),
  Type.Literal('failed'),
]);
export type JobState = Static<typeof JobStateSchema>;

/** Counters of the running job. `watermark` is epoch ms, `null` before the first watermark. */
export const JobHealthSchema = Type.Object({
  name: Type.String(),
  state: JobStateSchema,
  recordsIn: Type.Integer({ minimum: 0 }),
  resultsOut: Type.Integer({ minimum: 0 }),
  lateRecords: Type.Integer({ minimum: 0 }),
  deadLetters: Type.Integer({ minimum: 0 }),
  watermark: Type.Union([Type.Number(), Type.Null()]),
});

/**
 * What the runtime reports about itself, and the body of `GET /api/health`. The runtime provides a
 * `() => HealthReport` function; the route recomputes `status` from the components (the worse of the
 * two wins, see {@link deriveHealthStatus}).
 *
 * @example
 * const report: HealthReport = {
 *   status: 'ok', uptimeMs: 1_200,
 *   broker: { mode: 'embedded', url: 'mqtt://127.0.0.1:1883', connected: true },
 *   influx: { mode: 'disabled', url: '', reachable: false, pointsWritten: 0 },
 *   job: { name: 'default', state: 'running', recordsIn: 10, resultsOut: 2, lateRecords: 0,
 *          deadLetters: 0, watermark: 1_700_000_000_000 },
 * };
 * deriveHealthStatus(report); // 'ok'
 */
export const HealthReportSchema = Type.Object({
  status: HealthStatusSchema,
  uptimeMs: Type.Number({ minimum: 0 }),
  broker: BrokerHealthSchema,
  influx: InfluxHealthSchema,
  job: JobHealthSchema,
});
export type HealthReport = Static<typeof HealthReportSchema>;

/**
 * `degraded` when the report says so or any component is down: broker disconnected, InfluxDB (when
 * enabled) unreachable, or the job not `running`; otherwise `ok`.
 */
export function deriveHealthStatus(report: HealthReport): HealthStatus {
  const down =
    !report.broker.connected ||
    (report.influx.mode !== 'disabled' && !report.influx.reachable) ||
    report.job.state !== 'running';
  return down || report.status === 'degraded' ? 'degraded' : 'ok';
}
