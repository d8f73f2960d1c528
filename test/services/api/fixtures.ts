import type { HealthReport } from '../../../services/api/health-report.ts';
import type { WindowAggregate } from '../../../services/domain/window-aggregate.ts';

/** A healthy report; pass overrides per component. */
export function healthReport(
  overrides: {
    status?: HealthReport['status'];
    broker?: Partial<HealthReport['broker']>;
    influx?: Partial<HealthReport['influx']>;
    job?: Partial<HealthReport['job']>;
  } = {},
): HealthReport {
  return {
    status: overrides.status ?? 'ok',
    uptimeMs: 12_345,
    broker: { mode: 'embedded', url: 'mqtt://127.0.0.1:1883', connected: true, ...overrides.broker },
    influx: {
      mode: 'external',
      url: 'http://127.0.0.1:8086/eddy',
      reachable: true,
      pointsWritten: 42,
      ...overrides.influx,
    },
    job: {
      name: 'default',
      state: 'running',
      recordsIn: 1_000,
      resultsOut: 20,
      lateRecords: 1,
      deadLetters: 2,
      watermark: 1_700_000_009_999,
      ...overrides.job,
    },
  };
}

/** A 10 s window aggregate starting at `start` (default 1_700_000_000_000). */
export function windowAggregate(overrides: Partial<WindowAggregate> = {}): WindowAggregate {
  const start = overrides.start ?? 1_700_000_000_000;
  return {
    device: 'boiler-1',
    metric: 'temperature',
    window: '10s',
    start,
    end: start + 10_000,
    count: 10,
    mean: 21.5,
    min: 20,
    max: 23,
    stddev: 0.9,
    ...overrides,
  };
}
