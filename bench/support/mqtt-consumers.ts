import { connect } from 'mqtt';
import { MqttSource } from '../../services/connectors/mqtt/mqtt-source.ts';
import type { Reading } from '../../services/domain/reading.ts';
import type { WindowAggregate } from '../../services/domain/window-aggregate.ts';
import type { Sink } from '../../services/engine/api/sink.ts';
import type { Source, SourceContext } from '../../services/engine/api/source.ts';
import { StreamEnvironment } from '../../services/engine/api/stream-environment.ts';
import { defineDefaultJob } from '../../services/jobs/default-job.ts';

/** Where a drain reads from: a persistent session the broker filled while its client was away. */
export interface DrainTarget {
  readonly url: string;
  readonly clientId: string;
  readonly qos: 0 | 1;
  /** Readings the session holds; the drain ends when that many arrived. */
  readonly readings: number;
  /** Fails the drain when not done by then (default 120 s). */
  readonly timeoutMs?: number;
}

/**
 * The baseline: a bare mqtt.js subscriber that only parses each payload's JSON and counts the
 * readings. Resolves with the seconds from `connect()` to the last reading.
 */
export function drainWithBareClient(target: DrainTarget): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const start = startTiming();
    let readings = 0;
    const client = connect(target.url, { clientId: target.clientId, clean: false, reconnectPeriod: 0 });
    const finish = (error?: Error) => {
      clearTimeout(timer);
      client.removeAllListeners('message');
      const timing = stopTiming(start);
      // Called from inside a 'message' handler: let mqtt.js send that message's PUBACK before the
      // DISCONNECT, or mosquitto resets the connection.
      setImmediate(() => client.end(() => (error ? reject(error) : resolve(timing))));
    };
    const timer = setTimeout(
      () => finish(new Error(`bare subscriber: ${readings} of ${target.readings} readings arrived in time`)),
      target.timeoutMs ?? 120_000,
    );
    client.on('error', (error) => finish(error));
    client.on('message', (_topic, payload) => {
      const parsed: unknown = JSON.parse(payload.toString());
      readings += Array.isArray(parsed) ? parsed.length : 1;
      if (readings >= target.readings) finish();
    });
  });
}

/** Wall time of a drain, and how busy this process was meanwhile (1 = one core all the time). */
export interface Timing {
  readonly seconds: number;
  readonly cpu: number;
}

/** What the Eddy drain saw. */
export interface EddyDrain extends Timing {
  readonly windows: number;
  /** Readings counted by the windows that fired (drained at the end). */
  readonly readingsInWindows: number;
  readonly lateRecordsDropped: number;
}

/**
 * Eddy's path: `MqttSource` (mqtt.js, decode and validate) → the default job (timestamps and
 * watermarks, keyBy series, 10 s tumbling summary windows) → a sink that counts. Resolves with the
 * seconds from `env.start()` to the moment the last reading went through the window stage; the job
 * is then stopped with its windows drained, outside the measurement.
 */
export async function drainWithEddy(target: DrainTarget): Promise<EddyDrain> {
  let windows = 0;
  let readingsInWindows = 0;
  const sink: Sink<WindowAggregate> = {
    name: 'count',
    open: async () => {},
    write: (aggregate) => {
      windows++;
      readingsInWindows += aggregate.count;
    },
    flush: async () => {},
    close: async () => {},
  };
  const mqtt = new MqttSource({
    url: target.url,
    clientId: target.clientId,
    qos: target.qos,
    clientOptions: { clean: false, reconnectPeriod: 0 },
  });
  let reachedAll!: () => void;
  const allIn = new Promise<void>((resolve) => {
    reachedAll = resolve;
  });
  let seen = 0;
  const source = countingSource(mqtt, (n) => {
    seen += n;
    if (seen >= target.readings) reachedAll();
  });
  const env = new StreamEnvironment();
  defineDefaultJob(env, source, [sink]);
  const start = startTiming();
  const job = await env.start('bench-mqtt');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Eddy: ${seen} of ${target.readings} readings arrived in time`)),
      target.timeoutMs ?? 120_000,
    );
  });
  try {
    await Promise.race([
      allIn,
      timedOut,
      job.finished.then(() => Promise.reject(new Error('the job ended early'))),
    ]);
  } finally {
    clearTimeout(timer);
  }
  const timing = stopTiming(start);
  await job.stop({ drain: true });
  const window = job.metrics().operators.find((o) => o.lateRecordsDropped !== undefined);
  return { ...timing, windows, readingsInWindows, lateRecordsDropped: window?.lateRecordsDropped ?? 0 };
}

/** `inner`, reporting how many readings each batch carried once the job took them. */
function countingSource(inner: Source<Reading>, onRecords: (n: number) => void): Source<Reading> {
  return {
    name: inner.name,
    open: (ctx: SourceContext<Reading>) =>
      inner.open({
        clock: ctx.clock,
        collect(record) {
          ctx.collect(record);
          onRecords(1);
        },
        collectBatch(records) {
          ctx.collectBatch(records);
          onRecords(records.length);
        },
        endOfInput: () => ctx.endOfInput(),
      }),
    close: () => inner.close(),
  };
}

function startTiming(): { wall: bigint; cpu: NodeJS.CpuUsage } {
  return { wall: process.hrtime.bigint(), cpu: process.cpuUsage() };
}

function stopTiming(start: { wall: bigint; cpu: NodeJS.CpuUsage }): Timing {
  const seconds = Number(process.hrtime.bigint() - start.wall) / 1e9;
  const cpu = process.cpuUsage(start.cpu);
  return { seconds, cpu: (cpu.user + cpu.system) / 1e6 / seconds };
}
