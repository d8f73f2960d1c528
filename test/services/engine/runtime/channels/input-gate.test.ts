import { describe, expect, it } from 'vitest';
import { ChannelWriter } from '../../../../../services/engine/runtime/channels/channel-writer.ts';
import { InputGate } from '../../../../../services/engine/runtime/channels/input-gate.ts';
import { LocalChannel } from '../../../../../services/engine/runtime/channels/local-channel.ts';
import { OutputAvailability } from '../../../../../services/engine/runtime/channels/output-availability.ts';
import { structuredCloneCodec } from '../../../../../services/engine/runtime/channels/record-codec.ts';
import type { Downstream } from '../../../../../services/engine/runtime/output.ts';
import { endOfTurn, fakeChannel } from './support/fake-port.ts';

/** A gate with two remote inputs, recording what its chain receives. */
function gate() {
  const seen: string[] = [];
  const head: Downstream<string> = {
    collect: (value, ts) => seen.push(`${value}@${ts}`),
    emitWatermark: (w) => seen.push(`wm ${w}`),
  };
  const status: string[] = [];
  const gateAvailability = new OutputAvailability();
  const g = new InputGate<string>(
    'key-by',
    2,
    head,
    {
      onIdleChange: (idle) => status.push(idle ? 'idle' : 'active'),
      onEnded: () => status.push('ended'),
      onFailure: (error) => status.push(`failed: ${(error as Error).message}`),
    },
    gateAvailability,
  );
  const inputs = [0, 1].map((input) => {
    const { producer, consumer } = fakeChannel();
    g.attach(input, consumer, structuredCloneCodec());
    const writer = new ChannelWriter<string>(
      { exchange: 'key-by', from: input, to: 0 },
      producer,
      structuredCloneCodec(),
      { batchSize: 100, capacity: 2, lingerMs: 0 },
      new OutputAvailability(),
    );
    return { writer, producer, consumer };
  });
  const deliver = () => inputs.reduce((n, i) => n + i.consumer.deliver(), 0);
  return { g, seen, status, inputs, deliver, gateAvailability };
}

describe('InputGate', () => {
  it('feeds records in order and emits the minimum watermark over its inputs', async () => {
    const { seen, inputs, deliver } = gate();
    inputs[0]!.writer.collect('a', 1);
    inputs[0]!.writer.emitWatermark(10);
    inputs[1]!.writer.collect('b', 2);
    inputs[1]!.writer.emitWatermark(4);
    await endOfTurn();
    deliver();
    expect(seen).toEqual(['a@1', 'b@2', 'wm 4']);
    inputs[1]!.writer.emitWatermark(20);
    await endOfTurn();
    deliver();
    expect(seen.slice(3)).toEqual(['wm 10']);
  });

  it('returns credit only after processing, and holds batches while its outputs are full', async () => {
    const { seen, inputs, deliver, gateAvailability, g } = gate();
    gateAvailability.block(); // the task's own outputs are full
    inputs[0]!.writer.collect('a', 1);
    await endOfTurn();
    deliver();
    expect(seen).toEqual([]);
    expect(g.queuedBatches).toBe(1);
    expect(inputs[0]!.producer.inbox).toEqual([]); // no credit back yet
    gateAvailability.unblock();
    expect(seen).toEqual(['a@1']);
    expect(inputs[0]!.producer.inbox).toEqual([{ credit: 1, buffers: [expect.any(ArrayBuffer)] }]);
  });

  it('passes idleness on when every input is idle, and ends when every input ended', async () => {
    const { status, inputs, deliver } = gate();
    inputs[0]!.writer.markIdle();
    inputs[1]!.writer.markIdle();
    await endOfTurn();
    deliver();
    inputs[0]!.writer.markActive();
    inputs[0]!.writer.end();
    await endOfTurn();
    deliver();
    // input 0 woke up, then ended: only idle input 1 is left, so the task is idle again
    expect(status).toEqual(['idle', 'active', 'idle']);
    inputs[1]!.writer.end();
    await endOfTurn();
    deliver();
    expect(status).toEqual(['idle', 'active', 'idle', 'ended']);
  });

  it('reports a failing chain and stops processing', async () => {
    const { g, status, inputs, deliver } = gate();
    const failing = new InputGate<string>(
      'failing',
      1,
      {
        collect: () => {
          throw new Error('boom');
        },
        emitWatermark() {},
      },
      { onIdleChange() {}, onEnded() {}, onFailure: (e) => status.push(`failed: ${(e as Error).message}`) },
      new OutputAvailability(),
    );
    const { producer, consumer } = fakeChannel();
    failing.attach(0, consumer, structuredCloneCodec());
    producer.postMessage({ count: 1, timestamps: new Float64Array([1]).buffer, payload: ['x'], markers: [] });
    consumer.deliver();
    expect(status).toEqual(['failed: boom']);
    g.close();
    expect(inputs.every((i) => i.consumer.closed)).toBe(true);
    deliver();
  });

  it('a local channel feeds the gate directly, through the same valve', () => {
    const { seen, inputs, g } = gate();
    const local = new LocalChannel(() => g, 1);
    inputs[0]!.writer.emitWatermark(50); // not delivered: input 0 still at -inf in the valve
    local.collect('x', 3);
    local.emitWatermark(7);
    expect(seen).toEqual(['x@3']); // input 0 holds the watermark back
    local.markIdle();
    expect(seen).toEqual(['x@3']); // input 0 never sent one
  });
});
