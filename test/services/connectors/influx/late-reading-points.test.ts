import { describe, expect, it } from 'vitest';
import { createInfluxClient } from '../../../../services/connectors/influx/create-influx-client.ts';
import { parseInfluxUrl } from '../../../../services/connectors/influx/influx-url.ts';
import {
  LATE_READINGS,
  lateReadingsSchema,
  lateReadingToPoints,
} from '../../../../services/connectors/influx/late-reading-points.ts';

const late = { device: 'boiler-1', metric: 'temperature', ts: 1_700_000_000_000, value: 21.5, window: '10s' };

describe('lateReadingToPoints', () => {
  it('maps a late reading to one point in late_readings, at its own event time (the doc example)', () => {
    expect(lateReadingToPoints(late)).toEqual([
      {
        measurement: 'late_readings',
        tags: { device: 'boiler-1', metric: 'temperature', window: '10s' },
        fields: { value: 21.5 },
        timestamp: '1700000000000',
      },
    ]);
    expect(LATE_READINGS.measurement).toBe('late_readings');
  });

  it('writes value as a float once its schema is registered with the client', () => {
    const client = createInfluxClient(parseInfluxUrl('http://127.0.0.1:8086/eddy'));
    client.addSchema(lateReadingsSchema('eddy'));
    const [point] = lateReadingToPoints({ ...late, value: 3 });
    expect(client.parsePoint(point!, { precision: 'ms' }).fieldsPairs).toEqual([['value', '3']]);
  });
});
