import type { CompletedCheckpoint, KeyGroupRange } from '../../checkpoint/checkpoint-types.ts';
import type { CoordinatorLogger } from '../../checkpoint/coordinator-types.ts';
import { loadCheckpoint } from '../../checkpoint/load-checkpoint.ts';
import { keyGroupRange } from '../../key-groups.ts';
import { type CapturedChain, ChainCheckpointer } from '../checkpointing/chain-checkpointer.ts';
import { operatorUid } from '../checkpointing/operator-uid.ts';
import type { SourceTask } from '../source-task.ts';
import type { SubtaskCheckpointMetrics, WorkerMessage } from './control-messages.ts';
import type { PartTask } from './part-tasks.ts';

/** Which subtask this is, how to time pauses, and how to reach the main thread. */
export interface SubtaskCheckpointsConfig {
  readonly subtask: number;
  readonly parallelism: number;
  readonly maxParallelism: number;
  /** Monotonic milliseconds (the worker passes `performance.now`). */
  readonly now: () => number;
  readonly post: (message: WorkerMessage) => void;
  readonly logger?: CoordinatorLogger;
}

interface Pending {
  dir: string | undefined;
  readonly dirWaiters: ((dir: string | undefined) => void)[];
  readonly captured: Set<string>;
  /** Tasks whose ack (or decline) is not posted yet. */
  outstanding: number;
}

interface Task {
  readonly part: PartTask;
  readonly chain: ChainCheckpointer;
  /** `"<task>#<subtask>"`. */
  readonly id: string;
}

const quiet: CoordinatorLogger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * A worker's side of checkpoints at parallelism > 1. Each task of the subtask's part is a chain of
 * direct calls checkpointed by a {@link ChainCheckpointer}: a gate's chain when its gate aligned the
 * barrier, a source split's chain when the main thread triggers the checkpoint (the barrier starts
 * there). The task captures its state synchronously (`pauseMs`), forwards the barrier to the
 * exchanges it feeds, then encodes and writes its file into the checkpoint's directory and
 * acknowledges to the main thread; a failure declines. The directory comes with the trigger, which
 * may arrive after the barrier: writing waits for it.
 *
 * Restore: this subtask's key groups (`keyGroupRange(subtask, P, maxParallelism)`) of every
 * checkpointed operator, and its splits' sources, from a checkpoint taken at any parallelism.
 */
export class SubtaskCheckpoints {
  private readonly pending = new Map<number, Pending>();
  /** Checkpoints up to this id completed or were aborted: late barriers of them are ignored. */
  private finishedUpTo = Number.NEGATIVE_INFINITY;
  private readonly range: KeyGroupRange;
  private readonly tasks: Task[];
  private lastPauseMs = 0;
  private maxPauseMs = 0;
  private acknowledged = 0;
  private declined = 0;

  constructor(
    private readonly config: SubtaskCheckpointsConfig,
    parts: readonly PartTask[],
    /** The source task of a source split's chain (none for a gate's). */
    sourceOf: (part: PartTask) => SourceTask<unknown> | undefined,
  ) {
    const { subtask, parallelism, maxParallelism } = config;
    this.range = keyGroupRange(subtask, parallelism, maxParallelism);
    this.tasks = parts.map((part) => {
      const source = sourceOf(part);
      const chain = new ChainCheckpointer({
        task: part.name,
        subtask,
        keyGroupRange: part.keyed ? this.range : null,
        sources: source
          ? [{ uid: operatorUid(part.head), task: source, split: { index: subtask, count: parallelism } }]
          : [],
        operators: part.operators.map(({ node, operator }) => ({ uid: operatorUid(node), operator })),
        logger: config.logger ?? quiet,
        now: config.now,
      });
      return { part, chain, id: `${part.name}#${subtask}` };
    });
  }

  /** Restores this subtask's key groups of every operator, and its splits' sources (before they open). */
  async restore(checkpoint: CompletedCheckpoint): Promise<void> {
    const restored = await loadCheckpoint(checkpoint, { keyGroupRange: this.range });
    for (const { chain } of this.tasks) {
      chain.restoreOperators(restored, false);
      chain.restoreSources(restored);
    }
  }

  /** Checkpoint `id` was triggered: the directory is known; source splits take their barrier now. */
  trigger(id: number, dir: string): void {
    if (id <= this.finishedUpTo) return;
    const pending = this.entry(id);
    pending.dir = dir;
    for (const wake of pending.dirWaiters.splice(0)) wake(dir);
    for (const task of this.tasks) {
      // A split's chain takes the barrier here; a gate whose inputs all ended never gets one.
      if (!task.part.gate || task.part.gate.ended) this.capture(task, id);
    }
  }

