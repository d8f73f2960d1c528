import { connect } from 'mqtt';
import { MqttSource } from '../../services/connectors/mqtt/mqtt-source.ts';
import { type Reading, splitSeriesKey } from '../../services/domain/reading.ts';
import { seriesKeySelector } from '../../services/domain/series-key-interner.ts';
import type { WindowAggregate } from '../../services/domain/window-aggregate.ts';
import { summaryStats } from '../../services/engine/aggregates/summary-stats.ts';
import type { Sink } from '../../services/engine/api/sink.ts';
import type { Source, SourceContext } from '../../services/engine/api/source.ts';
import { StreamEnvironment } from '../../services/engine/api/stream-environment.ts';
import { readingCodec } from '../../services/engine/runtime/channels/reading-codec.ts';
import { windowAggregateCodec } from '../../services/engine/runtime/channels/window-aggregate-codec.ts';
import type { JobExecution } from '../../services/engine/runtime/job-execution.ts';
import { defineJobModule } from '../../services/engine/runtime/parallel/job-module.ts';
import { runJob } from '../../services/engine/runtime/parallel/run-job.ts';
import { WatermarkStrategy } from '../../services/engine/time/watermark-strategy.ts';
import { TumblingEventTimeWindows } from '../../services/engine/windows/assigners/tumbling-event-time-windows.ts';
import { DEFAULT_JOB, defineDefaultJob } from '../../services/jobs/default-job.ts';

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
  const { sink, counted } = countingSink();
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
  await untilAllIn(job, allIn, () => `Eddy: ${seen} of ${target.readings} readings arrived in time`, target);
  const timing = stopTiming(start);
  await job.stop({ drain: true });
  return { ...timing, ...counted(), lateRecordsDropped: lateDropped(job) };
}

/** Args of {@link sharedSubscriptionJob} (plain data; the counter is shared memory). */
interface SharedDrainArgs {
  readonly url: string;
  readonly clientIdPrefix: string;
  readonly group: string;
  readonly qos: 0 | 1;
  /** One Int32: readings taken by all splits together. */
  readonly taken: SharedArrayBuffer;
  /** One Float64 per split: when it began to open (epoch ms, `performance.timeOrigin + now()`). */
  readonly opened: SharedArrayBuffer;
}

/**
 * The default job's pipeline with one `MqttSource` per subtask on a shared subscription (each
 * decodes its share in its worker thread) → keyBy(device/metric) over the channels → 10 s tumbling
 * summary windows → the bound sink `results` in the main thread.
 */
export const sharedSubscriptionJob = defineJobModule<SharedDrainArgs>((env, args) => {
  const taken = new Int32Array(args.taken);
  const opened = new Float64Array(args.opened);
  const readings = env.fromParallelSource(
    ({ index }) =>
      countingSource(
        new MqttSource({
          url: args.url,
          clientId: `${args.clientIdPrefix}-${index}`,
          qos: args.qos,
          sharedGroup: args.group,
          clientOptions: { clean: false, reconnectPeriod: 0 },
        }),
        (n) => Atomics.add(taken, 0, n),
        () => {
          opened[index] = performance.timeOrigin + performance.now();
        },
      ),
    WatermarkStrategy.forBoundedOutOfOrderness<Reading>(DEFAULT_JOB.outOfOrdernessMs)
      .withTimestampAssigner((r) => r.ts)
      .withQuietPeriod(DEFAULT_JOB.quietPeriodMs),
    'mqtt-shared',
  );
  const keyed = readings.keyBy(seriesKeySelector());
  env.setRecordCodec(keyed, readingCodec);
  const aggregates = keyed.window(TumblingEventTimeWindows.of(DEFAULT_JOB.windowMs)).aggregate(
    summaryStats((r: Reading) => r.value),
    (key, window, stats): WindowAggregate => {
      const { device, metric } = splitSeriesKey(key); // not spread: `{ ...a, b }` is V8's slow path
      return { device, metric, window: '10s', start: window.start, end: window.end, ...stats };
    },
  );
  env.setRecordCodec(aggregates, windowAggregateCodec);
  aggregates.sinkTo(env.boundSink('results'));
});

