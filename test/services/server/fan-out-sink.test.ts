import { describe, expect, it } from 'vitest';
import type { Sink } from '../../../services/engine/api/sink.ts';
import { CollectingSink } from '../../../services/engine/api/sinks/collecting-sink.ts';
import { ManualClock } from '../../../services/engine/time/clock.ts';
import { fanOutSink } from '../../../services/server/fan-out-sink.ts';

/** A sink that records what happens to it, and fails `close` when told to. */
function tracingSink(name: string, calls: string[], failClose = false): Sink<number> {
  return {
    name,
    open: async () => {
      calls.push(`${name}.open`);
    },
    write: (record, timestamp) => {
      calls.push(`${name}.write(${record}@${timestamp})`);
    },
    flush: async () => {
      calls.push(`${name}.flush`);
    },
    close: async () => {
      calls.push(`${name}.close`);
      if (failClose) throw new Error(`${name} failed to close`);
    },
  };
}

describe('fanOutSink', () => {
  it('hands every record to each target, and opens, flushes and closes them all', async () => {
    const calls: string[] = [];
    const sink = fanOutSink('predictions', [tracingSink('a', calls), tracingSink('b', calls)]);
    expect(sink.name).toBe('predictions');
    await sink.open({ clock: new ManualClock(0) });
    sink.write(1, 10);
    sink.write(2, 20);
    await sink.flush();
    await sink.close();
    expect(calls).toEqual([
      'a.open',
      'b.open',
      'a.write(1@10)',
      'b.write(1@10)',
      'a.write(2@20)',
      'b.write(2@20)',
      'a.flush',
      'b.flush',
      'a.close',
      'b.close',
    ]);
  });

  it('closes every target when one fails, then reports the failure', async () => {
    const calls: string[] = [];
    const sink = fanOutSink('metrics', [tracingSink('a', calls, true), tracingSink('b', calls)]);
    await expect(sink.close()).rejects.toThrow('a failed to close');
    expect(calls).toEqual(['a.close', 'b.close']);
  });

  it('is writable while every target is, and tells of the drain once all are writable again', () => {
    /** A target whose buffer fills and drains on command, like an InfluxDB sink. */
    const fillable = (name: string) => {
      const listeners = new Set<() => void>();
      const target = {
        ...tracingSink(name, []),
        writable: true,
        onDrain: (listener: () => void) => {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
        drain() {
          target.writable = true;
          for (const listener of listeners) listener();
        },
      };
      return target;
    };
    const a = fillable('a');
    const b = fillable('b');
    const sink = fanOutSink('predictions', [a, b, tracingSink('live', [])]);
    const drains: string[] = [];
    const stop = sink.onDrain!(() => drains.push('drained'));
    expect(sink.writable).toBe(true);
    a.writable = false;
    b.writable = false;
    expect(sink.writable).toBe(false);
    a.drain();
    expect(sink.writable).toBe(false);
    expect(drains).toEqual([]); // b is still full
    b.drain();
    expect(sink.writable).toBe(true);
    expect(drains).toEqual(['drained']);
    stop();
    a.writable = false;
    a.drain();
    expect(drains).toEqual(['drained']); // unsubscribed
  });

  it('is the target itself when there is one, and refuses none', () => {
    const only = new CollectingSink<number>('only');
    expect(fanOutSink('x', [only])).toBe(only);
    expect(() => fanOutSink('x', [])).toThrow('sink x: give at least one target');
  });
});
