import { performance } from 'node:perf_hooks';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { BarrierAlignerMetrics } from '../../checkpoint/barrier-aligner.ts';
import type { CompletedCheckpoint } from '../../checkpoint/checkpoint-types.ts';
import { type ParallelLayout, planFingerprint } from '../../graph/placement.ts';
import type { Transformation } from '../../graph/transformation.ts';
import type { Clock } from '../../time/clock.ts';
import type { DataPort } from '../channels/channel-messages.ts';
import {
  type ChannelOptions,
  DEFAULT_CHANNEL_OPTIONS,
  validateChannelOptions,
} from '../channels/channel-options.ts';
import type { ChannelMetrics } from '../channels/exchange-output.ts';
import type { RecordCodec } from '../channels/record-codec.ts';
import type { ParallelCheckpointing } from '../checkpointing/parallel-checkpointing.ts';
import { crossThreadChannels } from './channel-endpoints.ts';
import type { SubtaskMetrics } from './control-messages.ts';
import type { JobModuleRef } from './job-module.ts';
import { ParallelCheckpoints } from './parallel-checkpoints.ts';
import { SinkCheckpoints } from './sink-checkpoints.ts';
import { SubtaskHost } from './subtask-host.ts';
import { ThreadPart } from './thread-part.ts';

/** Monotonic time for alignment durations and flush pauses (only `now()` is read). */
const monotonicClock: Clock = {
  now: () => performance.now(),
  setTimeout: () => {
    throw new Error('monotonicClock has no timers');
  },
};

/** How a job runs at parallelism > 1 (from `StreamEnvironment` / `runJob`). */
export interface ParallelJobConfig {
  readonly parallelism: number;
  /** The module every worker imports to rebuild the job. */
  readonly module: JobModuleRef;
  /** Codecs by exchange id (`env.setRecordCodec`). */
  readonly codecs: ReadonlyMap<number, RecordCodec<unknown>>;
  readonly channel?: Partial<ChannelOptions>;
  /** How often workers push their metrics. Default 1 s. */
  readonly metricsIntervalMs?: number;
  /** How long `stop()` waits for the workers to finish, then to close, before ending them. Default 10 s. */
  readonly closeTimeoutMs?: number;
  /**
   * Start from this checkpoint or savepoint (taken at any parallelism, same maxParallelism): each
   * worker restores its own key groups and its splits' sources before any input.
   */
  readonly restore?: CompletedCheckpoint;
}

export interface ParallelRuntimeListener {
  onFailure(error: unknown): void;
  /** Every worker ended and every gate of the main thread saw the end of its inputs. */
  onEnded(): void;
}

/**
 * The main thread's side of a parallel job: the channels (one `MessageChannel` per pair of
 * threads and exchange), the main thread's part (its sources' chains ending in exchanges, the
 * gates feeding its sinks), and one worker per subtask.
 */
export class ParallelRuntime {
  readonly part: ThreadPart;
  private readonly hosts: SubtaskHost[] = [];
  private readonly endedSubtasks = new Set<number>();
  private readonly workerPorts: Map<number, Record<string, MessagePort>>;
  private readonly channel: ChannelOptions;
  private endNotified = false;
  private readonly sinkCheckpoints: SinkCheckpoints;
  private readonly checkpoints: ParallelCheckpoints;

  constructor(
    private readonly jobName: string,
    private readonly transformations: readonly Transformation[],
    readonly layout: ParallelLayout,
    private readonly maxParallelism: number,
    private readonly config: ParallelJobConfig,
    private readonly listener: ParallelRuntimeListener,
  ) {
    this.channel = validateChannelOptions({ ...DEFAULT_CHANNEL_OPTIONS, ...config.channel });
    const mainPorts = new Map<string, DataPort>();
    this.workerPorts = new Map(Array.from({ length: layout.parallelism }, (_, i) => [i, {}]));
    for (const endpoint of crossThreadChannels(layout)) {
      const { port1, port2 } = new MessageChannel();
      if (endpoint.from === 'main') mainPorts.set(endpoint.key, port1);
      else this.workerPorts.get(endpoint.from)![endpoint.key] = port1;
      if (endpoint.to === 'main') mainPorts.set(endpoint.key, port2);
      else this.workerPorts.get(endpoint.to)![endpoint.key] = port2;
    }
    this.part = new ThreadPart({
      transformations,
      layout,
      instance: 'main',
      maxParallelism,
      ports: mainPorts,
      codecs: config.codecs,
      channel: this.channel,
      onFailure: (error) => listener.onFailure(error),
      onGateEnded: () => {
        this.sinkCheckpoints.onGateEnded();
        this.checkEnded();
      },
      clock: monotonicClock,
      onAligned: (task, id) => this.sinkCheckpoints.onAligned(task, id),
    });
    this.sinkCheckpoints = new SinkCheckpoints(
      this.part.tasks.filter((task) => task.gate),
      () => performance.now(),
      (ack) => this.checkpoints.acknowledged(ack),
      (decline) => this.checkpoints.declined(decline),
    );
    this.checkpoints = new ParallelCheckpoints(transformations, layout, this.part, this.sinkCheckpoints, {
      broadcast: (message) => {
        for (const host of this.hosts) host.send(message);
      },
      restore: async (checkpoint) => {
        await Promise.all(this.hosts.map((host) => host.restore(checkpoint)));
      },
    });
  }

