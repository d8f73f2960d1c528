import { createRandom } from '../../services/common/random.ts';

/** One pre-encoded MQTT message. */
export interface TelemetryMessage {
  readonly topic: string;
  readonly payload: Buffer;
}

/**
 * Telemetry as devices publish it, pre-encoded (building JSON is not what a benchmark of the
 * consumer should pay for), in event-time order: round after round, each of `devices` devices
 * sends one message per second of event time.
 *
 * - 1 reading per message: `{"ts":…,"temperature":21.53}`;
 * - N readings per message: a JSON array of N records 1000/N ms apart (a 100 Hz sensor uploading
 *   one second of samples at once when N = 100).
 *
 * Seeded: the same options give the same bytes.
 */
export function telemetryMessages(options: {
  readonly messages: number;
  readonly readingsPerMessage: number;
  readonly devices: number;
  readonly seed?: number;
  readonly start?: number;
}): TelemetryMessage[] {
  const { messages, readingsPerMessage, devices, seed = 11, start = 1_700_000_000_000 } = options;
  const random = createRandom(seed);
  const topics = Array.from(
    { length: devices },
    (_, d) => `sensors/dev-${String(d).padStart(5, '0')}/telemetry`,
  );
  const stepMs = 1_000 / readingsPerMessage;
  const record = (ts: number) => `{"ts":${ts},"temperature":${(20 + 5 * random.next()).toFixed(2)}}`;
  const out: TelemetryMessage[] = new Array(messages);
  for (let k = 0; k < messages; k++) {
    const second = start + Math.floor(k / devices) * 1_000;
    let text: string;
    if (readingsPerMessage === 1) {
      text = record(second);
    } else {
      const records: string[] = new Array(readingsPerMessage);
      for (let j = 0; j < readingsPerMessage; j++) records[j] = record(second + Math.floor(j * stepMs));
      text = `[${records.join(',')}]`;
    }
    out[k] = { topic: topics[k % devices]!, payload: Buffer.from(text) };
  }
  return out;
}
