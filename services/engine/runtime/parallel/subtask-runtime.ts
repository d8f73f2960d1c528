import { performance } from 'node:perf_hooks';
import type { MessagePort } from 'node:worker_threads';
import { StreamEnvironment } from '../../api/stream-environment.ts';
import { planFingerprint, planLayout } from '../../graph/placement.ts';
import { type Clock, systemClock } from '../../time/clock.ts';
import type { DataPort } from '../channels/channel-messages.ts';
import { operatorUid } from '../checkpointing/operator-uid.ts';
import { SourceTask } from '../source-task.ts';
import type { OperatorContext } from '../stream-operator.ts';
import {
  type ControlMessage,
  failureMessage,
  type SubtaskMetrics,
  type SubtaskWorkerData,
  type WorkerMessage,
} from './control-messages.ts';
import { loadJobDefinition } from './job-module.ts';
import { SubtaskCheckpoints } from './subtask-checkpoints.ts';
import { ThreadPart } from './thread-part.ts';

/** Monotonic time for alignment durations and snapshot pauses (only `now()` is read). */
const monotonicClock: Clock = { now: () => performance.now(), setTimeout: systemClock.setTimeout };

/**
 * A worker thread's side of a parallel job: rebuilds the job from its module, instantiates its
 * subtask's part (keyed chains, parallel source splits), and answers the main thread's control
 * messages. Failures go to the main thread as messages; the main thread terminates the worker.
 *
 * Operators here get the system clock: processing time is per thread, event time comes in band.
 * Checkpoints: see {@link SubtaskCheckpoints}; a restore happens while opening, before `ready`.
 */
export class SubtaskRuntime {
  private sourceTasks: SourceTask<unknown>[] = [];
  private endedSent = false;
  private failed = false;
  private metricsTimer: NodeJS.Timeout | undefined;
  private checkpoints: SubtaskCheckpoints | undefined;

  private constructor(
    private readonly data: SubtaskWorkerData,
    private readonly control: MessagePort,
    private readonly part: ThreadPart,
  ) {}

  /** Builds and opens the subtask, then reports `ready` (or `failed`). */
  static async start(data: SubtaskWorkerData, control: MessagePort): Promise<SubtaskRuntime | undefined> {
    let runtime: SubtaskRuntime | undefined;
    const send = (message: WorkerMessage) => control.postMessage(message);
    try {
      const define = await loadJobDefinition(data.module);
      const env = new StreamEnvironment({
        parallelism: data.parallelism,
        maxParallelism: data.maxParallelism,
        subtask: data.subtask,
      });
      await define(env, data.module.args);
      const fingerprint = planFingerprint(env.plan);
      if (fingerprint !== data.fingerprint) {
        throw new Error(
          `job module ${data.module.url} built a different plan in subtask ${data.subtask} than in the main ` +
            'thread; the definition must build the same plan every time (no branching on time, randomness ' +
            `or thread). Main: ${data.fingerprint}; subtask: ${fingerprint}`,
        );
      }
      const ports = new Map<string, DataPort>(Object.entries(data.ports));
      const part = new ThreadPart({
        transformations: env.plan,
        layout: planLayout(env.plan, data.parallelism),
        instance: data.subtask,
        maxParallelism: data.maxParallelism,
        ports,
        codecs: env.recordCodecs,
        channel: data.channel,
        onFailure: (error) => runtime?.fail(error),
        onGateEnded: () => {
          runtime?.checkpoints?.onGateEnded();
          runtime?.checkEnded();
        },
        clock: monotonicClock,
        onAligned: (task, id) => runtime?.checkpoints?.onAligned(task, id),
      });
      runtime = new SubtaskRuntime(data, control, part);
      await runtime.open();
      control.on('message', (message: ControlMessage) => runtime!.onControl(message));
      send({ type: 'ready' });
      return runtime;
    } catch (error) {
      send(failureMessage(error));
      return undefined;
    }
  }

