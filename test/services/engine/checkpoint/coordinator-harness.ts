import { CheckpointCoordinator } from '../../../../services/engine/checkpoint/checkpoint-coordinator.ts';
import type {
  CheckpointCompletion,
  CompletedCheckpoint,
  TaskStateHandle,
} from '../../../../services/engine/checkpoint/checkpoint-types.ts';
import type {
  BeginOptions,
  CheckpointCoordinatorOptions,
  CoordinatorStore,
  TriggerOptions,
} from '../../../../services/engine/checkpoint/coordinator-types.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';

/** Lets every pending promise continuation run (the fakes here never wait on I/O). */
export const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A store in memory that logs its calls to `events`; ids go on from the newest completed one. */
export class MemoryStore implements CoordinatorStore {
  failComplete: Error | undefined;
  readonly completed: CheckpointCompletion[] = [];

  constructor(
    readonly events: string[],
    private next = 1,
  ) {}

  nextId(): number {
    return this.next;
  }

  begin(id: number, options: BeginOptions): string {
    this.events.push(`begin ${id} ${options.kind}${options.targetDir ? ` ${options.targetDir}` : ''}`);
    return options.targetDir ?? `/checkpoints/chk-${id}`;
  }

  complete(completion: CheckpointCompletion): CompletedCheckpoint {
    this.events.push(`complete ${completion.id}`);
    if (this.failComplete) throw this.failComplete;
    this.completed.push(completion);
    this.next = completion.id + 1;
    const tasks = completion.tasks;
    return {
      dir: `/checkpoints/chk-${completion.id}`,
      manifest: {
        formatVersion: 1,
        id: completion.id,
        kind: completion.kind ?? 'checkpoint',
        createdAt: 0,
        durationMs: completion.durationMs,
        job: completion.job,
        maxParallelism: completion.maxParallelism,
        parallelism: completion.parallelism,
        totalBytes: tasks.reduce((n, t) => n + t.bytes, 0),
        keys: tasks.reduce((n, t) => n + t.keys, 0),
        tasks,
      },
    };
  }

  abort(id: number): void {
    this.events.push(`abort ${id}`);
  }
}

export function handle(taskId: string, bytes: number, keys: number): TaskStateHandle {
  const [task, subtask] = taskId.split('#') as [string, string];
  return {
    task,
    subtask: Number(subtask),
    file: `${task}.${subtask}.snap`,
    bytes,
    sha256: '0'.repeat(64),
    keyGroupRange: { start: 0, end: 127 },
    operators: ['window-1'],
    keys,
  };
}

export const TASKS = ['source#0', 'window#0', 'window#1'];

/** A coordinator over a `MemoryStore` and a `ManualClock`, logging every call to `events`. */
export function coordinatorHarness(
  overrides: Partial<CheckpointCoordinatorOptions> = {},
  store = new MemoryStore([]),
) {
  const clock = new ManualClock(0);
  const events = store.events;
  const logs: string[] = [];
  const triggers: { id: number; options: TriggerOptions }[] = [];
  const log = (level: string) => (fields: object, message: string) =>
    logs.push(`${level} ${message} ${JSON.stringify(fields)}`);
  const coordinator = new CheckpointCoordinator({
    clock,
    intervalMs: 1_000,
    timeoutMs: 3_500,
    store,
    expectedTasks: TASKS,
    triggerSources: (id, options) => {
      events.push(`trigger ${id} ${options.kind}`);
      triggers.push({ id, options });
    },
    notifyComplete: (id) => {
      events.push(`notify-complete ${id}`);
    },
    notifyAborted: (id, reason) => {
      events.push(`notify-aborted ${id}: ${reason}`);
    },
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    job: { name: 'test-job', fingerprint: 'f1' },
    maxParallelism: 128,
    parallelism: 2,
    ...overrides,
  });
  /** Every task acknowledges `id`, `pauses[i]` ms for task i. */
  const ackAll = (id: number, pauses: number[] = [1, 2, 3]) => {
    for (const [i, task] of TASKS.entries())
      coordinator.acknowledge(id, task, handle(task, 100 * (i + 1), 10 * i), { pauseMs: pauses[i] ?? 0 });
  };
  return { clock, coordinator, events, logs, store, triggers, ackAll };
}
