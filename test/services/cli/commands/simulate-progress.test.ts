import { describe, expect, it } from 'vitest';
import {
  formatDuration,
  progressLine,
  summaryText,
} from '../../../../services/cli/commands/simulate-progress.ts';
import type { RunStats } from '../../../../simulators/fleet-runner.ts';

const stats: RunStats = {
  messages: 12_345,
  readings: 37_035,
  anomalies: 3,
  labels: 2,
  faults: { outOfOrder: 10, late: 2, duplicates: 1, malformed: 4 },
  elapsedMs: 61_000,
  eventTime: Date.UTC(2024, 0, 1, 0, 1),
  state: 'done',
};

describe('simulate progress', () => {
  it('formats durations for people', () => {
    expect([750, 12_000, 185_000, 7_380_000].map(formatDuration)).toEqual([
      '750ms',
      '12.0s',
      '3m05s',
      '2h03m',
    ]);
  });

  it('shows counts, rate, event time and elapsed time on one line', () => {
    expect(progressLine(stats)).toBe(
      'simulate: 12,345 messages · 37,035 readings · 202.4 msg/s · 3 anomalies · ' +
        'event time 2024-01-01T00:01:00.000Z · 1m01s elapsed',
    );
  });

  it('sums a run up', () => {
    expect(summaryText(stats, { devices: 20, groundTruth: 'truth.jsonl' })).toBe(
      'simulated 20 devices for 1m01s (done): 12,345 messages, 37,035 readings (607.1 readings/s), 3 anomalies\n' +
        'faults: 10 out-of-order, 2 late, 1 duplicates, 4 malformed\n' +
        'ground truth: 2 labels written to truth.jsonl\n',
    );
  });
});
