import type { DataPort } from '../../../../../../services/engine/runtime/channels/channel-messages.ts';

/**
 * One end of an in-memory channel whose messages are delivered only when the test says so
 * (`deliver()`), so a test controls exactly when batches and credit arrive.
 */
export class FakePort implements DataPort {
  peer!: FakePort;
  /** Messages posted to this end and not delivered yet. */
  readonly inbox: unknown[] = [];
  closed = false;
  // biome-ignore lint/suspicious/noExplicitAny: MessagePort's listener signature
  private readonly listeners: ((message: any) => void)[] = [];

  postMessage(message: unknown): void {
    this.peer.inbox.push(message);
  }

  // biome-ignore lint/suspicious/noExplicitAny: MessagePort's listener signature
  on(_event: 'message', listener: (message: any) => void): void {
    this.listeners.push(listener);
  }

  // biome-ignore lint/suspicious/noExplicitAny: MessagePort's listener signature
  off(_event: 'message', listener: (message: any) => void): void {
    this.listeners.splice(this.listeners.indexOf(listener), 1);
  }

  close(): void {
    this.closed = true;
  }

  /** Hands every pending message to this end's listeners, in order; returns how many. */
  deliver(): number {
    const messages = this.inbox.splice(0);
    for (const message of messages) for (const listener of [...this.listeners]) listener(message);
    return messages.length;
  }
}

export function fakeChannel(): { producer: FakePort; consumer: FakePort } {
  const producer = new FakePort();
  const consumer = new FakePort();
  producer.peer = consumer;
  consumer.peer = producer;
  return { producer, consumer };
}

/** Lets the writers' end-of-turn flushes (setImmediate) run. */
export const endOfTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
