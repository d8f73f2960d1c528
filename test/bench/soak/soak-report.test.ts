import { describe, expect, it } from 'vitest';
import { parseSoakOptions, warmupOf } from '../../../bench/soak/soak-options.ts';
import { markdownTable, progressLine, sparkline } from '../../../bench/soak/soak-report.ts';

describe('soak output', () => {
  it('pads a Markdown table', () => {
    expect(markdownTable(['a', 'b'], [['1', '22']])).toBe('| a | b  |\n|---|----|\n| 1 | 22 |');
  });

  it('draws a sparkline from lowest to highest', () => {
    expect(sparkline([1, 2, 3, 4])).toBe('▁▃▆█');
    expect(sparkline([5, 5])).toBe('▁▁');
  });

  it('prints a progress line', () => {
    expect(
      progressLine({ atMs: 90_000, sent: 60000, acked: 59990, recordsIn: 59000, rssBytes: 2 ** 27 }),
    ).toBe('[1:30] sent 60000 acked 59990 eddy in 59000 RSS 128 MiB');
  });
});

describe('parseSoakOptions', () => {
  it('has the documented defaults', () => {
    const o = parseSoakOptions([]);
    expect(o).toMatchObject({
      rate: 2000,
      durationMs: 600_000,
      devices: 1000,
      rotateEveryMs: 30_000,
      spikeEveryMs: 5_000,
      stateTtl: '2m',
      warmupMs: 120_000,
      maxGrowth: 0.15,
      sampleEveryMs: 10_000,
    });
  });

  it('reads flags', () => {
    const o = parseSoakOptions([
      '--minutes',
      '2',
      '--rate',
      '500',
      '--rotate-every',
      '1m',
      '--max-growth',
      '10%',
    ]);
    expect(o).toMatchObject({ durationMs: 120_000, rate: 500, rotateEveryMs: 60_000, maxGrowth: 0.1 });
    expect(parseSoakOptions(['--job', 'my-job.yaml', '--state-ttl', 'off'])).toMatchObject({
      job: 'my-job.yaml',
      stateTtl: 'off',
    });
  });

  it('refuses a bad value, naming the flag', () => {
    const quiet = () => {};
    expect(() => parseSoakOptions(['--rate', 'fast'], quiet)).toThrow(/--rate.*positive integer/);
    expect(() => parseSoakOptions(['--metrics', '6'], quiet)).toThrow(/--metrics: at most 5, got 6/);
  });
});

describe('warmupOf', () => {
  it('lasts until the first device ids have been silent for the state TTL', () => {
    expect(warmupOf({ warmupMs: 120_000, stateTtl: '2m', rotateEveryMs: 30_000 })).toBe(150_000);
    expect(warmupOf({ warmupMs: 120_000, stateTtl: '20s', rotateEveryMs: 15_000 })).toBe(120_000);
    expect(warmupOf({ warmupMs: 60_000, stateTtl: 'off', rotateEveryMs: 30_000 })).toBe(60_000);
  });
});