  private async open(): Promise<void> {
    const { data, part } = this;
    const context: OperatorContext = {
      clock: systemClock,
      maxParallelism: data.maxParallelism,
      subtask: { index: data.subtask, parallelism: data.parallelism },
    };
    for (const planned of [...part.plan.operators].reverse())
      await planned.operator.open({ ...context, uid: operatorUid(planned.node) }, planned.output);
    for (const chain of part.sourceChains) {
      const split = { index: data.subtask, count: data.parallelism };
      const source = chain.node.createSplit!(split);
      if (typeof source.pause !== 'function' || typeof source.resume !== 'function') {
        throw new Error(
          `parallel source "${chain.node.name}" cannot be paused (no pause()/resume()): backpressure ` +
            'needs them at parallelism > 1',
        );
      }
      const task = new SourceTask<unknown>(
        source,
        chain.node.watermarks,
        chain.output,
        systemClock,
        (error) => this.fail(error),
        () => this.checkEnded(),
        chain.outputs,
        data.subtask,
      );
      chain.availability.onChange((available) => (available ? task.resume() : task.pause()));
      this.sourceTasks.push(task);
    }
    const sourceByNode = new Map(part.sourceChains.map((chain, i) => [chain.node.id, this.sourceTasks[i]!]));
    this.checkpoints = new SubtaskCheckpoints(
      {
        subtask: data.subtask,
        parallelism: data.parallelism,
        maxParallelism: data.maxParallelism,
        now: () => performance.now(),
        post: (message) => this.control.postMessage(message),
      },
      part.tasks,
      (task) => sourceByNode.get(task.head.id),
    );
    if (data.restore) await this.checkpoints.restore(data.restore);
    this.metricsTimer = setInterval(() => this.sendMetrics(), data.metricsIntervalMs);
    this.metricsTimer.unref();
  }

  private onControl(message: ControlMessage): void {
    switch (message.type) {
      case 'start-sources':
        for (const task of this.sourceTasks) task.open().catch((error) => this.fail(error));
        this.checkEnded();
        break;
      case 'finish':
        void this.finishSources(message.drain);
        break;
      case 'metrics':
        this.sendMetrics();
        break;
      case 'close':
        void this.close();
        break;
      case 'checkpoint-trigger':
        this.checkpoints?.trigger(message.id, message.dir);
        break;
      case 'restore':
        this.checkpoints
          ?.restore(message.checkpoint)
          .then(() => this.control.postMessage({ type: 'restored' } satisfies WorkerMessage))
          .catch((error) => this.fail(error));
        break;
      case 'checkpoint-complete':
        this.checkpoints?.complete(message.id);
        break;
      case 'checkpoint-abort':
        this.checkpoints?.abort(message.id, message.reason);
        break;
    }
  }

  private async finishSources(drain: boolean): Promise<void> {
    try {
      await Promise.all(this.sourceTasks.map((task) => task.close()));
      for (const task of this.sourceTasks) task.finish(drain);
      this.checkEnded();
    } catch (error) {
      this.fail(error);
    }
  }

  private checkEnded(): void {
    if (this.endedSent || this.failed) return;
    if (!this.part.gatesEnded || !this.sourceTasks.every((task) => task.metrics().ended)) return;
    this.endedSent = true;
    this.sendMetrics();
    this.control.postMessage({ type: 'ended' } satisfies WorkerMessage);
  }

  private async close(): Promise<void> {
    clearInterval(this.metricsTimer);
    try {
      await Promise.allSettled(this.sourceTasks.map((task) => task.close()));
      for (const planned of this.part.plan.operators) await planned.operator.close();
      this.sendMetrics();
    } catch (error) {
      this.fail(error);
    }
    this.part.close();
    this.control.postMessage({ type: 'closed' } satisfies WorkerMessage);
  }

  private fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    clearInterval(this.metricsTimer);
    this.control.postMessage(failureMessage(error));
  }

  private sendMetrics(): void {
    const metrics: SubtaskMetrics = {
      subtask: this.data.subtask,
      operators: this.part.plan.operators.map((planned) => planned.operator.metrics()),
      nodes: this.part.plan.operators.map((planned) => planned.node.id),
      sources: this.sourceTasks.map((task) => task.metrics()),
      channels: this.part.channelMetrics(),
      queuedBatches: this.part.gates.reduce((sum, gate) => sum + gate.queuedBatches, 0),
      busy: performance.eventLoopUtilization().utilization,
      ...(this.checkpoints ? { checkpoints: this.checkpoints.metrics() } : {}),
    };
    this.control.postMessage({ type: 'metrics', metrics } satisfies WorkerMessage);
  }
}
