import { describe, expect, it } from 'vitest';
import { describe as describeReport, problems } from '../../../dashboards/src/live/health-panel.ts';
import { healthReport } from '../../services/api/fixtures.ts';

describe('health panel text', () => {
  it('summarises the job in one line', () => {
    const text = describeReport(healthReport({ job: { recordsIn: 12_345, watermark: null } }));
    expect(text).toBe(
      'job default running · 12,345 in · 20 out · 1 late · 2 dead letters · no watermark yet',
    );
  });

  it('names the components that are down', () => {
    expect(problems(healthReport())).toEqual([]);
    expect(
      problems(
        healthReport({
          broker: { connected: false },
          influx: { reachable: false, lastError: 'ECONNREFUSED' },
          job: { state: 'failed' },
        }),
      ),
    ).toEqual([
      'MQTT broker mqtt://127.0.0.1:1883 disconnected',
      'InfluxDB http://127.0.0.1:8086/eddy unreachable: ECONNREFUSED',
      'job failed',
    ]);
    expect(problems(healthReport({ influx: { mode: 'disabled', reachable: false } }))).toEqual([]);
  });
});
