import { describe, expect, it } from 'vitest';
import { ChannelWriter } from '../../../../../services/engine/runtime/channels/channel-writer.ts';
import { InputGate } from '../../../../../services/engine/runtime/channels/input-gate.ts';
import { LocalChannel } from '../../../../../services/engine/runtime/channels/local-channel.ts';
import { OutputAvailability } from '../../../../../services/engine/runtime/channels/output-availability.ts';
import { structuredCloneCodec } from '../../../../../services/engine/runtime/channels/record-codec.ts';
import type { Downstream } from '../../../../../services/engine/runtime/output.ts';
import { endOfTurn, fakeChannel } from './support/fake-port.ts';

/**
 * A gate over `remotes` channels from other threads (inputs 0..remotes-1) and, with `local`, one
 * producer in the same thread (the last input); `seen` records what its chain receives and when
 * barriers align or alignments are abandoned.
 */
function gate(remotes: number, options: { local?: boolean; capacity?: number } = {}) {
  const seen: string[] = [];
  const head: Downstream<string> = {
    collect: (value) => seen.push(value),
    emitWatermark: (w) => seen.push(`wm ${w}`),
  };
  const localAvailability = new OutputAvailability();
  const inputs = remotes + (options.local ? 1 : 0);
  const g: InputGate<string> = new InputGate<string>(
    'key-by',
    inputs,
    head,
    {
      onIdleChange: () => {},
      onEnded: () => seen.push('ended'),
      onFailure: (error) => seen.push(`failed: ${(error as Error).message}`),
      onBarrier: (id) => seen.push(`snapshot ${id}`),
      onAlignmentAborted: (id) => seen.push(`aborted ${id}`),
    },
    new OutputAvailability(),
    { localAvailability },
  );
  const channels = Array.from({ length: remotes }, (_, input) => {
    const { producer, consumer } = fakeChannel();
    g.attach(input, consumer, structuredCloneCodec());
    const availability = new OutputAvailability();
    const writer = new ChannelWriter<string>(
      { exchange: 'key-by', from: input, to: 0 },
      producer,
      structuredCloneCodec(),
      { batchSize: 2, capacity: options.capacity ?? 4, lingerMs: 0 },
      availability,
    );
    return { writer, producer, consumer, availability };
  });
  const local = options.local ? new LocalChannel<string>(() => g, remotes) : undefined;
  /** Lets the writers flush, delivers their batches and the credit coming back. */
  const deliver = async () => {
    await endOfTurn();
    for (const c of channels) c.consumer.deliver();
    for (const c of channels) c.producer.deliver();
  };
  /** Credit messages waiting at input `input`'s producer (delivered by the next `deliver`). */
  const creditsFor = (input: number) => channels[input]!.producer.inbox.length;
  return { g, seen, channels, local, localAvailability, deliver, creditsFor };
}

