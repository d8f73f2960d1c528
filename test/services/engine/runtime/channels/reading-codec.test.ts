import { describe, expect, it } from 'vitest';
import type { Reading } from '../../../../../services/domain/reading.ts';
import { readingCodec } from '../../../../../services/engine/runtime/channels/reading-codec.ts';

const reading = (device: string, metric: string, ts: number, value: number): Reading => ({
  device,
  metric,
  ts,
  value,
});

describe('readingCodec', () => {
  it('round-trips readings through typed arrays, sending each string once per channel', () => {
    const encoder = readingCodec.createEncoder();
    const decoder = readingCodec.createDecoder();
    const first = [reading('boiler-1', 'temperature', 1, 21.5), reading('boiler-1', 'humidity', 1, 40)];
    for (const r of first) encoder.add(r);
    const a = encoder.finish();
    expect(a.transfer).toHaveLength(2);
    expect((a.payload as { strings: string[] }).strings).toEqual(['boiler-1', 'temperature', 'humidity']);
    expect(decoder.decode(a.payload, 2)).toEqual(first);

    const second = [reading('boiler-2', 'temperature', 2, -3.25), reading('boiler-1', 'humidity', 3, 41)];
    for (const r of second) encoder.add(r);
    const b = encoder.finish();
    expect((b.payload as { strings: string[] }).strings).toEqual(['boiler-2']); // the rest were sent before
    expect(decoder.decode(b.payload, 2)).toEqual(second);
  });

  it('reuses the buffers sent back to it', () => {
    const encoder = readingCodec.createEncoder();
    encoder.add(reading('a', 'm', 1, 1));
    const first = encoder.finish();
    encoder.recycle!(first.transfer);
    encoder.add(reading('a', 'm', 2, 2));
    const second = encoder.finish();
    expect(second.transfer).toEqual(first.transfer);
    expect(second.transfer[0]).toBe(first.transfer[0]);
  });

  it('grows past its initial capacity', () => {
    const encoder = readingCodec.createEncoder();
    const decoder = readingCodec.createDecoder();
    const many = Array.from({ length: 5_000 }, (_, i) => reading(`d${i % 7}`, 'm', i, i / 2));
    for (const r of many) encoder.add(r);
    expect(decoder.decode(encoder.finish().payload, many.length)).toEqual(many);
  });

  it('starts its dictionary over past 65,536 strings, and the decoder follows', () => {
    const encoder = readingCodec.createEncoder();
    const decoder = readingCodec.createDecoder();
    const batch = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => reading(`device-${from + i}`, 'm', i, 1));
    for (const [from, to] of [
      [0, 40_000],
      [40_000, 70_000],
      [0, 10],
    ] as const) {
      const readings = batch(from, to);
      for (const r of readings) encoder.add(r);
      const encoded = encoder.finish();
      expect(decoder.decode(encoded.payload, readings.length)).toEqual(readings);
    }
  });

  it('refuses a record that is not a Reading, and says which codec to use instead', () => {
    const encoder = readingCodec.createEncoder();
    expect(() => encoder.add({ device: 'a' } as unknown as Reading)).toThrow(/structuredCloneCodec/);
  });
});