/** The shared-subscription members of {@link drainWithEddyParallel}: `<prefix>-0` … `<prefix>-(P-1)`. */
export function sharedMemberIds(prefix: string, parallelism: number): string[] {
  return Array.from({ length: parallelism }, (_, i) => `${prefix}-${i}`);
}

/**
 * Eddy at parallelism P: {@link sharedSubscriptionJob}, draining the persistent sessions
 * `sharedMemberIds(target.clientId, P)` of shared group `group`. Timed like the other drains,
 * from the moment the first split begins to open (connect and subscribe included, starting the
 * worker threads and importing the job in them not) to the moment the splits together took every
 * reading; `cpu` from when the first reading was seen (polled every ms).
 */
export async function drainWithEddyParallel(
  target: DrainTarget,
  group: string,
  parallelism: number,
): Promise<EddyDrain> {
  const { sink, counted } = countingSink();
  const taken = new SharedArrayBuffer(4);
  const counter = new Int32Array(taken);
  const opened = new SharedArrayBuffer(8 * parallelism);
  const args: SharedDrainArgs = {
    url: target.url,
    clientIdPrefix: target.clientId,
    group,
    qos: target.qos,
    taken,
    opened,
  };
  let poll: NodeJS.Timeout | undefined;
  let cpuFrom: NodeJS.CpuUsage | undefined;
  const allIn = new Promise<void>((resolve) => {
    poll = setInterval(() => {
      const n = Atomics.load(counter, 0);
      if (n > 0) cpuFrom ??= process.cpuUsage();
      if (n >= target.readings) resolve();
    }, 1);
  });
  const job = await runJob({
    name: 'bench-mqtt-shared',
    module: new URL(import.meta.url),
    exportName: 'sharedSubscriptionJob',
    args,
    parallelism,
    sinks: { results: sink },
  });
  try {
    const missing = () => `Eddy: ${Atomics.load(counter, 0)} of ${target.readings} readings arrived in time`;
    await untilAllIn(job, allIn, missing, target);
  } finally {
    clearInterval(poll);
  }
  const end = performance.timeOrigin + performance.now();
  const cpu = process.cpuUsage(cpuFrom);
  const seconds = (end - Math.min(...new Float64Array(opened))) / 1000;
  const timing = { seconds, cpu: (cpu.user + cpu.system) / 1e6 / seconds };
  await job.stop({ drain: true });
  return { ...timing, ...counted(), lateRecordsDropped: lateDropped(job) };
}

/** A sink that counts the windows and the readings in them. */
function countingSink(): {
  sink: Sink<WindowAggregate>;
  counted: () => { windows: number; readingsInWindows: number };
} {
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
  return { sink, counted: () => ({ windows, readingsInWindows }) };
}

function lateDropped(job: JobExecution): number {
  return job
    .metrics()
    .operators.filter((o) => o.lateRecordsDropped !== undefined)
    .reduce((sum, o) => sum + (o.lateRecordsDropped ?? 0), 0);
}

/** Resolves with `allIn`; fails at the target's timeout or when the job ends first. */
async function untilAllIn(
  job: JobExecution,
  allIn: Promise<void>,
  missing: () => string,
  target: DrainTarget,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(missing())), target.timeoutMs ?? 120_000);
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
}

/** `inner`, reporting how many readings each batch carried once the job took them. */
function countingSource(
  inner: Source<Reading>,
  onRecords: (n: number) => void,
  onOpen: () => void = () => {},
): Source<Reading> {
  return {
    name: inner.name,
    open: (ctx: SourceContext<Reading>) => {
      onOpen();
      return inner.open({
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
      });
    },
    close: () => inner.close(),
    pause: () => inner.pause?.(),
    resume: () => inner.resume?.(),
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
