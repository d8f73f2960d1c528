import type { Exchange, ParallelLayout } from '../../graph/placement.ts';

/** A task instance: the main thread, or subtask `i` (worker thread `i`). */
export type Instance = 'main' | number;

/** One channel between two threads: exchange `exchange`, from one instance to another. */
export interface ChannelEndpoint {
  readonly key: string;
  readonly exchange: Exchange;
  readonly from: Instance;
  readonly to: Instance;
}

/** The instances producing into (`from`) or consuming (`to`) an exchange. */
export function instancesOf(placement: 'main' | 'subtasks', parallelism: number): Instance[] {
  return placement === 'main' ? ['main'] : Array.from({ length: parallelism }, (_, i) => i);
}

export function channelKey(exchange: number, from: Instance, to: Instance): string {
  return `${exchange}:${from}>${to}`;
}

/** A producer's input index at a consumer of `exchange`: the subtask index, or 0 for the main thread. */
export function inputIndex(exchange: Exchange, from: Instance): number {
  return exchange.from === 'main' ? 0 : (from as number);
}

/**
 * Every channel between two different threads, in the same order in every thread. A producer and
 * consumer in the same subtask share a thread and use a local channel instead (not listed).
 */
export function crossThreadChannels(layout: ParallelLayout): ChannelEndpoint[] {
  const channels: ChannelEndpoint[] = [];
  for (const exchange of layout.exchanges) {
    for (const from of instancesOf(exchange.from, layout.parallelism)) {
      for (const to of instancesOf(exchange.to, layout.parallelism)) {
        if (from === to) continue;
        channels.push({ key: channelKey(exchange.id, from, to), exchange, from, to });
      }
    }
  }
  return channels;
}