  /** Task `part`'s gate aligned barrier `id`. */
  onAligned(part: PartTask, id: number): void {
    const task = this.tasks.find((t) => t.part === part);
    if (task) this.capture(task, id);
  }

  /** A gate saw the end of all its inputs: checkpoints triggered and not seen there are taken now. */
  onGateEnded(): void {
    for (const [id, pending] of this.pending) {
      if (pending.dir === undefined) continue;
      for (const task of this.tasks) if (task.part.gate?.ended) this.capture(task, id);
    }
  }

  /** Checkpoint `id` is durable: the splits' sources may acknowledge what it covers. */
  complete(id: number): void {
    this.finish(id);
    for (const { chain } of this.tasks) chain.notifyComplete(id);
  }

  /** Checkpoint `id` was given up: stop aligning it, write nothing more for it. */
  abort(id: number, reason: string): void {
    this.finish(id);
    for (const { part, chain } of this.tasks) {
      part.gate?.abortCheckpoint(id, reason);
      chain.notifyAborted(id);
    }
  }

  metrics(): SubtaskCheckpointMetrics {
    return {
      barriersInFlight: this.pending.size,
      alignments: this.tasks.flatMap(({ part }) => {
        if (!part.gate) return [];
        const { aligning, blockedInputs, lastAlignmentMs, maxAlignmentMs, aligned, aborted } =
          part.gate.alignmentMetrics();
        return [
          { task: part.name, aligning, blockedInputs, lastAlignmentMs, maxAlignmentMs, aligned, aborted },
        ];
      }),
      lastPauseMs: this.lastPauseMs,
      maxPauseMs: this.maxPauseMs,
      acknowledged: this.acknowledged,
      declined: this.declined,
    };
  }

  private finish(id: number): void {
    if (id > this.finishedUpTo) this.finishedUpTo = id;
    for (const [pendingId, pending] of this.pending) {
      if (pendingId > id) continue;
      this.pending.delete(pendingId);
      for (const wake of pending.dirWaiters.splice(0)) wake(undefined);
    }
  }

  private entry(id: number): Pending {
    let pending = this.pending.get(id);
    if (!pending) {
      pending = { dir: undefined, dirWaiters: [], captured: new Set(), outstanding: this.tasks.length };
      this.pending.set(id, pending);
    }
    return pending;
  }

  /** Snapshots the task synchronously, forwards the barrier, then writes and acknowledges. */
  private capture(task: Task, id: number): void {
    if (id <= this.finishedUpTo) return;
    const pending = this.entry(id);
    if (pending.captured.has(task.id)) return;
    pending.captured.add(task.id);
    let captured: CapturedChain | undefined;
    let failure: unknown;
    try {
      captured = task.chain.capture(id);
      this.lastPauseMs = captured.pauseMs;
      if (captured.pauseMs > this.maxPauseMs) this.maxPauseMs = captured.pauseMs;
    } catch (error) {
      failure = error;
    }
    // To every exchange the chain feeds (a repeat of the source's own barrier is dropped there);
    // forwarded after a failure too: the tasks downstream must not wait (the decline aborts it).
    task.part.outputs.emitBarrier(id);
    void this.persist(task, id, pending, captured, failure);
  }

  private async persist(
    task: Task,
    id: number,
    pending: Pending,
    captured: CapturedChain | undefined,
    failure: unknown,
  ): Promise<void> {
    try {
      if (!captured) throw failure;
      const dir = pending.dir ?? (await new Promise<string | undefined>((r) => pending.dirWaiters.push(r)));
      if (dir === undefined) return; // aborted meanwhile
      const { handle, pauseMs } = await task.chain.persist(captured, dir);
      if (!this.pending.has(id)) return;
      this.acknowledged++;
      this.config.post({ type: 'checkpoint-ack', ack: { id, task: task.id, handle, pauseMs } });
    } catch (error) {
      if (!this.pending.has(id)) return;
      this.declined++;
      const reason = error instanceof Error ? error.message : String(error);
      this.config.post({ type: 'checkpoint-decline', id, task: task.id, reason });
    } finally {
      if (--pending.outstanding === 0 && this.pending.get(id) === pending) this.pending.delete(id);
    }
  }
}
