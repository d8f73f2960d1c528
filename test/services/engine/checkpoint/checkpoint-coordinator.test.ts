import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../services/common/logger.ts';
import { CheckpointError } from '../../../../services/engine/checkpoint/checkpoint-errors.ts';
import { CheckpointStore } from '../../../../services/engine/checkpoint/checkpoint-store.ts';
import type {
  CoordinatorLogger,
  CoordinatorStore,
} from '../../../../services/engine/checkpoint/coordinator-types.ts';
import { coordinatorHarness, flush, handle, MemoryStore, TASKS } from './coordinator-harness.ts';

describe('CheckpointCoordinator', () => {
  it('triggers every interval; all acks → durable manifest → notifyComplete; stats', async () => {
    const { clock, coordinator, events, store, triggers } = coordinatorHarness();
    await coordinator.start();
    clock.advance(999);
    await flush();
    expect(events).toEqual([]);
    clock.advance(1);
    await flush();
    expect(events).toEqual(['begin 1 checkpoint', 'trigger 1 checkpoint']);
    expect(triggers[0]!.options).toEqual({ kind: 'checkpoint', timestamp: 1_000, dir: '/checkpoints/chk-1' });
    expect(coordinator.stats().pending).toBe(1);

    clock.advance(40);
    coordinator.acknowledge(1, 'window#0', handle('window#0', 500, 7), { pauseMs: 12 });
    coordinator.acknowledge(1, 'window#1', handle('window#1', 300, 5), { pauseMs: 30 });
    await flush();
    expect(events.slice(2)).toEqual([]); // one task still missing
    clock.advance(10);
    coordinator.acknowledge(1, 'source#0', handle('source#0', 20, 0), { pauseMs: 1 });
    await flush();
    expect(events.slice(2)).toEqual(['complete 1', 'notify-complete 1']);
    expect(store.completed[0]).toMatchObject({
      id: 1,
      kind: 'checkpoint',
      durationMs: 50,
      job: { name: 'test-job', fingerprint: 'f1' },
      maxParallelism: 128,
      parallelism: 2,
    });
    expect(store.completed[0]!.tasks.map((t) => `${t.task}#${t.subtask}`).sort()).toEqual([...TASKS].sort());
    expect(coordinator.stats()).toEqual({
      last: {
        id: 1,
        kind: 'checkpoint',
        durationMs: 50,
        bytes: 820,
        keys: 12,
        longestPauseMs: 30,
        longestPauseTask: 'window#1',
      },
      maxPauseMs: 30,
      completed: 1,
      aborted: 0,
      skipped: 0,
      pending: undefined,
      queuedSavepoints: 0,
    });
    await coordinator.stop();
  });

  it('keeps one checkpoint in flight: ticks meanwhile are skipped and counted', async () => {
    const skips: number[] = [];
    const { clock, coordinator, events, ackAll } = coordinatorHarness({
      metrics: { onSkipped: () => skips.push(clock.now()) },
    });
    await coordinator.start();
    clock.advance(1_000);
    await flush();
    clock.advance(2_000); // ticks at 2000 and 3000 while 1 is pending
    await flush();
    expect(coordinator.stats()).toMatchObject({ skipped: 2, pending: 1 });
    expect(skips).toEqual([2_000, 3_000]);
    ackAll(1);
    await flush();
    clock.advance(1_000);
    await flush();
    expect(events.filter((e) => e.startsWith('trigger'))).toEqual([
      'trigger 1 checkpoint',
      'trigger 2 checkpoint',
    ]);
    await coordinator.stop();
  });

  it('aborts on timeout, naming the tasks it waited for, ignores late acks, and moves on to a new id', async () => {
    const aborts: string[] = [];
    const { clock, coordinator, events, logs, ackAll } = coordinatorHarness({
      metrics: { onAborted: (id, reason) => aborts.push(`${id}: ${reason}`) },
    });
    await coordinator.start();
    clock.advance(1_000);
    await flush();
    coordinator.acknowledge(1, 'window#0', handle('window#0', 1, 1));
    clock.advance(3_499);
    await flush();
    expect(coordinator.stats().aborted).toBe(0);
    clock.advance(1); // 3.5 s after the trigger
    await flush();
    const reason = 'timed out after 3500 ms, waiting for source#0, window#1';
    expect(events.slice(2)).toEqual(['abort 1', `notify-aborted 1: ${reason}`]);
    expect(aborts).toEqual([`1: ${reason}`]);
    expect(logs.some((l) => l.startsWith(`warn checkpoint 1 aborted: ${reason}`))).toBe(true);
    expect(coordinator.stats()).toMatchObject({ aborted: 1, completed: 0, pending: undefined, skipped: 3 });

    ackAll(1); // too late
    await flush();
    expect(events.filter((e) => e.startsWith('complete'))).toEqual([]);
    expect(
      logs.filter((l) => l.startsWith('debug checkpoint: acknowledgement for an id not in flight')),
    ).toHaveLength(3);

    clock.advance(500); // the next tick (at 5000) takes a new id: aborted ids are not reused
    await flush();
    expect(events.at(-1)).toBe('trigger 2 checkpoint');
    await coordinator.stop();
  });

  it('aborts on a decline; acks from unknown tasks and repeats are ignored', async () => {
    const { clock, coordinator, events, logs } = coordinatorHarness();
    await coordinator.start();
    clock.advance(1_000);
    await flush();
    coordinator.acknowledge(1, 'stranger#9', handle('stranger#9', 1, 1));
    coordinator.acknowledge(1, 'window#0', handle('window#0', 1, 1));
    coordinator.acknowledge(1, 'window#0', handle('window#0', 1, 1));
    expect(logs.filter((l) => l.startsWith('debug') && l.includes('ignored'))).toHaveLength(2);
    coordinator.decline(1, 'window#1', 'state too large');
    await flush();
    expect(events.slice(2)).toEqual(['abort 1', 'notify-aborted 1: declined by window#1: state too large']);
    coordinator.decline(1, 'source#0', 'again'); // not in flight any more: ignored
    await flush();
    expect(coordinator.stats()).toMatchObject({ aborted: 1 });
    await coordinator.stop();
  });

  it('queues a savepoint asked for while a periodic checkpoint is pending; never interleaves them', async () => {
    const { clock, coordinator, events, ackAll } = coordinatorHarness();
    await coordinator.start();
    clock.advance(1_000);
    await flush();
    const savepoint = coordinator.triggerSavepoint('/backups/sp-1');
    await flush();
    expect(coordinator.stats()).toMatchObject({ pending: 1, queuedSavepoints: 1 });
    clock.advance(1_000); // a tick while the savepoint waits: skipped too
    await flush();
    expect(events).toEqual(['begin 1 checkpoint', 'trigger 1 checkpoint']);

    ackAll(1);
    await flush();
    expect(events.slice(2)).toEqual([
      'complete 1',
      'notify-complete 1',
      'begin 2 savepoint /backups/sp-1',
      'trigger 2 savepoint',
    ]);
    ackAll(2);
    const completed = await savepoint;
    expect(completed.manifest).toMatchObject({ id: 2, kind: 'savepoint', totalBytes: 600 });
    expect(coordinator.stats()).toMatchObject({
      completed: 2,
      skipped: 1,
      pending: undefined,
      queuedSavepoints: 0,
    });
    clock.advance(1_000);
    await flush();
    expect(events.at(-1)).toBe('trigger 3 checkpoint');
    await coordinator.stop();
  });

  it('takes a savepoint at once when nothing is in flight, with its directory in the trigger', async () => {
    const { coordinator, triggers, ackAll } = coordinatorHarness();
    const savepoint = coordinator.triggerSavepoint('/backups/now'); // not even started: ids are read first
    await flush();
    expect(triggers).toEqual([
      { id: 1, options: { kind: 'savepoint', timestamp: 0, targetDir: '/backups/now', dir: '/backups/now' } },
    ]);
    ackAll(1);
    expect((await savepoint).manifest.id).toBe(1);
  });

  it('rejects a savepoint that is declined, with a coded error', async () => {
    const { coordinator } = coordinatorHarness();
    const savepoint = coordinator.triggerSavepoint('/backups/sp');
    await flush();
    coordinator.decline(1, 'window#0', 'restoring');
    const error = await savepoint.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error).toMatchObject({
      code: 'EDDY_CHECKPOINT_ABORTED',
      message: 'savepoint 1 aborted: declined by window#0: restoring',
    });
  });

  it('starts ids at store.nextId(), so they go on after a restart', async () => {
    const store = new MemoryStore([], 41);
    const first = coordinatorHarness({}, store);
    await first.coordinator.start();
    for (const id of [41, 42]) {
      first.clock.advance(1_000);
      await flush();
      first.ackAll(id);
      await flush();
    }
    await first.coordinator.stop();
    expect(store.completed.map((c) => c.id)).toEqual([41, 42]);

    const second = coordinatorHarness({}, store); // a restart: a new coordinator on the same store
    await second.coordinator.start();
    second.clock.advance(1_000);
    await flush();
    expect(second.triggers.map((t) => t.id)).toEqual([43]);
    await second.coordinator.stop();
  });

  it('stop() cancels the timer, aborts the pending checkpoint and rejects queued savepoints', async () => {
    const { clock, coordinator, events } = coordinatorHarness();
    await coordinator.start();
    clock.advance(1_000);
    await flush();
    const savepoint = coordinator.triggerSavepoint('/backups/sp').catch((e: unknown) => e);
    await flush();
    await coordinator.stop();
    expect(events.slice(2)).toEqual(['abort 1', 'notify-aborted 1: the checkpoint coordinator stopped']);
    expect(await savepoint).toMatchObject({ code: 'EDDY_CHECKPOINT_ABORTED' });
    clock.advance(10_000);
    await flush();
    expect(events).toHaveLength(4);
    expect(clock.pendingCount()).toBe(0);
    await expect(coordinator.triggerSavepoint('/x')).rejects.toThrow(/stopped/);
  });

  it('aborts when the store cannot make it durable; a failing notifyComplete leaves it complete', async () => {
    const store = new MemoryStore([]);
    store.failComplete = new Error('ENOSPC: no space left on device');
    const { clock, coordinator, events, logs, ackAll } = coordinatorHarness(
      {
        notifyComplete: () => {
          throw new Error('broker gone');
        },
      },
      store,
    );
    await coordinator.start();
    clock.advance(1_000);
    await flush();
    ackAll(1);
    await flush();
    expect(events.slice(2)).toEqual([
      'complete 1',
      'abort 1',
      'notify-aborted 1: could not be made durable: ENOSPC: no space left on device',
    ]);
    store.failComplete = undefined;
    clock.advance(1_000);
    await flush();
    ackAll(2);
    await flush();
    expect(coordinator.stats()).toMatchObject({ completed: 1, aborted: 1, last: { id: 2 } });
    expect(logs.some((l) => l.startsWith('error checkpoint 2: notifying completion failed'))).toBe(true);
    await coordinator.stop();
  });

  it('aborts when the sources cannot be triggered', async () => {
    const { clock, coordinator, events } = coordinatorHarness({
      triggerSources: () => {
        throw new Error('source closed');
      },
    });
    await coordinator.start();
    clock.advance(1_000);
    await flush();
    expect(events).toEqual([
      'begin 1 checkpoint',
      'abort 1',
      'notify-aborted 1: could not start: source closed',
    ]);
    await coordinator.stop();
  });

  it('takes the process logger (pino) and the checkpoint store as they are', () => {
    // type checks: these lines compile
    const logger: CoordinatorLogger = silentLogger;
    const store: CoordinatorStore = new CheckpointStore({ dir: '/nonexistent/never-written' });
    expect(() => coordinatorHarness({ logger, store })).not.toThrow();
  });
});