describe('InputGate: checkpoint barriers', () => {
  it('holds an input after its barrier, mid-batch, while the other inputs flow; then goes on where it stopped', async () => {
    const { g, seen, channels, deliver } = gate(2);
    const [a, b] = channels;
    a!.writer.collect('a1', 1);
    a!.writer.emitBarrier(1);
    a!.writer.collect('a2', 2); // same batch as a1, after the barrier
    b!.writer.collect('b1', 1);
    await endOfTurn();
    a!.consumer.deliver();
    b!.consumer.deliver();
    expect(seen).toEqual(['a1', 'b1']);
    expect(g.queuedBatches).toBe(1); // the rest of input 0's batch waits, unprocessed
    expect(a!.producer.inbox).toEqual([]); // and no credit went back for it
    expect(b!.producer.inbox).toHaveLength(1);
    expect(g.alignmentMetrics()).toMatchObject({ aligning: 1, blockedInputs: 1 });

    b!.writer.collect('b2', 2);
    b!.writer.emitBarrier(1);
    b!.writer.collect('b3', 3);
    await deliver();
    // b's records before the barrier, the snapshot, then the rest of both batches.
    expect(seen).toEqual(['a1', 'b1', 'b2', 'snapshot 1', 'b3', 'a2']);
    expect(g.queuedBatches).toBe(0);
    expect(g.alignmentMetrics()).toMatchObject({ aligning: undefined, blockedInputs: 0, aligned: 1 });
    expect(a!.writer.metrics().inFlight).toBe(0); // its credit came back once the batch was done
  });

  it("keeps a held input's batches in its bounded channel: its producer runs out of credit and pauses", async () => {
    const { g, seen, channels, deliver, creditsFor } = gate(2, { capacity: 2 });
    const [a, b] = channels;
    a!.writer.emitBarrier(1);
    for (let i = 0; i < 10; i++) a!.writer.collect(`a${i}`, i); // 5 full batches after the barrier
    b!.writer.collect('b1', 1);
    await deliver();
    await deliver();
    expect(seen).toEqual(['b1']);
    expect(a!.writer.metrics()).toMatchObject({ inFlight: 2, blocked: true }); // capacity 2: paused
    expect(a!.availability.available).toBe(false);
    expect(g.queuedBatches).toBeLessThanOrEqual(2);
    expect(creditsFor(0)).toBe(0);

    b!.writer.emitBarrier(1);
    await deliver();
    await deliver();
    await deliver();
    expect(seen.slice(0, 2)).toEqual(['b1', 'snapshot 1']);
    expect(seen.slice(2)).toEqual(Array.from({ length: 10 }, (_, i) => `a${i}`));
    expect(a!.availability.available).toBe(true);
  });

  it('counts an input that ended as aligned, during the alignment and for later checkpoints', async () => {
    const { seen, channels, deliver } = gate(3);
    const [a, b, c] = channels;
    a!.writer.emitBarrier(1);
    a!.writer.collect('a-after', 5);
    b!.writer.emitBarrier(1);
    c!.writer.collect('c1', 1);
    await deliver();
    expect(seen).toEqual(['c1']);
    c!.writer.end(); // the last input without the barrier ends: the alignment completes
    await deliver();
    expect(seen).toEqual(['c1', 'snapshot 1', 'a-after']);
    a!.writer.emitBarrier(2);
    b!.writer.emitBarrier(2);
    await deliver();
    expect(seen.at(-1)).toBe('snapshot 2'); // the ended input is not waited for
    a!.writer.end();
    b!.writer.end();
    await deliver();
    expect(seen.at(-1)).toBe('ended');
  });

  it('a newer barrier abandons the older alignment: the held input goes on, the newer one aligns', async () => {
    const { seen, channels, deliver } = gate(2);
    const [a, b] = channels;
    a!.writer.emitBarrier(1);
    a!.writer.collect('a1', 1);
    await deliver();
    expect(seen).toEqual([]);
    b!.writer.emitBarrier(2);
    b!.writer.collect('b1', 1);
    await deliver();
    expect(seen).toEqual(['aborted 1', 'a1']); // input 0 resumed; input 1 now waits for barrier 2
    a!.writer.emitBarrier(2);
    await deliver();
    expect(seen).toEqual(['aborted 1', 'a1', 'snapshot 2', 'b1']);
  });

  it('abortCheckpoint releases the held inputs without a snapshot', async () => {
    const { g, seen, channels, deliver } = gate(2);
    channels[0]!.writer.emitBarrier(4);
    channels[0]!.writer.collect('a1', 1);
    await deliver();
    g.abortCheckpoint(4, 'declined');
    expect(seen).toEqual(['aborted 4', 'a1']);
    channels[1]!.writer.emitBarrier(4); // late: ignored
    await deliver();
    expect(seen).toEqual(['aborted 4', 'a1']);
    expect(g.alignmentMetrics().ignoredBarriers).toBe(1);
  });

  it('a local input held at its barrier pauses its producer; what it still hands over is replayed in order', async () => {
    const { seen, channels, local, localAvailability, deliver } = gate(1, { local: true });
    local!.collect('l1', 1);
    local!.emitBarrier(1);
    expect(localAvailability.available).toBe(false); // the producer in this thread pauses
    local!.collect('l2', 2); // the rest of a source batch still arrives
    local!.emitWatermark(2);
    local!.emitBarrier(1); // a repeat (another path to the exchange) is dropped
    expect(seen).toEqual(['l1']);
    channels[0]!.writer.collect('r1', 1);
    channels[0]!.writer.emitBarrier(1);
    channels[0]!.writer.collect('r2', 2);
    await deliver();
    expect(seen).toEqual(['l1', 'r1', 'snapshot 1', 'l2', 'r2']);
    expect(localAvailability.available).toBe(true);
    channels[0]!.writer.emitWatermark(3);
    await deliver();
    expect(seen.at(-1)).toBe('wm 2'); // the local input's replayed watermark counts
  });
});
