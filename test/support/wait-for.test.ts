import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { onceEvent, waitFor } from './wait-for.ts';

describe('waitFor', () => {
  it('resolves once the check holds', async () => {
    let calls = 0;
    await waitFor(() => ++calls === 3, { intervalMs: 1 });
    expect(calls).toBe(3);
  });

  it('rejects with the message after the timeout', async () => {
    await expect(
      waitFor(async () => false, { timeoutMs: 30, intervalMs: 5, message: 'the answer' }),
    ).rejects.toThrow('timed out after 30 ms waiting for the answer');
  });
});

describe('onceEvent', () => {
  it('resolves with the arguments of the next event', async () => {
    const emitter = new EventEmitter();
    const next = onceEvent<[string, number]>(emitter, 'message', 1_000);
    emitter.emit('message', 'a', 1);
    expect(await next).toEqual(['a', 1]);
    expect(emitter.listenerCount('message')).toBe(0);
    expect(emitter.listenerCount('error')).toBe(0);
  });

  it('rejects on timeout and on an error event', async () => {
    const emitter = new EventEmitter();
    await expect(onceEvent(emitter, 'message', 20)).rejects.toThrow(
      'timed out after 20 ms waiting for event "message"',
    );
    const failing = onceEvent(emitter, 'message', 1_000);
    emitter.emit('error', new Error('boom'));
    await expect(failing).rejects.toThrow('boom');
  });
});
