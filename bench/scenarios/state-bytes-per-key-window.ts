import { type Reading, seriesKey } from '../../services/domain/reading.ts';
import { summaryStats } from '../../services/engine/aggregates/summary-stats.ts';
import type { Sink } from '../../services/engine/api/sink.ts';
import type { Source, SourceContext } from '../../services/engine/api/source.ts';
import { StreamEnvironment } from '../../services/engine/api/stream-environment.ts';
import { ManualClock } from '../../services/engine/time/clock.ts';
import { WatermarkStrategy } from '../../services/engine/time/watermark-strategy.ts';
import { TumblingEventTimeWindows } from '../../services/engine/windows/assigners/tumbling-event-time-windows.ts';
import { type Scenario, settledHeapUsed } from '../scenario.ts';

const WINDOW_MS = 10_000;
const START = 1_700_000_000_000;
/** The per key-window budget this scenario checks against (reported, never asserted). */
const TARGET_BYTES = 300;

/** Hands all its records over in one batch when opened, then stays open (the windows stay live). */
class HoldingSource implements Source<Reading> {
  readonly name = 'holding';
  constructor(private readonly readings: readonly Reading[]) {}
  async open(ctx: SourceContext<Reading>): Promise<void> {
    ctx.collectBatch(this.readings);
  }
  async close(): Promise<void> {}
}

/** `keys` series (device `dev-<i>`, one metric), each with a record in `windowsPerKey` consecutive windows. */
function readingsFor(keys: number, windowsPerKey: number): Reading[] {
  const readings: Reading[] = [];
  for (let w = 0; w < windowsPerKey; w++) {
    for (let i = 0; i < keys; i++) {
      readings.push({
        device: `dev-${i}`,
        metric: 'temperature',
        ts: START + w * WINDOW_MS + (i % WINDOW_MS),
        value: i,
      });
    }
  }
  return readings;
}

/** Heap held per live key-window by the default job's window stage (keyBy series → tumbling → summary). */
async function measure(keys: number, windowsPerKey: number) {
  const readings = readingsFor(keys, windowsPerKey);
  const noSink: Sink<unknown> = {
    name: 'none',
    open: async () => {},
    write: () => {},
    flush: async () => {},
    close: async () => {},
  };
  const env = new StreamEnvironment({ clock: new ManualClock(START) });
  // An out-of-orderness bound larger than the data keeps every window open.
  const watermarks = WatermarkStrategy.forBoundedOutOfOrderness<Reading>(3_600_000).withTimestampAssigner(
    (r) => r.ts,
  );
  env
    .fromSource(new HoldingSource(readings), watermarks)
    .keyBy((r) => seriesKey(r.device, r.metric))
    .window(TumblingEventTimeWindows.of<Reading>(WINDOW_MS))
    .aggregate(summaryStats((r: Reading) => r.value))
    .sinkTo(noSink);
  const before = settledHeapUsed();
  const job = await env.start('bench-state-bytes');
  const after = settledHeapUsed();
  const window = job.metrics().operators.find((o) => o.stateEntries !== undefined);
  const keyWindows = window?.stateEntries ?? 0;
  if (keyWindows !== keys * windowsPerKey) {
    throw new Error(
      `expected ${keys * windowsPerKey} live key-windows, the window operator holds ${keyWindows}`,
    );
  }
  await job.stop();
  return {
    bytesPerKeyWindow: (after - before) / keyWindows,
    estimatePerKeyWindow: window?.stateBytes === undefined ? Number.NaN : window.stateBytes / keyWindows,
    readings: readings.length, // keeps the input alive through both heap readings
  };
}

/**
 * Heap used per live (key, window) of the default job's window stage: heap after full GCs with N
 * live key-windows minus before, over N. One window per key (each key's overhead on one window)
 * and four per key (what a key costs with a few windows open, e.g. late data or sliding windows).
 */
export function stateBytesPerKeyWindow(keys: number): Scenario {
  return {
    name: 'state-bytes-per-key-window',
    description: `heap per live key-window, ${keys} keys with 1 and 4 open 10 s windows each (target <= ${TARGET_BYTES} B)`,
    nodeFlags: ['--expose-gc'],
    async run() {
      const one = await measure(keys, 1);
      const four = await measure(keys, 4);
      return {
        details: {
          keys,
          bytesPerKeyWindow1: Math.round(one.bytesPerKeyWindow),
          bytesPerKeyWindow4: Math.round(four.bytesPerKeyWindow),
          estimate1: Math.round(one.estimatePerKeyWindow),
          estimate4: Math.round(four.estimatePerKeyWindow),
          target: `<=${TARGET_BYTES}`,
        },
      };
    },
  };
}
