import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineJob } from '../config/define-job.ts';
import type { JobSpec } from '../config/job-spec.ts';
import { parseJobFile } from '../config/parse-job-file.ts';
import type { Reading } from '../domain/reading.ts';
import type { WindowAggregate } from '../domain/window-aggregate.ts';
import type { Sink } from '../engine/api/sink.ts';
import type { Source } from '../engine/api/source.ts';
import type { StreamEnvironment } from '../engine/api/stream-environment.ts';

/** The job file `eddy start` runs when given none. */
export const DEFAULT_JOB_FILE = fileURLToPath(new URL('./default-job.yaml', import.meta.url));

/**
 * What `eddy start`'s `--window`, `--out-of-orderness`, `--quiet-period`, `--max-future` and
 * `--max-past` change in the default job.
 */
export interface DefaultJobOptions {
  /** Tumbling window size. Default 10 s. */
  readonly windowMs?: number;
  /** How much out of order readings may arrive and still count. Default 2 s. */
  readonly outOfOrdernessMs?: number;
  /** After this much silence, event time follows processing time so the last windows close. Default 30 s. */
  readonly quietPeriodMs?: number;
  /** Readings stamped further ahead of processing time go to the dead letters; `off`: no bound. Default 5 min. */
  readonly maxFutureMs?: number | 'off';
  /** Readings stamped further behind processing time go to the dead letters; `off`: no bound (the default). */
  readonly maxPastMs?: number | 'off';
}

/** The default job's settings, as in `default-job.yaml` (a test keeps the two the same). */
export const DEFAULT_JOB = { windowMs: 10_000, outOfOrdernessMs: 2_000, quietPeriodMs: 30_000 } as const;

let shipped: JobSpec | undefined;

/**
 * Eddy's default job (`default-job.yaml`): per device and metric, 10 s tumbling event-time windows
 * with count, mean, min, max and stddev, to InfluxDB `window_agg` and the live feed; and the
 * `forecast` model, a Holt-Winters forecaster per series whose predictions and metrics go to
 * InfluxDB `predictions` and `model_metrics` and the live feed. The options (from `eddy start`'s
 * flags) replace its window size, out-of-orderness, quiet period and timestamp bounds.
 *
 * @example
 * defaultJobSpec({ windowMs: 60_000 }).windows[0]; // { type: 'tumbling', sizeMs: 60000, ... }
 */
export function defaultJobSpec(options: DefaultJobOptions = {}): JobSpec {
  shipped ??= parseJobFile(readFileSync(DEFAULT_JOB_FILE, 'utf8'), DEFAULT_JOB_FILE);
  const [window] = shipped.windows;
  if (window?.type !== 'tumbling' || shipped.windows.length !== 1) {
    throw new Error(`${DEFAULT_JOB_FILE}: the default job must have exactly one tumbling window`);
  }
  const { maxFutureMs, maxPastMs, ...time } = shipped.time;
  const future = options.maxFutureMs ?? maxFutureMs;
  const past = options.maxPastMs ?? maxPastMs;
  return {
    ...shipped,
    time: {
      ...time,
      maxOutOfOrdernessMs: options.outOfOrdernessMs ?? time.maxOutOfOrdernessMs,
      quietPeriodMs: options.quietPeriodMs ?? time.quietPeriodMs,
      ...(future === undefined || future === 'off' ? {} : { maxFutureMs: future }),
      ...(past === undefined || past === 'off' ? {} : { maxPastMs: past }),
    },
    windows: [{ ...window, sizeMs: options.windowMs ?? window.sizeMs }],
  };
}

/**
 * Builds the default job's windows (see {@link defaultJobSpec}) on `env`, reading from `source`
 * and writing every window aggregate to each of `sinks`: the window-aggregates pipeline the
 * benchmarks and metrics tests measure. Its models are left out, as they have no sinks here (build
 * `defaultJobSpec()` with `defineJob` and model sinks for them).
 *
 * readings ─ timestamps & watermarks ─ keyBy(device/metric) ─ tumbling window ─ summary ─ sinks
 */
export function defineDefaultJob(
  env: StreamEnvironment,
  source: Source<Reading>,
  sinks: readonly Sink<WindowAggregate>[],
  options: DefaultJobOptions = {},
): void {
  defineJob(env, { ...defaultJobSpec(options), models: [], detectors: [] }, { source, results: sinks });
}
