import type { TaskSnapshot } from '../../checkpoint/checkpoint-types.ts';
import { flushesOnCheckpoint } from '../../checkpoint/checkpointed.ts';
import { encodeTaskSnapshot } from '../../checkpoint/snapshot-codec.ts';
import { writeEncodedSnapshot } from '../../checkpoint/task-snapshot-file.ts';
import type { ParallelTaskAck, ParallelTaskDecline } from '../checkpointing/parallel-checkpointing.ts';
import type { PartTask } from './part-tasks.ts';

/** The task name of the main thread's sinks fed by channels (its id is `main-sinks#0`). */
export const MAIN_SINKS_TASK = 'main-sinks';
const MAIN_SINKS_TASK_ID = `${MAIN_SINKS_TASK}#0`;

/** What the task writes: no state, a file all the same (an acknowledgement carries a file's handle). */
const EMPTY: TaskSnapshot = { task: MAIN_SINKS_TASK, subtask: 0, keyGroupRange: null, operators: [] };

interface Pending {
  dir: string | undefined;
  readonly aligned: Set<string>;
  readonly flushes: Promise<void>[];
  pauseMs: number;
}

/**
 * The main thread's sinks fed by the subtasks (gather exchanges), as one checkpoint task
 * (`main-sinks#0`): each gate aligns barrier `id` over the subtasks' channels, then its chain's sinks
 * flush (`prepareCheckpoint`), so everything the subtasks computed before the barrier is durable.
 * Once every gate aligned (a gate whose inputs all ended counts as aligned) and every flush
 * resolved, the task writes an empty snapshot file and acknowledges; a failed flush declines.
 */
export class SinkCheckpoints {
  private readonly pending = new Map<number, Pending>();
  private finishedUpTo = Number.NEGATIVE_INFINITY;

  constructor(
    /** The gates' tasks of the main thread's part. */
    private readonly tasks: readonly PartTask[],
    private readonly now: () => number,
    private readonly ack: (ack: ParallelTaskAck) => void,
    private readonly decline: (decline: ParallelTaskDecline) => void,
  ) {}

  /** The task's id, when there are channel-fed sinks at all. */
  get taskId(): string | undefined {
    return this.tasks.length > 0 ? MAIN_SINKS_TASK_ID : undefined;
  }

  /** Checkpoint `id` was triggered; the task's file goes into `dir`. */
  trigger(id: number, dir: string): void {
    if (this.tasks.length === 0 || id <= this.finishedUpTo) return;
    this.entry(id).dir = dir;
    this.check(id);
  }

  /** Task `task`'s gate aligned barrier `id`: flush its sinks. */
  onAligned(task: PartTask, id: number): void {
    if (id <= this.finishedUpTo) return;
    const pending = this.entry(id);
    if (pending.aligned.has(task.name)) return;
    pending.aligned.add(task.name);
    const started = this.now();
    for (const { operator } of task.operators) {
      if (!flushesOnCheckpoint(operator)) continue;
      pending.flushes.push(Promise.resolve().then(() => operator.prepareCheckpoint(id)));
    }
    pending.pauseMs = Math.max(pending.pauseMs, this.now() - started);
    this.check(id);
  }

  /** A gate saw the end of its inputs: it counts as aligned for every checkpoint in flight. */
  onGateEnded(): void {
    for (const id of [...this.pending.keys()]) this.check(id);
  }

  abort(id: number, reason: string): void {
    this.finish(id);
    for (const task of this.tasks) task.gate?.abortCheckpoint(id, reason);
  }

  complete(id: number): void {
    this.finish(id);
  }

  private finish(id: number): void {
    if (id > this.finishedUpTo) this.finishedUpTo = id;
    for (const pendingId of [...this.pending.keys()]) if (pendingId <= id) this.pending.delete(pendingId);
  }

  private entry(id: number): Pending {
    let pending = this.pending.get(id);
    if (!pending) {
      pending = { dir: undefined, aligned: new Set(), flushes: [], pauseMs: 0 };
      this.pending.set(id, pending);
    }
    return pending;
  }

  private check(id: number): void {
    const pending = this.pending.get(id);
    const dir = pending?.dir;
    if (!pending || dir === undefined) return;
    if (!this.tasks.every((task) => pending.aligned.has(task.name) || task.gate?.ended)) return;
    this.pending.delete(id);
    void this.persist(id, dir, pending);
  }

  private async persist(id: number, dir: string, pending: Pending): Promise<void> {
    try {
      await Promise.all(pending.flushes).catch((error: unknown) => {
        throw new Error(`a sink could not flush: ${error instanceof Error ? error.message : String(error)}`);
      });
      const handle = await writeEncodedSnapshot(dir, EMPTY, encodeTaskSnapshot(EMPTY));
      if (id > this.finishedUpTo)
        this.ack({ id, task: MAIN_SINKS_TASK_ID, handle, pauseMs: pending.pauseMs });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (id > this.finishedUpTo) this.decline({ id, task: MAIN_SINKS_TASK_ID, reason });
    }
  }
}
