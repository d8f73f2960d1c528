import { decodeTelemetry } from '../../services/connectors/mqtt/decode-telemetry.ts';
import type { Reading } from '../../services/domain/reading.ts';
import type { Sink } from '../../services/engine/api/sink.ts';
import type { Source, SourceContext } from '../../services/engine/api/source.ts';
import type { ChannelMetrics } from '../../services/engine/runtime/channels/exchange-output.ts';
import { defineJobModule } from '../../services/engine/runtime/parallel/job-module.ts';
import { runJob } from '../../services/engine/runtime/parallel/run-job.ts';
import { WatermarkStrategy } from '../../services/engine/time/watermark-strategy.ts';
import { type Scenario, timed } from '../scenario.ts';
import { keyedWindowAggregates } from '../support/keyed-window-aggregates.ts';

const WINDOW_MS = 10_000;
const BOUND_MS = 2_000;
const KEYS = 1_000;
const SOURCE_BATCH = 1_000;

/** Job arguments (plain data: every worker gets them). */
interface BenchArgs {
  readonly events: number;
  /** Readings arrive as telemetry JSON payloads the source decodes, as from MQTT. */
  readonly telemetry: boolean;
}

/** A 32-bit integer hash (murmur3's finalizer): stateless randomness, the same in every split. */
function mix(x: number): number {
  let h = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const DEVICES = Array.from({ length: KEYS }, (_, i) => `device-${i}`);
const START = 1_700_000_000_000;

/**
 * Reading `i` of the input: one reading per device per second of event time, delayed by up to
 * {@link BOUND_MS}, computed from `i` alone, so any split of the indices yields the same readings
 * (and no reading needs to be kept in memory before the run).
 */
function readingAt(i: number): Reading {
  const ts =
    START +
    Math.floor(i / KEYS) * 1_000 +
    Math.floor(((i % KEYS) * 1_000) / KEYS) -
    (mix(i) % (BOUND_MS + 1));
  const value = 20 + 5 * Math.sin(ts / 3_600_000) + mix(i + 0x9e3779b9) / 2 ** 32;
  return { device: DEVICES[i % KEYS]!, metric: 'temperature', ts, value };
}

const watermarks = () =>
  WatermarkStrategy.forBoundedOutOfOrderness<Reading>(BOUND_MS).withTimestampAssigner((r) => r.ts);

/**
 * The benchmarked job, with a parallel source: each subtask makes (or receives and decodes) its
 * split of the readings in its own thread; at parallelism 1 the one split is the whole input.
 */
export const splitSourceJob = defineJobModule<BenchArgs>((env, { events, telemetry }) => {
  const readings = env.fromParallelSource(
    ({ index, count }) => new GeneratingSource(events, index, count, telemetry),
    watermarks(),
    'readings',
  );
  keyedWindowAggregates(env, readings, WINDOW_MS);
});

/** The same job with the source bound in the main thread: only the keyed windows run in workers. */
export const mainSourceJob = defineJobModule((env) => {
  keyedWindowAggregates(env, env.fromSource(env.boundSource<Reading>('readings'), watermarks()), WINDOW_MS);
});

/**
 * Makes readings `index`, `index + count`, … below `events` ({@link readingAt}), {@link SOURCE_BATCH}
 * per event-loop turn: created on the way, not replayed from memory. With `telemetry`, each comes
 * as the JSON payload a device publishes, which the source decodes with the MQTT source's decoder
 * (`decodeTelemetry`): Eddy's real ingest cost (~0.5 µs to decode, ~0.45 µs to make the payload).
 * Pausable (backpressure).
 */
class GeneratingSource implements Source<Reading> {
  readonly name = 'readings';
  private paused = false;
  private closed = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly events: number,
    private readonly index: number,
    private readonly count: number,
    private readonly telemetry = false,
  ) {}

  async open(ctx: SourceContext<Reading>): Promise<void> {
    void this.run(ctx);
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.wake?.();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
  }

  private async run(ctx: SourceContext<Reading>): Promise<void> {
    const { events, count } = this;
    const batch: Reading[] = [];
    for (let i = this.index; i < events && !this.closed; ) {
      while (this.paused && !this.closed) await new Promise<void>((resolve) => (this.wake = resolve));
      batch.length = 0;
      for (; i < events && batch.length < SOURCE_BATCH; i += count) {
        if (this.telemetry) batch.push(...decoded(readingAt(i)));
        else batch.push(readingAt(i));
      }
      ctx.collectBatch(batch);
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (!this.closed) ctx.endOfInput();
  }
}

/** The reading as a device would publish it, decoded again as the MQTT source does. */
function decoded(reading: Reading): Reading[] {
  const payload = Buffer.from(`{"ts":${reading.ts},"${reading.metric}":${reading.value}}`);
  const result = decodeTelemetry(reading.device, payload);
  if (!result.ok) throw new Error(`bench payload refused: ${result.reason}`);
  return result.readings;
}

interface Run {
  readonly results: number;
  /** From `runJob` until it returned (workers started): left out of the rate. */
  readonly startMs: number;
  readonly runSeconds: number;
  readonly channels: readonly ChannelMetrics[];
}

async function runAt(
  parallelism: number,
  events: number,
  telemetry: boolean,
  mainSource = false,
): Promise<Run> {
  let results = 0;
  const sink: Sink<unknown> = {
    name: 'count',
    open: async () => {},
    write: () => {
      results++;
    },
    flush: async () => {},
    close: async () => {},
  };
  const started = performance.now();
  const job = await runJob<BenchArgs>({
    name: `bench-parallelism-${parallelism}`,
    module: new URL(import.meta.url),
    exportName: mainSource ? 'mainSourceJob' : 'splitSourceJob',
    args: { events, telemetry },
    parallelism,
    ...(mainSource ? { sources: { readings: new GeneratingSource(events, 0, 1, telemetry) } } : {}),
    sinks: { results: sink },
  });
  const startMs = performance.now() - started;
  const run = await timed(() => job.finished);
  const channels = (await job.refreshMetrics()).channels ?? [];
  return { results, startMs, runSeconds: run.seconds, channels };
}

/** Runs of each parallelism; the best counts (other work on the machine only ever slows a run down). */
const REPEATS = 3;

/** Parallelism 1 and 2, alternately, on the same job and input; checks they emit the same windows. */
async function compare(events: number, telemetry: boolean, mainSource = false) {
  await runAt(1, Math.min(200_000, events), telemetry, mainSource); // warms the main thread's JIT
  const rates: Record<1 | 2, number[]> = { 1: [], 2: [] };
  let windows = -1;
  let last: Run | undefined;
  for (let i = 0; i < REPEATS; i++) {
    for (const parallelism of [1, 2] as const) {
      const run = await runAt(parallelism, events, telemetry, mainSource);
      if (windows >= 0 && run.results !== windows) {
        throw new Error(`parallelism ${parallelism} emitted ${run.results} windows, not ${windows}`);
      }
      windows = run.results;
      rates[parallelism].push(events / run.runSeconds);
      if (parallelism === 2) last = run;
    }
  }
  return {
    one: Math.max(...rates[1]),
    two: Math.max(...rates[2]),
    windows,
    startMs: last!.startMs,
    channels: last!.channels,
  };
}

/**
 * One keyed tumbling job over the same input at parallelism 1 (one chain in one thread) and 2
 * (one worker thread per subtask; each reads and decodes its split of the input, readings cross
 * between the workers by key as typed-array batches, aggregates come back to the main thread's
 * sink). Headline: telemetry JSON decoded in the source, as from MQTT (`eventsPerSec` is
 * parallelism 2's, the baseline column parallelism 1's). Details: ready-made readings, where the
 * exchange costs as much as the windows it spreads (`inMemory…`), and the source in the main
 * thread, where every reading crosses a thread (`mainSource…`). Worker start-up (each worker
 * imports the job module) is measured apart and left out of the rates. Each rate is the best of
 * {@link REPEATS} runs, parallelism 1 and 2 alternating.
 */
export function engineParallelism(telemetryEvents: number, inMemoryEvents: number): Scenario {
  return {
    name: 'engine-parallelism',
    description:
      `keyed tumbling windows over ${KEYS} devices, parallelism 1 vs 2: ${telemetryEvents / 1e6}M telemetry ` +
      `payloads decoded in the source; ${inMemoryEvents / 1e6}M ready-made readings`,
    async run() {
      const telemetry = await compare(telemetryEvents, true);
      const inMemory = await compare(inMemoryEvents, false);
      const mainSource = await compare(inMemoryEvents, false, true);
      const blocked = telemetry.channels.reduce((sum, c) => sum + c.timesBlocked, 0);
      const ratio = (r: { one: number; two: number }) => Number((r.two / r.one).toFixed(2));
      return {
        eventsPerSec: telemetry.two,
        baselineEventsPerSec: telemetry.one,
        details: {
          windows: telemetry.windows,
          speedup: ratio(telemetry),
          inMemoryP1: Math.round(inMemory.one),
          inMemoryP2: Math.round(inMemory.two),
          inMemorySpeedup: ratio(inMemory),
          mainSourceP2: Math.round(mainSource.two),
          mainSourceSpeedup: ratio(mainSource),
          workerStartMs: Math.round(telemetry.startMs),
          timesBlocked: blocked,
        },
      };
    },
  };
}
