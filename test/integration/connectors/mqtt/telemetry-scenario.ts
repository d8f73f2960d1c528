import type { MqttClient } from 'mqtt';
import { expect } from 'vitest';
import type { DeadLetter } from '../../../../services/connectors/mqtt/dead-letters.ts';
import type { Reading } from '../../../../services/domain/reading.ts';

const T = 1_700_000_000_000; // 2023-11-14T22:13:20.000Z

/**
 * The message sequence both telemetry sources must handle identically: several devices, single
 * objects and arrays, epoch-ms and ISO timestamps, and two malformed payloads in the middle.
 * `prefix` keeps device ids unique to one test.
 */
export function telemetryScenario(prefix: string) {
  const d1 = `${prefix}-d1`;
  const d2 = `${prefix}-d2`;
  const d3 = `${prefix}-d3`;
  const messages: [topic: string, payload: string][] = [
    [`sensors/${d1}/telemetry`, `{"ts":${T},"temperature":21.5,"humidity":40}`],
    [`sensors/${d2}/telemetry`, `[{"ts":${T},"power":1.25},{"ts":${T + 1000},"power":1.5}]`],
    [`sensors/${d1}/telemetry`, '{"ts":"2023-11-14T22:13:21.500Z","temperature":22}'],
    [`sensors/${d3}/telemetry`, `{"ts":${T},"temperature":"hot"}`],
    [`sensors/${d3}/telemetry`, 'not json at all'],
    [`sensors/${d3}/telemetry`, '{"ts":"2023-11-14T23:13:22+01:00","temperature":23}'],
  ];
  const readings: Reading[] = [
    { device: d1, metric: 'temperature', ts: T, value: 21.5 },
    { device: d1, metric: 'humidity', ts: T, value: 40 },
    { device: d2, metric: 'power', ts: T, value: 1.25 },
    { device: d2, metric: 'power', ts: T + 1000, value: 1.5 },
    { device: d1, metric: 'temperature', ts: T + 1500, value: 22 },
    { device: d3, metric: 'temperature', ts: T + 2000, value: 23 },
  ];
  const deadLetters: Pick<DeadLetter, 'topic' | 'code' | 'reason' | 'payload'>[] = [
    {
      topic: `sensors/${d3}/telemetry`,
      code: 'invalid_value',
      reason: 'field "temperature": expected a finite number, got string',
      payload: `{"ts":${T},"temperature":"hot"}`,
    },
    {
      topic: `sensors/${d3}/telemetry`,
      code: 'invalid_json',
      reason: expectStringContaining('payload is not valid JSON'),
      payload: 'not json at all',
    },
  ];
  return { messages, readings, deadLetters };
}

/** Publishes the messages in order, each at QoS 1 and acknowledged before the next. */
export async function publishAll(client: MqttClient, messages: readonly [string, string][]): Promise<void> {
  for (const [topic, payload] of messages) await client.publishAsync(topic, payload, { qos: 1 });
}

/** Collects what an mqtt.js client receives, and waits (event-driven) for a number of messages. */
export class MessageCollector {
  readonly messages: { topic: string; payload: Buffer }[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];

  constructor(client: MqttClient) {
    client.on('message', (topic, payload) => {
      this.messages.push({ topic, payload });
      const ready = this.waiters.filter((w) => this.messages.length >= w.count);
      this.waiters = this.waiters.filter((w) => this.messages.length < w.count);
      for (const waiter of ready) waiter.resolve();
    });
  }

  /** The payloads parsed as JSON. */
  json<T>(): T[] {
    return this.messages.map((m) => JSON.parse(m.payload.toString()) as T);
  }

  waitForCount(count: number, timeoutMs = 5_000): Promise<void> {
    if (this.messages.length >= count) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `timed out after ${timeoutMs} ms waiting for ${count} MQTT messages, got ${this.messages.length}`,
            ),
          ),
        timeoutMs,
      );
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }
}

function expectStringContaining(text: string): string {
  // Typed as a string so the scenario reads as data; vitest's asymmetric matcher does the work.
  return expect.stringContaining(text) as unknown as string;
}
