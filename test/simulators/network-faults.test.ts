import { describe, expect, it } from 'vitest';
import { createRandom } from '../../services/common/random.ts';
import { generateFleet } from '../../simulators/fleet.ts';
import type { FleetOptions } from '../../simulators/fleet-options.ts';
import { decideFaults, resolveNetworkFaults } from '../../simulators/network-faults.ts';

const clean: FleetOptions = {
  seed: 21,
  devices: 20,
  startTime: Date.UTC(2024, 2, 1),
  durationMs: 3_600_000,
  anomalies: { ratePerHour: 2 },
};
const p = { outOfOrder: 0.1, late: 0.02, duplicates: 0.03, malformed: 0.01 };

/** Within 5 standard deviations of a binomial(n, p) count. */
function expectRoughly(count: number, n: number, probability: number): void {
  const sd = Math.sqrt(n * probability * (1 - probability));
  expect(Math.abs(count - n * probability)).toBeLessThan(5 * sd);
}

describe('network faults', () => {
  const faulty = generateFleet({ ...clean, faults: p });
  const originals = faulty.messages.filter((m) => !m.faults.includes('duplicate'));
  const copies = faulty.messages.filter((m) => m.faults.includes('duplicate'));
  const n = originals.length;

  it('are drawn with the configured probabilities', () => {
    expect(n).toBeGreaterThan(60_000);
    const count = (fault: string) => originals.filter((m) => m.faults.includes(fault as never)).length;
    expectRoughly(count('out-of-order'), n, p.outOfOrder);
    expectRoughly(count('late'), n, p.late);
    expectRoughly(count('malformed'), n, p.malformed);
    expectRoughly(copies.length, n, p.duplicates);
    // Seeded, so the exact counts never change.
    expect([count('out-of-order'), count('late'), count('malformed'), copies.length]).toEqual([
      6916, 1380, 672, 2148,
    ]);
  });

  it('delay out-of-order messages within the bound and late ones far beyond it', () => {
    const outOfBounds = originals.filter((m) => {
      const delay = m.publishAt - m.eventTime;
      if (m.faults.includes('out-of-order')) return !(delay > 0 && delay <= 2_000);
      if (m.faults.includes('late')) return !(delay >= 15_000 && delay <= 120_000);
      return delay !== 0;
    });
    expect(outOfBounds).toEqual([]);
    let regressions = 0;
    for (let i = 1; i < faulty.messages.length; i++) {
      if (faulty.messages[i]!.eventTime < faulty.messages[i - 1]!.eventTime) regressions++;
    }
    expect(regressions).toBeGreaterThan(n * 0.05);
  });

  it('send a duplicate as the same message again, shortly after', () => {
    const byKey = new Map(originals.map((m) => [`${m.device}|${m.eventTime}`, m]));
    for (const copy of copies) {
      const original = byKey.get(`${copy.device}|${copy.eventTime}`)!;
      expect(copy.payload).toBe(original.payload);
      expect(copy.topic).toBe(original.topic);
      expect(copy.publishAt - original.publishAt).toBeGreaterThanOrEqual(0);
      expect(copy.publishAt - original.publishAt).toBeLessThanOrEqual(1_000);
    }
    expect(faulty.messages.indexOf(copies[0]!)).toBeGreaterThan(
      faulty.messages.indexOf(byKey.get(`${copies[0]!.device}|${copies[0]!.eventTime}`)!),
    );
  });

  it('change delivery, never the data or the ground truth', () => {
    const reference = generateFleet(clean);
    expect(faulty.anomalies).toEqual(reference.anomalies);
    const payloads = new Map(reference.messages.map((m) => [`${m.device}|${m.eventTime}`, m.payload]));
    expect(originals).toHaveLength(reference.messages.length);
    for (const m of originals) {
      if (!m.faults.includes('malformed')) expect(m.payload).toBe(payloads.get(`${m.device}|${m.eventTime}`));
    }
  });

  it('apply per message when readings are batched', () => {
    const batched = generateFleet({ ...clean, batchSize: 5, faults: p }).messages;
    const batchOriginals = batched.filter((m) => !m.faults.includes('duplicate'));
    expectRoughly(
      batchOriginals.filter((m) => m.faults.includes('late')).length,
      batchOriginals.length,
      p.late,
    );
    expect(batchOriginals.reduce((s, m) => s + m.readings, 0)).toBe(
      originals.reduce((s, m) => s + m.readings, 0),
    );
  });

  it('are off by default and validated', () => {
    const none = resolveNetworkFaults();
    const random = createRandom(1);
    for (let i = 0; i < 1_000; i++) {
      expect(decideFaults(none, random)).toEqual({
        delayMs: 0,
        delay: undefined,
        duplicateAfterMs: undefined,
        malformed: false,
      });
    }
    expect(() => resolveNetworkFaults({ late: 1.5 })).toThrow(/late must be in \[0, 1\]/);
    expect(() => resolveNetworkFaults({ late: 0.6, outOfOrder: 0.6 })).toThrow(/add up to more than 1/);
    expect(() => resolveNetworkFaults({ lateDelayMs: [1_000, 5_000] })).toThrow(/lateDelayMs/);
  });
});
