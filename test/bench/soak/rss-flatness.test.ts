import { describe, expect, it } from 'vitest';
import { type MemorySample, median, rssFlatness } from '../../../bench/soak/rss-flatness.ts';

const MIB = 2 ** 20;
const MINUTE = 60_000;
/** One sample every 10 s over `minutes`, RSS from `rssAt(minute)`. */
const samples = (minutes: number, rssAt: (minute: number) => number): MemorySample[] =>
  Array.from({ length: minutes * 6 + 1 }, (_, i) => ({ atMs: i * 10_000, rssBytes: rssAt(i / 6) }));
const tenMinutes = { durationMs: 10 * MINUTE, warmupMs: 2 * MINUTE, maxGrowth: 0.15 };

describe('rssFlatness', () => {
  it('is flat when memory grows during warm-up only', () => {
    const verdict = rssFlatness(
      samples(10, (m) => (m < 2 ? 100 * MIB + m * 100 * MIB : 300 * MIB)),
      tenMinutes,
    );
    expect(verdict.verdict).toBe('flat');
    expect(verdict.growth).toBe(0);
    expect(verdict.fromMs).toBe((10 * MINUTE) / 3);
  });

  it('compares the second third with the last third of the run', () => {
    // 200 MiB in the second third, 240 MiB in the last: 20 % > 15 %.
    const verdict = rssFlatness(
      samples(10, (m) => (m < 20 / 3 ? 200 * MIB : 240 * MIB)),
      tenMinutes,
    );
    expect(verdict.verdict).toBe('growing');
    expect(verdict.middleMedianBytes).toBe(200 * MIB);
    expect(verdict.lastMedianBytes).toBe(240 * MIB);
    expect(verdict.growth).toBeCloseTo(0.2, 10);
    expect(verdict.reason).toMatch(/grew 20\.0% .* more than the 15\.0% allowed/);
  });

  it('fails a steady leak and reports its slope', () => {
    const verdict = rssFlatness(
      samples(10, (m) => 200 * MIB + m * 20 * MIB),
      tenMinutes,
    );
    expect(verdict.verdict).toBe('growing');
    expect(verdict.slopeBytesPerMin).toBeCloseTo(20 * MIB, 0);
  });

  it('lets one spike pass: medians, not maxima', () => {
    const verdict = rssFlatness(
      samples(10, (m) => (Math.abs(m - 9) < 0.01 ? 900 * MIB : 200 * MIB)),
      tenMinutes,
    );
    expect(verdict.verdict).toBe('flat');
  });

  it('is inconclusive with too few samples after warm-up', () => {
    const verdict = rssFlatness(
      samples(1, () => 100 * MIB),
      { ...tenMinutes, durationMs: MINUTE },
    );
    expect(verdict.verdict).toBe('inconclusive');
    expect(verdict.reason).toMatch(/too few RSS samples/);
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});
