import type { HealthReport } from '../api/health-report.ts';
import { windowStats } from '../config/define-job.ts';
import type { InfluxSink } from '../connectors/influx/influx-sink.ts';
import { formatInfluxUrl } from '../connectors/influx/influx-url.ts';
import type { WindowAggregate } from '../domain/window-aggregate.ts';
import type { JobExecution } from '../engine/runtime/job-execution.ts';
import { MIN_WATERMARK } from '../engine/time/watermark.ts';
import type { InfluxTarget } from './influx-target.ts';
import type { MqttIngest } from './mqtt-ingest.ts';

/** What a running Eddy's health is read from: its start time, the clock's now and its parts. */
export interface EddyHealthParts {
  readonly startedAt: number;
  readonly now: number;
  readonly ingest: MqttIngest;
  readonly influx: InfluxTarget;
  /** The sink of the window aggregates; undefined without InfluxDB. */
  readonly influxSink: InfluxSink<WindowAggregate> | undefined;
  readonly job: JobExecution;
}

/**
 * The health report `GET /api/health` answers for a running Eddy: uptime, the MQTT broker, the
 * InfluxDB sink (its `lastError` is the reason when InfluxDB is disabled) and the job's counters.
 *
 * @example
 * const health = () =>
 *   eddyHealth({ startedAt, now: clock.now(), ingest, influx, influxSink: sinks.aggregates, job });
 * health().job; // { name: 'window-aggregates', state: 'running', recordsIn: 120, ..., watermark: 1700000000000 }
 */
export function eddyHealth(parts: EddyHealthParts): HealthReport {
  const { ingest, influx, influxSink, job } = parts;
  const metrics = job.metrics();
  const windows = windowStats(metrics);
  const source = metrics.sources[0];
  const sinkStats = influxSink?.stats();
  return {
    status: 'ok',
    uptimeMs: parts.now - parts.startedAt,
    broker: { mode: ingest.mode, url: ingest.url, ...ingest.brokerHealth() },
    influx:
      influx.mode === 'disabled'
        ? { mode: 'disabled', url: '', reachable: false, pointsWritten: 0, lastError: influx.reason }
        : {
            mode: influx.mode,
            url: formatInfluxUrl(influx.url),
            reachable: sinkStats?.reachable ?? false,
            pointsWritten: sinkStats?.pointsWritten ?? 0,
            ...(sinkStats?.lastError ? { lastError: sinkStats.lastError } : {}),
            ...(sinkStats?.spill ? { spillBytes: sinkStats.spill.bytes } : {}),
            ...(sinkStats?.backpressured === undefined ? {} : { backpressured: sinkStats.backpressured }),
          },
    job: {
      name: metrics.name,
      state: metrics.state,
      recordsIn: source?.recordsOut ?? 0,
      resultsOut: windows.resultsOut,
      lateRecords: windows.lateRecords,
      deadLetters: ingest.source.stats().deadLetters,
      watermark: source && source.watermark > MIN_WATERMARK ? source.watermark : null,
    },
  };
}
