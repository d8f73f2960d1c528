import { describe, expect, it } from 'vitest';
import { anomalyFromEvent, cellNumber } from '../../../../dashboards/src/pages/anomalies/anomaly-row.ts';

describe('anomalyFromEvent', () => {
  it('lists a live anomaly as the API does: not acknowledged, missing numbers null', () => {
    expect(
      anomalyFromEvent({
        device: 'boiler-1',
        metric: 'temperature',
        metrics: ['temperature'],
        ts: 1_700_000_000_000,
        score: 0.97,
        detector: 'spikes',
        value: 31.2,
        expected: Number.NaN,
        // NaN arrives as null over JSON.
        lower: null as unknown as number,
        upper: 22.9,
        reason: 'high',
      }),
    ).toEqual({
      device: 'boiler-1',
      metric: 'temperature',
      detector: 'spikes',
      ts: 1_700_000_000_000,
      score: 0.97,
      value: 31.2,
      expected: null,
      lower: null,
      upper: 22.9,
      reason: 'high',
      acknowledged: false,
      acknowledgedAt: null,
    });
  });

  it('shows missing numbers as a dash', () => {
    expect(cellNumber(null)).toBe('–');
    expect(cellNumber(0.97123)).toBe('0.971');
  });
});
