import { BroadcastChannel, threadId } from 'node:worker_threads';
import type { EstimatorSnapshot } from '../core/estimator.ts';

/** A global model version as replicas receive it. */
export interface BroadcastModel {
  readonly version: number;
  readonly snapshot: EstimatorSnapshot;
}

/** What crosses threads: the model and the replicas it is for. */
interface AddressedModel extends BroadcastModel {
  readonly to: readonly string[];
}

let replicaSequence = 0;

/**
 * A new replica id, unique in this process (thread id and a per-thread sequence): it names a
 * replica in the partials it sends, so that the merger can address models to it.
 *
 * @example
 * newReplicaId(); // '3-1' (thread 3, first replica of the thread)
 */
export function newReplicaId(): string {
  replicaSequence += 1;
  return `${threadId}-${replicaSequence}`;
}

/**
 * The way back from a global model's merger to its replicas (the engine's graph has no cycles,
 * so it does not go through the stream): one per global-model step per thread, made when the job
 * is built (each thread builds the job once) and shared by the learner and merger operators of
 * that thread.
 *
 * - In the thread of the merger (every thread at parallelism 1) a model reaches the replicas
 *   synchronously, inside the merger's `processWatermark`: parallelism 1 stays deterministic.
 * - Across worker threads it travels on a `BroadcastChannel` named by `topic`, opened while an
 *   operator of this thread needs it (`crossThread` at parallelism > 1) and closed with the last.
 *   Messages reach another thread between two of its batches. A channel's name is process-wide
 *   (another run of the same job, another job with the same topic hear it too), so a message is
 *   addressed to replica ids, which are unique in the process and reach the merger only in band,
 *   in the partials of its own job: a thread keeps only what is addressed to its replicas.
 *
 * @example
 * const broadcast = new ModelBroadcast('eddy/global-model/fleet-kmeans');
 * const leave = broadcast.join(id, (model) => replica.restore(model.snapshot), true); // learner.open
 * broadcast.publish({ version: 3, snapshot }, [id]); // merger, after a merge
 * leave(); // learner.close
 */
export class ModelBroadcast {
  private readonly replicas = new Map<string, (model: BroadcastModel) => void>();
  private channel: BroadcastChannel | undefined;
  private channelUsers = 0;

  constructor(readonly topic: string) {}

  /**
   * A replica joins: `receive` gets every model published to `replica` (synchronously from this
   * thread, asynchronously from others when `crossThread`). Returns how to leave.
   */
  join(replica: string, receive: (model: BroadcastModel) => void, crossThread: boolean): () => void {
    this.replicas.set(replica, receive);
    const release = crossThread ? this.useChannel() : () => {};
    return () => {
      this.replicas.delete(replica);
      release();
    };
  }

  /** A merger that publishes to other threads opens the channel; returns how to release it. */
  openCrossThread(): () => void {
    return this.useChannel();
  }

  /** Sends `model` to the replicas `to`: those of this thread now, the others through the channel. */
  publish(model: BroadcastModel, to: Iterable<string>): void {
    const remote: string[] = [];
    for (const replica of to) {
      const receive = this.replicas.get(replica);
      if (receive) receive(model);
      else remote.push(replica);
    }
    if (remote.length > 0 && this.channel) {
      const message: AddressedModel = { version: model.version, snapshot: model.snapshot, to: remote };
      this.channel.postMessage(message);
    }
  }

  private useChannel(): () => void {
    if (this.channel === undefined) {
      const channel = new BroadcastChannel(this.topic);
      channel.onmessage = (event: unknown) => this.receive((event as { data: AddressedModel }).data);
      channel.unref(); // a model broadcast never keeps a thread alive
      this.channel = channel;
    }
    this.channelUsers += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.channelUsers -= 1;
      if (this.channelUsers === 0) {
        this.channel?.close();
        this.channel = undefined;
      }
    };
  }

  private receive(message: AddressedModel): void {
    const model: BroadcastModel = { version: message.version, snapshot: message.snapshot };
    for (const replica of message.to) this.replicas.get(replica)?.(model);
  }
}
