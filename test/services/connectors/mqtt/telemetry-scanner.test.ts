import { describe, expect, it } from 'vitest';
import { compilePayloadMapping } from '../../../../services/connectors/mqtt/payload-mapping.ts';
import { TelemetryScanner } from '../../../../services/connectors/mqtt/telemetry-scanner.ts';

const scanner = new TelemetryScanner();
const plain = compilePayloadMapping();
const scan = (text: string, options: { maxRecords?: number; now?: number; maxPastMs?: number } = {}) =>
  scanner.scan('dev-1', Buffer.from(text), plain, options.maxRecords ?? 10_000, options);
const values = (text: string) => scan(text)?.map((r) => r.value);

describe('TelemetryScanner (the decoder fast path)', () => {
  it('reads a record and an array of records into readings, in record then field order', () => {
    expect(scan('{"temperature":21.5,"ts":1700000000000,"humidity":40}')).toEqual([
      { device: 'dev-1', metric: 'temperature', ts: 1700000000000, value: 21.5 },
      { device: 'dev-1', metric: 'humidity', ts: 1700000000000, value: 40 },
    ]);
    expect(scan(' [ {"ts":1,"a":1} ,\n{"ts":2,"a":2}\t] ')?.map((r) => [r.ts, r.value])).toEqual([
      [1, 1],
      [2, 2],
    ]);
  });

  it('converts numbers exactly as JSON.parse does', () => {
    const literals = [
      '21.53',
      '-0',
      '0.1',
      '1e22',
      '1e23',
      '-1.5E-7',
      '123456789012345',
      '0.30000000000000004',
      '4.9e-324',
    ];
    for (const literal of literals) {
      expect(Object.is(values(`{"ts":0,"x":${literal}}`)?.[0], JSON.parse(literal))).toBe(true);
    }
  });

  it.each([
    ['a string value', '{"ts":0,"x":"1"}'],
    ['an ISO time', '{"ts":"2024-01-01T00:00:00Z","x":1}'],
    ['an escaped name', '{"ts":0,"\\u0078":1}'],
    ['a repeated field', '{"ts":0,"x":1,"x":2}'],
    ['a repeated time field', '{"ts":0,"ts":1,"x":1}'],
    ['__proto__', '{"ts":0,"__proto__":1}'],
    ['a name starting with a digit', '{"ts":0,"1x":1}'],
    ['a fractional time', '{"ts":0.5,"x":1}'],
    ['no time field', '{"x":1}'],
    ['no metric', '{"ts":0}'],
    ['an empty array', '[]'],
    ['a leading zero', '{"ts":0,"x":01}'],
    ['a number beyond the doubles', '{"ts":0,"x":1e999}'],
    ['trailing text', '{"ts":0,"x":1}x'],
    ['a trailing comma', '{"ts":0,"x":1,}'],
    ['a byte-order mark', '\ufeff{"ts":0,"x":1}'],
  ])('leaves %s to the general path', (_, text) => {
    expect(scan(text)).toBeUndefined();
  });

  it('leaves too many records and out-of-bounds times to the general path, which explains them', () => {
    expect(scan('[{"ts":0,"x":1},{"ts":0,"x":1}]', { maxRecords: 1 })).toBeUndefined();
    expect(scan('{"ts":0,"x":1}', { now: 10_000, maxPastMs: 1_000 })).toBeUndefined();
    expect(scan('{"ts":9500,"x":1}', { now: 10_000, maxPastMs: 1_000 })).toHaveLength(1);
  });
});
