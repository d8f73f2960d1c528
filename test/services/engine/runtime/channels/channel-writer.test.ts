import { describe, expect, it } from 'vitest';
import {
  type BatchMessage,
  MARK_END,
  MARK_IDLE,
  MARK_WATERMARK,
} from '../../../../../services/engine/runtime/channels/channel-messages.ts';
import { ChannelWriter } from '../../../../../services/engine/runtime/channels/channel-writer.ts';
import { OutputAvailability } from '../../../../../services/engine/runtime/channels/output-availability.ts';
import { structuredCloneCodec } from '../../../../../services/engine/runtime/channels/record-codec.ts';
import { waitFor } from '../../../../support/wait-for.ts';
import { endOfTurn, fakeChannel } from './support/fake-port.ts';

const label = { exchange: 'key-by', from: 'main', to: 0 } as const;

function writer(batchSize: number, capacity: number) {
  const { producer, consumer } = fakeChannel();
  const availability = new OutputAvailability();
  const changes: boolean[] = [];
  availability.onChange((available) => changes.push(available));
  const w = new ChannelWriter<string>(
    label,
    producer,
    structuredCloneCodec(),
    { batchSize, capacity, lingerMs: 0 },
    availability,
  );
  const batches = () => consumer.inbox.splice(0) as BatchMessage[];
  const credit = (n = 1) => {
    consumer.postMessage({ credit: n });
    producer.deliver();
  };
  return { w, availability, changes, batches, credit, producer };
}

const timestampsOf = (batch: BatchMessage) => [...new Float64Array(batch.timestamps, 0, batch.count)];

describe('ChannelWriter', () => {
  it('sends a batch when it is full, and what is left at the end of the event-loop turn', async () => {
    const { w, batches } = writer(3, 4);
    for (const [i, v] of ['a', 'b', 'c', 'd'].entries()) w.collect(v, 10 + i);
    const full = batches();
    expect(full).toHaveLength(1);
    expect(full[0]!.payload).toEqual(['a', 'b', 'c']);
    expect(timestampsOf(full[0]!)).toEqual([10, 11, 12]);
    await endOfTurn();
    const rest = batches();
    expect(rest.map((b) => b.payload)).toEqual([['d']]);
    expect(w.metrics()).toMatchObject({
      inFlight: 2,
      capacity: 4,
      fill: 0.5,
      batchesSent: 2,
      recordsSent: 4,
    });
  });

  it('with a linger, a batch that is not full waits that long for more records', async () => {
    const { producer, consumer } = fakeChannel();
    const w = new ChannelWriter<string>(
      label,
      producer,
      structuredCloneCodec(),
      { batchSize: 100, capacity: 4, lingerMs: 5 },
      new OutputAvailability(),
    );
    w.collect('a', 1);
    await endOfTurn();
    w.collect('b', 2);
    expect(consumer.inbox).toEqual([]); // still lingering after a turn
    await waitFor(() => consumer.inbox.length > 0, { timeoutMs: 1_000, message: 'the lingering batch' });
    expect((consumer.inbox as BatchMessage[]).map((b) => b.payload)).toEqual([['a', 'b']]);
  });

  it('carries watermarks, idleness and end in band, at their place among the records', async () => {
    const { w, batches } = writer(100, 4);
    w.collect('a', 1);
    w.emitWatermark(5);
    w.emitWatermark(6); // no record between: replaces the previous one
    w.collect('b', 7);
    w.markIdle();
    w.end();
    w.collect('after end', 9); // dropped
    await endOfTurn();
    const [batch] = batches();
    expect(batch!.payload).toEqual(['a', 'b']);
    expect(batch!.markers).toEqual([1, MARK_WATERMARK, 6, 2, MARK_IDLE, 0, 2, MARK_END, 0]);
  });

  it('with no credit and a full batch it blocks its task, overfills that one batch, and resumes on credit', async () => {
    const { w, availability, changes, batches, credit } = writer(2, 2);
    for (let i = 0; i < 4; i++) w.collect(`r${i}`, i); // two full batches: both credits used
    expect(batches()).toHaveLength(2);
    expect(availability.available).toBe(true);
    w.collect('r4', 4);
    w.collect('r5', 5); // third batch full, no credit: blocked
    expect(availability.available).toBe(false);
    w.collect('r6', 6); // the rest of a source's batch still goes in (overfill)
    await endOfTurn();
    expect(batches()).toHaveLength(0); // nothing sent without credit
    expect(w.metrics()).toMatchObject({
      blocked: true,
      inFlight: 2,
      fill: 1,
      pendingRecords: 3,
      timesBlocked: 1,
    });
    credit();
    const [overfull] = batches();
    expect(overfull!.payload).toEqual(['r4', 'r5', 'r6']);
    expect(availability.available).toBe(true);
    expect(changes).toEqual([false, true]);
    expect(w.metrics()).toMatchObject({ blocked: false, inFlight: 2, largestBatch: 3 });
  });

  it('a partial batch waiting for credit at the end of the turn goes out as soon as credit returns', async () => {
    const { w, batches, credit } = writer(10, 1);
    w.collect('a', 1);
    await endOfTurn();
    expect(batches()).toHaveLength(1);
    w.collect('b', 2);
    await endOfTurn();
    expect(batches()).toHaveLength(0);
    credit();
    expect(batches().map((b) => b.payload)).toEqual([['b']]);
  });

  it('reuses the buffers the consumer sends back with the credit', () => {
    const { w, batches, producer } = writer(2, 1);
    w.collect('a', 1);
    w.collect('b', 2);
    const [first] = batches();
    expect(first!.buffers).toEqual([first!.timestamps]);
    producer.peer.postMessage({ credit: 1, buffers: first!.buffers });
    producer.deliver();
    w.collect('c', 3);
    w.collect('d', 4);
    const [second] = batches();
    expect(second!.timestamps).toBe(first!.timestamps); // the same buffer, not a new one
    expect(timestampsOf(second!)).toEqual([3, 4]);
  });

  it('close() stops listening and closes the port', () => {
    const { w, producer } = writer(2, 2);
    w.close();
    expect(producer.closed).toBe(true);
  });
});
