import { describe, expect, it } from 'vitest';
import { CheckpointError } from '../../../../services/engine/checkpoint/checkpoint-errors.ts';
import { coordinatorHarness, flush } from './coordinator-harness.ts';

describe('CheckpointCoordinator.triggerCheckpoint', () => {
  it('intervalMs 0 runs no ticker: checkpoints only on request, resolving with the durable checkpoint', async () => {
    const { clock, coordinator, events, ackAll } = coordinatorHarness({ intervalMs: 0 });
    await coordinator.start();
    expect(clock.pendingCount()).toBe(0);
    clock.advance(60 * 60_000);
    await flush();
    expect(events).toEqual([]);

    const completed = coordinator.triggerCheckpoint();
    await flush();
    expect(events).toEqual(['begin 1 checkpoint', 'trigger 1 checkpoint']);
    ackAll(1);
    expect((await completed).manifest).toMatchObject({ id: 1, kind: 'checkpoint', totalBytes: 600 });
    expect(coordinator.stats()).toMatchObject({ completed: 1, skipped: 0, pending: undefined });
    await coordinator.stop();
  });

  it('a request while one is in flight runs right after it; requests waiting together share one', async () => {
    const { clock, coordinator, events, ackAll } = coordinatorHarness();
    await coordinator.start();
    clock.advance(1_000); // periodic checkpoint 1
    await flush();
    const first = coordinator.triggerCheckpoint();
    const second = coordinator.triggerCheckpoint();
    await flush();
    expect(coordinator.stats()).toMatchObject({ pending: 1, queuedSavepoints: 0 });
    clock.advance(1_000); // a tick while a request waits: skipped
    await flush();
    expect(events).toEqual(['begin 1 checkpoint', 'trigger 1 checkpoint']);

    ackAll(1);
    await flush();
    expect(events.slice(2)).toEqual([
      'complete 1',
      'notify-complete 1',
      'begin 2 checkpoint',
      'trigger 2 checkpoint',
    ]);
    ackAll(2);
    const [a, b] = await Promise.all([first, second]);
    expect(a.manifest.id).toBe(2);
    expect(b).toBe(a);
    expect(coordinator.stats()).toMatchObject({ completed: 2, skipped: 1 });
    await coordinator.stop();
  });

  it('waits behind a queued savepoint, in order', async () => {
    const { coordinator, events, ackAll } = coordinatorHarness({ intervalMs: 0 });
    await coordinator.start();
    const checkpoint1 = coordinator.triggerCheckpoint();
    await flush();
    const savepoint = coordinator.triggerSavepoint('/backups/sp');
    const checkpoint3 = coordinator.triggerCheckpoint();
    await flush();
    expect(coordinator.stats()).toMatchObject({ pending: 1, queuedSavepoints: 1 });
    for (const id of [1, 2, 3]) {
      ackAll(id);
      await flush();
    }
    expect((await checkpoint1).manifest.id).toBe(1);
    expect((await savepoint).manifest).toMatchObject({ id: 2, kind: 'savepoint' });
    expect((await checkpoint3).manifest).toMatchObject({ id: 3, kind: 'checkpoint' });
    expect(events.filter((e) => e.startsWith('trigger'))).toEqual([
      'trigger 1 checkpoint',
      'trigger 2 savepoint',
      'trigger 3 checkpoint',
    ]);
    await coordinator.stop();
  });

  it('rejects when the checkpoint is declined (a request waiting behind it still runs), when stopped', async () => {
    const { coordinator, events, ackAll } = coordinatorHarness({ intervalMs: 0 });
    await coordinator.start();
    const declined = coordinator.triggerCheckpoint();
    const waiting = coordinator.triggerCheckpoint();
    await flush();
    expect(coordinator.stats().pending).toBe(1);
    coordinator.decline(1, 'window#1', 'disk full');
    const error = await declined.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error).toMatchObject({
      code: 'EDDY_CHECKPOINT_ABORTED',
      message: 'checkpoint 1 aborted: declined by window#1: disk full',
    });
    await flush();
    expect(events.at(-1)).toBe('trigger 2 checkpoint');
    ackAll(2);
    expect((await waiting).manifest.id).toBe(2);

    const inFlight = coordinator.triggerCheckpoint().catch((e: unknown) => e);
    await flush();
    const queued = coordinator.triggerCheckpoint().catch((e: unknown) => e);
    await flush();
    await coordinator.stop();
    expect(await inFlight).toMatchObject({
      message: 'checkpoint 3 aborted: the checkpoint coordinator stopped',
    });
    expect(await queued).toMatchObject({ message: 'checkpoint aborted: the checkpoint coordinator stopped' });
    await expect(coordinator.triggerCheckpoint()).rejects.toThrow(/stopped/);
  });

  it('refuses a negative or infinite interval', () => {
    expect(() => coordinatorHarness({ intervalMs: -1 })).toThrow(/interval must be .* >= 0/);
    expect(() => coordinatorHarness({ intervalMs: Number.POSITIVE_INFINITY })).toThrow(/interval/);
  });
});
