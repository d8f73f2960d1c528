import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { type Clock, systemClock } from '../../engine/time/clock.ts';
import { ENGINE_METRIC_FAMILIES, type EngineMetricFamilyId } from './engine-metric-families.ts';
import { type MonitoredJob, sampleEngine } from './sample-engine.ts';

/** Metrics as a scrape target renders them; what `GET /metrics` serves. */
export interface MetricsExposition {
  /** `Content-Type` of the rendered text. */
  readonly contentType: string;
  /** The current metrics, in the Prometheus text exposition format (0.0.4). */
  render(): Promise<string>;
}

export interface EngineMetricsOptions {
  /** The jobs to report, read again on every scrape (a job may be replaced while Eddy runs). */
  readonly jobs: () => readonly MonitoredJob[];
  /** Processing time, for watermark lag. Default the system clock. */
  readonly clock?: Clock;
  /**
   * Node.js process metrics too (prom-client's defaults, prefixed `eddy_`): resident memory
   * `eddy_process_resident_memory_bytes`, heap `eddy_nodejs_heap_size_used_bytes`, event-loop lag
   * `eddy_nodejs_eventloop_lag_seconds` (and its p50/p90/p99), GC, CPU, file descriptors. Default true.
   */
  readonly processMetrics?: boolean;
}

/**
 * Eddy's metrics in the Prometheus text format, built with prom-client on a registry of its own
 * (never the global one). Engine values are read from the jobs on every scrape (see
 * {@link sampleEngine}); nothing is counted twice and nothing runs between scrapes except
 * prom-client's event-loop delay monitor. prom-client is used in this file only.
 *
 * @example
 * const metrics = createEngineMetrics({ jobs: () => [{ job, telemetrySources: [source], influxSinks: [sink] }] });
 * await metrics.render();
 * // # HELP eddy_operator_records_in_total Records the operator received.
 * // # TYPE eddy_operator_records_in_total counter
 * // eddy_operator_records_in_total{job="window-aggregates",operator="window(10s)"} 1200
 */
export function createEngineMetrics(options: EngineMetricsOptions): MetricsExposition {
  const clock = options.clock ?? systemClock;
  const registry = new Registry();
  const metrics = new Map<EngineMetricFamilyId, Counter | Gauge>();
  for (const [id, family] of Object.entries(ENGINE_METRIC_FAMILIES)) {
    const config = {
      name: family.name,
      help: family.help,
      labelNames: [...family.labelNames],
      registers: [registry],
    };
    metrics.set(
      id as EngineMetricFamilyId,
      family.type === 'counter' ? new Counter(config) : new Gauge(config),
    );
  }
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'eddy_' });

  return {
    contentType: registry.contentType,
    async render() {
      const samples = sampleEngine(options.jobs(), clock.now());
      for (const metric of metrics.values()) metric.reset();
      for (const { family, labels, value } of samples) {
        const metric = metrics.get(family)!;
        if (metric instanceof Counter) metric.inc(labels, value);
        else metric.set(labels, value);
      }
      // prom-client writes NaN as `Nan` (Prometheus reads it, the format says `NaN`).
      return (await registry.metrics()).replace(/ Nan$/gm, ' NaN');
    },
  };
}
