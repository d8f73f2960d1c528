import { describe, expect, it } from 'vitest';
import { createRandom } from '../../services/common/random.ts';
import { generateFleet } from '../../simulators/fleet.ts';
import { MALFORMATIONS, malformPayload, pickMalformation } from '../../simulators/malformed-payload.ts';
import type { TelemetryReading } from '../../simulators/simulated-device.ts';
import { parseTelemetry } from './telemetry-contract.ts';

const topic = 'sensors/sim-0001/telemetry';
const one: TelemetryReading[] = [
  { ts: 1_700_000_000_000, temperature: 21.5, humidity: 40 } as TelemetryReading,
];
const three: TelemetryReading[] = [0, 1, 2].map(
  (i) => ({ ts: 1_700_000_000_000 + i * 1_000, power: 100 + i }) as TelemetryReading,
);

describe('malformPayload', () => {
  it.each(MALFORMATIONS)('%s breaks the contract, single or batched', (how) => {
    expect(() => parseTelemetry(topic, JSON.stringify(one[0]))).not.toThrow();
    expect(() => parseTelemetry(topic, JSON.stringify(three))).not.toThrow();
    expect(() => parseTelemetry(topic, malformPayload(one, how))).toThrow();
    expect(() => parseTelemetry(topic, malformPayload(three, how))).toThrow();
    expect(() => parseTelemetry(topic, malformPayload(one, how, true))).toThrow();
  });

  it('gives the kinds of breakage the docs promise', () => {
    expect(malformPayload(one, 'string-value')).toBe(
      '{"ts":1700000000000,"temperature":"21.5","humidity":40}',
    );
    expect(malformPayload(one, 'nan-literal')).toBe('{"ts":1700000000000,"temperature":NaN,"humidity":40}');
    expect(malformPayload(one, 'missing-ts')).toBe('{"temperature":21.5,"humidity":40}');
    expect(malformPayload(one, 'string-ts')).toBe(
      '{"ts":"2023-11-14T22:13:20.000Z","temperature":21.5,"humidity":40}',
    );
    expect(() => JSON.parse(malformPayload(three, 'truncated'))).toThrow();
    expect(malformPayload(one, 'empty')).toBe('');
  });

  it('picks every kind, uniformly', () => {
    const random = createRandom(3);
    const counts = new Map<string, number>();
    for (let i = 0; i < 7_000; i++) {
      const how = pickMalformation(random);
      counts.set(how, (counts.get(how) ?? 0) + 1);
    }
    expect(counts.size).toBe(MALFORMATIONS.length);
    for (const c of counts.values()) expect(c).toBeGreaterThan(800);
  });

  it('makes every malformed fleet message fail the contract, and no other', () => {
    const { messages } = generateFleet({
      seed: 4,
      devices: 10,
      startTime: 0,
      durationMs: 600_000,
      faults: { malformed: 0.2 },
    });
    let malformed = 0;
    for (const m of messages) {
      if (m.faults.includes('malformed')) {
        malformed++;
        expect(() => parseTelemetry(m.topic, m.payload), m.payload).toThrow();
      } else {
        expect(() => parseTelemetry(m.topic, m.payload)).not.toThrow();
      }
    }
    expect(malformed).toBeGreaterThan(1_000);
  });
});