  /** Checkpoints of the subtasks and of the sinks they feed (see {@link ParallelCheckpointing}). */
  get checkpointing(): ParallelCheckpointing {
    return this.checkpoints;
  }

  /** Starts one worker per subtask; resolves once every one built and opened its part. */
  async startWorkers(): Promise<void> {
    const fingerprint = planFingerprint(this.transformations);
    for (let subtask = 0; subtask < this.layout.parallelism; subtask++) {
      const ports = this.workerPorts.get(subtask)!;
      const host = new SubtaskHost(
        {
          jobName: this.jobName,
          module: this.config.module,
          subtask,
          parallelism: this.layout.parallelism,
          maxParallelism: this.maxParallelism,
          fingerprint,
          channel: this.channel,
          ports,
          metricsIntervalMs: this.config.metricsIntervalMs ?? 1_000,
          ...(this.config.restore ? { restore: this.config.restore } : {}),
        },
        Object.values(ports),
        {
          onEnded: (index) => {
            this.endedSubtasks.add(index);
            this.checkEnded();
          },
          onFailure: (error) => this.listener.onFailure(error),
          onCheckpointAck: (ack) => this.checkpoints.acknowledged(ack),
          onCheckpointDecline: (decline) => this.checkpoints.declined(decline),
        },
      );
      this.hosts.push(host);
    }
    this.workerPorts.clear();
    await Promise.all(this.hosts.map((host) => host.whenReady()));
  }

  /** Opens the parallel sources' splits in every worker. */
  startSources(): void {
    for (const host of this.hosts) host.send({ type: 'start-sources' });
  }

  /** Closes the workers' parallel sources and ends their exchanges (after `MAX_WATERMARK` if `drain`). */
  finishSources(drain: boolean): void {
    for (const host of this.hosts) host.send({ type: 'finish', drain });
  }

  /** How long stopping waits for the workers (to finish in-flight work, then to close). */
  get closeTimeoutMs(): number {
    return this.config.closeTimeoutMs ?? 10_000;
  }

  /** Asks each worker to close, waits for it (bounded), ends every thread and closes the channels. */
  async close(): Promise<void> {
    await Promise.all(this.hosts.map((host) => host.close(this.closeTimeoutMs)));
    this.part.close();
  }

  /** Ends every thread now (the job failed). */
  async terminate(): Promise<void> {
    await Promise.allSettled(this.hosts.map((host) => host.terminate()));
    this.part.close();
  }

  /** The last metrics each worker pushed. */
  subtaskMetrics(): SubtaskMetrics[] {
    return this.hosts.flatMap((host) => (host.metrics ? [host.metrics] : []));
  }

  /** Asks every worker for its metrics now. */
  async refreshSubtaskMetrics(): Promise<SubtaskMetrics[]> {
    const all = await Promise.all(this.hosts.map((host) => host.requestMetrics()));
    return all.filter((m): m is SubtaskMetrics => m !== undefined);
  }

  /** Barrier alignment of the main thread's sinks fed by the subtasks, per gate (the workers' come with their metrics). */
  mainAlignments(): ({ readonly task: string } & BarrierAlignerMetrics)[] {
    return this.part.tasks.flatMap((task) =>
      task.gate ? [{ task: task.name, ...task.gate.alignmentMetrics() }] : [],
    );
  }

  /** Every channel: the main thread's writers now, the workers' as last pushed. */
  channelMetrics(subtasks: readonly SubtaskMetrics[] = this.subtaskMetrics()): ChannelMetrics[] {
    return [...this.part.channelMetrics(), ...subtasks.flatMap((m) => m.channels)];
  }

  private checkEnded(): void {
    if (this.endNotified) return;
    if (!this.part.gatesEnded || this.endedSubtasks.size < this.hosts.length || this.hosts.length === 0)
      return;
    this.endNotified = true;
    this.listener.onEnded();
  }
}
