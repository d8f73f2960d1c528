import { connectAsync } from 'mqtt';
import type { TelemetryMessage } from '../data/telemetry-messages.ts';

const FILTER = 'sensors/+/telemetry';

/**
 * Creates a persistent session (clean = false) subscribed to the telemetry topics at `qos`, then
 * disconnects: from now on the broker queues every telemetry message (in a shared group: its
 * share) for `clientId` until it comes back (with the bench broker's unlimited queues).
 */
export async function createPersistentSession(
  url: string,
  clientId: string,
  qos: 0 | 1,
  /** Subscribe as a member of this shared-subscription group (`$share/<group>/…`). */
  group?: string,
): Promise<void> {
  const client = await connectAsync(url, { clientId, clean: false, reconnectPeriod: 0 });
  await client.subscribeAsync(group === undefined ? FILTER : `$share/${group}/${FILTER}`, { qos });
  await client.endAsync();
}

/**
 * Publishes pre-encoded `messages` in order at QoS 1 through one mqtt.js client, keeping up to
 * `window` publishes unacknowledged, and resolves once the broker acknowledged all of them (so
 * they are queued for every session). One publisher keeps the arrival order equal to event-time
 * order; it is not on the measured path (sessions are drained afterwards). Returns messages/s.
 */
export async function publishAll(
  url: string,
  messages: readonly TelemetryMessage[],
  options: { window?: number } = {},
): Promise<number> {
  const { window = 1_000 } = options;
  const client = await connectAsync(url, {
    clientId: 'eddy-bench-publisher',
    clean: true,
    reconnectPeriod: 0,
  });
  const start = process.hrtime.bigint();
  try {
    await new Promise<void>((resolve, reject) => {
      let next = 0;
      let acked = 0;
      const send = () => {
        while (next < messages.length && next - acked < window) {
          const { topic, payload } = messages[next++]!;
          client.publish(topic, payload, { qos: 1 }, (error) => {
            if (error) return reject(error);
            acked++;
            if (acked === messages.length) resolve();
            else send();
          });
        }
      };
      send();
    });
  } finally {
    await client.endAsync();
  }
  return messages.length / (Number(process.hrtime.bigint() - start) / 1e9);
}
