import type { Publisher, PublishOptions, QoS } from './publisher.ts';

export interface PublishedMessage {
  readonly topic: string;
  readonly payload: string;
  readonly qos: QoS;
}

/**
 * A publisher that keeps every message in memory, synchronously (tests, evaluation).
 *
 * @example
 * const publisher = new MemoryPublisher();
 * publisher.publish('sensors/sim-0001/telemetry', '{"ts":0,"power":1}', { qos: 0 });
 * publisher.messages.length; // 1
 */
export class MemoryPublisher implements Publisher {
  readonly messages: PublishedMessage[] = [];

  publish(topic: string, payload: string, options: PublishOptions): void {
    this.messages.push({ topic, payload, qos: options.qos });
  }
}
