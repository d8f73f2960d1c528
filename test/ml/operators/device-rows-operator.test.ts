import { describe, expect, it } from 'vitest';
import { type DeviceRow, DeviceRowsOperator } from '../../../ml/operators/device-rows-operator.ts';
import { rowExample } from '../../../ml/operators/row-example.ts';
import type { Reading } from '../../../services/domain/reading.ts';
import { keyGroupOf, keyGroupRange, subtaskOf } from '../../../services/engine/key-groups.ts';
import { MAX_WATERMARK } from '../../../services/engine/time/watermark.ts';
import {
  type Emitted,
  OperatorHarness,
  restoredOperator,
  throughCodec,
} from '../../support/operator-harness.ts';

const r = (device: string, metric: string, ts: number, value: number): Reading => ({
  device,
  metric,
  ts,
  value,
});

const harness = (subtask?: { index: number; parallelism: number }) =>
  new OperatorHarness(new DeviceRowsOperator('rows'), {
    uid: 'model-power-rows',
    ...(subtask ? { subtask } : {}),
  });

function feed(h: OperatorHarness<Reading, DeviceRow>, readings: readonly Reading[]): Emitted<DeviceRow>[] {
  for (const reading of readings) h.element(reading, reading.ts);
  return h.take();
}

describe('DeviceRowsOperator', () => {
  it('assembles a device’s readings of one time into a row, emitted when a later reading arrives', () => {
    const h = harness();
    expect(feed(h, [r('a', 't', 1_000, 21), r('a', 'h', 1_000, 40), r('b', 't', 1_000, 5)])).toEqual([]);
    expect(feed(h, [r('a', 't', 2_000, 22)])).toEqual([
      { record: { device: 'a', ts: 1_000, values: { t: 21, h: 40 } }, timestamp: 1_000 },
    ]);
  });

  it('emits the rows the watermark passes, per device in time order, before forwarding it', () => {
    const h = harness();
    feed(h, [r('a', 't', 1_000, 21), r('b', 't', 1_500, 5), r('b', 't', 1_000, 4), r('a', 't', 3_000, 23)]);
    h.watermark(1_500);
    expect(h.take()).toEqual([
      { record: { device: 'b', ts: 1_000, values: { t: 4 } }, timestamp: 1_000 },
      { record: { device: 'b', ts: 1_500, values: { t: 5 } }, timestamp: 1_500 },
      { watermark: 1_500 },
    ]);
    h.watermark(MAX_WATERMARK);
    expect(h.take()).toEqual([
      { record: { device: 'a', ts: 3_000, values: { t: 23 } }, timestamp: 3_000 },
      { watermark: MAX_WATERMARK },
    ]);
  });

  it('assembles an overtaken message whole and emits it first; drops readings of rows already emitted', () => {
    const op = new DeviceRowsOperator('rows');
    const h = new OperatorHarness(op);
    const out = feed(h, [
      r('a', 't', 2_000, 22),
      r('a', 'h', 2_000, 42),
      r('a', 't', 1_000, 21), // overtaken by the message of 2 000
      r('a', 'h', 1_000, 41),
      r('a', 't', 3_000, 23), // closes both, in time order
      r('a', 'h', 2_000, 99), // the row of 2 000 went out: late
      r('a', 't', 3_000, 24), // a metric read twice keeps its last value
    ]);
    expect(out.map((e) => ('record' in e ? e.record : e))).toEqual([
      { device: 'a', ts: 1_000, values: { t: 21, h: 41 } },
      { device: 'a', ts: 2_000, values: { t: 22, h: 42 } },
    ]);
    expect(h.watermark(MAX_WATERMARK).take()[0]).toEqual({
      record: { device: 'a', ts: 3_000, values: { t: 24 } },
      timestamp: 3_000,
    });
    expect(op.metrics()).toMatchObject({ recordsIn: 7, recordsOut: 3, lateRecordsDropped: 1 });
  });

  it('keeps pending rows and last emitted times in checkpoints: restored (also split), it continues identically', () => {
    const devices = ['d0', 'd1', 'd2', 'd3', 'd4', 'd5'];
    const stream = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, k) => {
        const i = from + k;
        return r(devices[i % 6]!, ['t', 'h'][Math.floor(i / 6) % 2]!, Math.floor(i / 12) * 1_000, i);
      });
    const script = (
      h: OperatorHarness<Reading, DeviceRow>,
      readings: readonly Reading[],
      mine = (_: Reading) => true,
    ) => {
      for (const reading of readings) {
        if (mine(reading)) h.element(reading, reading.ts);
        if (reading.ts % 5_000 === 0 && reading.device === 'd5' && reading.metric === 'h')
          h.watermark(reading.ts - 1_500);
      }
      h.watermark(MAX_WATERMARK);
      return h.take().filter((e) => 'record' in e);
    };
    const original = harness();
    feed(original, stream(0, 100));
    original.element(r('d5', 't', 8_000, 1), 8_000).take(); // d5's row of 8 000 pending at the checkpoint
    const snapshot = throughCodec(original.snapshot(1));
    expect(snapshot).toMatchObject({ kind: 'device-rows', keys: 6 });
    const expected = script(original, stream(100, 300));
    expect(expected.length).toBeGreaterThan(100);
    expect(script(harness().restore(restoredOperator([snapshot])), stream(100, 300))).toEqual(expected);

    const route = (reading: Reading) => subtaskOf(keyGroupOf(reading.device, 128), 2, 128);
    const split = [0, 1].flatMap((index) =>
      script(
        harness({ index, parallelism: 2 }).restore(
          restoredOperator([snapshot], keyGroupRange(index, 2, 128)),
        ),
        stream(100, 300),
        (reading) => route(reading) === index,
      ),
    );
    const byDevice = (out: Emitted<DeviceRow>[]) =>
      out
        .flatMap((e) => ('record' in e && !('side' in e) ? [e.record] : []))
        .sort((a, b) => a.device.localeCompare(b.device) || a.ts - b.ts);
    expect(byDevice(split)).toEqual(byDevice(expected));
  });
});

describe('rowExample', () => {
  it('takes the target out of the features, leaves missing features out, adds the time of day', () => {
    const example = rowExample({ target: 'power', timeFeatures: true });
    const { x, y } = example({
      device: 'd1',
      ts: Date.UTC(2024, 0, 1, 6),
      values: { power: 3, temperature: 21 },
    });
    expect(y).toBe(3);
    expect(x.temperature).toBe(21);
    expect(x.tod_sin).toBeCloseTo(1, 12);
    expect(x.tod_cos).toBeCloseTo(0, 12);
    expect(Object.keys(x)).toEqual(['temperature', 'tod_sin', 'tod_cos']);
    const picked = rowExample({
      target: 'power',
      features: ['humidity', 'temperature'],
      timeFeatures: false,
    });
    expect(picked({ device: 'd1', ts: 0, values: { temperature: 21, door: 1 } })).toEqual({
      x: { temperature: 21 },
      y: undefined,
    });
    const values = Object.fromEntries([
      ['__proto__', 1],
      ['a', 2],
    ]);
    expect(Object.entries(rowExample({ timeFeatures: false })({ device: 'd1', ts: 0, values }).x)).toEqual([
      ['__proto__', 1],
      ['a', 2],
    ]);
  });
});
