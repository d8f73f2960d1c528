import type { Features } from '../../ml/core/features.ts';
import { createDefaultDetector } from '../../ml/detectors/default-set.ts';
import type { AnomalyDetector, DetectorSpec } from '../../ml/detectors/detector.ts';
import { DETECTOR_SPECS, parseDetectorParams } from '../../ml/detectors/registry.ts';
import { createRandom } from '../../services/common/random.ts';
import type { Scenario } from '../scenario.ts';

/** One day of readings at one a second, replayed in a loop (timestamps shifted on) until the budget is spent. */
const STREAM = 86_400;
const STEP_MS = 1_000;
const WARM_UP = 5_000;
const BUDGET_SECONDS = 0.5;
const ROUNDS = 2;
/** Detectors that train in the background: records between two waits for the training round (the autoencoder's `everySamples`). */
const BATCH = 32;
/** ...warmed up with this many records (its network trained, its first errors learned), measured once. */
const BACKGROUND_WARM_UP = 10 * BATCH;
const BACKGROUND_ROUNDS = 1;

interface Record_ {
  readonly x: Features;
  readonly ts: number;
}

/** Something to measure: a registered detector with its defaults, or the default set. */
interface Candidate {
  readonly name: string;
  readonly input: DetectorSpec['input'];
  create(): AnomalyDetector;
}

/** A detector that trains in micro-batches off the per-record path (the TensorFlow.js autoencoder). */
interface BackgroundTrained extends AnomalyDetector {
  whenIdle(): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * scoreOne + learnOne per record (records/s) of every anomaly detector in `DETECTOR_SPECS` with its
 * default parameters, and of the default set (`default`, the headline rate), so detectors
 * registered later are measured without editing this file. Univariate detectors read `{ value }`
 * (a daily cycle, noise and a few spikes, one reading a second of event time), multivariate ones
 * rows of 4 correlated metrics; both seeded. `explainOne` (only when an alert opens) is not
 * measured. Best of two rounds of 0.5 s each. Detectors that train in the background (the
 * autoencoder) get one round, and wait for their training round every 32 records, so that their
 * rate includes the training that keeps up with it; `autoencoderBackend` names TensorFlow.js's backend.
 *
 * @example
 * const { eventsPerSec, details } = await detectorThroughput().run();
 * details?.['rolling-z-score']; // e.g. '2.10M/s'
 */
export function detectorThroughput(): Scenario {
  return {
    name: 'detector-throughput',
    description: `scoreOne + learnOne per record for every anomaly detector and the default set (default params, best of ${ROUNDS} runs of ${BUDGET_SECONDS} s; TensorFlow.js ones: one run)`,
    async run() {
      const candidates: Candidate[] = [
        { name: 'default', input: 'univariate', create: () => createDefaultDetector() },
        ...DETECTOR_SPECS.map((spec) => ({
          name: spec.name,
          input: spec.input,
          create: () => spec.create(parseDetectorParams(spec, {})),
        })),
      ];
      const streams = { univariate: univariateStream(), multivariate: multivariateStream() };
      const details: Record<string, string> = {};
      const rates = new Map<string, number>();
      const rows: string[] = [];
      let sink = 0;
      let background = false;
      for (const candidate of candidates) {
        const stream = streams[candidate.input];
        try {
          let best = 0;
          for (let round = 0; round < ROUNDS; round++) {
            const detector = candidate.create();
            const inBackground = isBackgroundTrained(detector);
            background ||= inBackground;
            const { perSecond, checksum } = inBackground
              ? await measureInBackground(detector, stream)
              : measure(detector, stream);
            best = Math.max(best, perSecond);
            sink += checksum;
            if (inBackground && round + 1 >= BACKGROUND_ROUNDS) break;
          }
          rates.set(candidate.name, best);
          details[candidate.name] = rate(best);
          rows.push(`${candidate.name.padEnd(20)} ${candidate.input.padEnd(12)} ${rate(best).padStart(10)}`);
        } catch (error) {
          details[candidate.name] = `failed: ${(error as Error).message}`;
          rows.push(
            `${candidate.name.padEnd(20)} ${candidate.input.padEnd(12)} failed: ${(error as Error).message}`,
          );
        }
      }
      if (background) details.autoencoderBackend = await tfBackend();
      process.stderr.write(`${'detector'.padEnd(20)} ${'input'.padEnd(12)} ${'records/s'.padStart(10)}\n`);
      process.stderr.write(
        `${rows.join('\n')}\n(checksum ${Number.isFinite(sink) ? 'finite' : 'not finite'})\n`,
      );
      return { eventsPerSec: rates.get('default'), details: { detectors: candidates.length, ...details } };
    },
  };
}

function isBackgroundTrained(detector: AnomalyDetector): detector is BackgroundTrained {
  const d = detector as Partial<BackgroundTrained>;
  return typeof d.whenIdle === 'function' && typeof d.dispose === 'function';
}

/** The record `i` of the looped stream, its timestamp moved on by whole replays so that time never goes back. */
function recordAt(stream: readonly Record_[], i: number): Record_ {
  const cycle = Math.floor(i / stream.length);
  const r = stream[i - cycle * stream.length]!;
  return cycle === 0 ? r : { x: r.x, ts: r.ts + cycle * stream.length * STEP_MS };
}

/** Warm-up, then scoreOne + learnOne per record until the budget is spent; the checksum keeps scores from being optimised away. */
function measure(
  detector: AnomalyDetector,
  stream: readonly Record_[],
): { perSecond: number; checksum: number } {
  let checksum = 0;
  for (let i = 0; i < WARM_UP; i++) {
    const { x, ts } = stream[i]!;
    checksum += detector.scoreOne(x, ts);
    detector.learnOne(x, ts);
  }
  const start = process.hrtime.bigint();
  let seconds = 0;
  let done = 0;
  for (let i = WARM_UP; ; i++) {
    const { x, ts } = recordAt(stream, i);
    checksum += detector.scoreOne(x, ts);
    detector.learnOne(x, ts);
    done++;
    if ((done & 1023) === 0) {
      seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (seconds > BUDGET_SECONDS) break;
    }
  }
  return { perSecond: done / seconds, checksum };
}

/** As {@link measure}, waiting for the training round every {@link BATCH} records (warm-up included), then disposing. */
async function measureInBackground(
  detector: BackgroundTrained,
  stream: readonly Record_[],
): Promise<{ perSecond: number; checksum: number }> {
  let checksum = 0;
  try {
    await detector.whenIdle(); // TensorFlow.js loaded
    for (let i = 0; i < BACKGROUND_WARM_UP; i++) {
      const { x, ts } = stream[i]!;
      checksum += detector.scoreOne(x, ts);
      detector.learnOne(x, ts);
      if ((i + 1) % BATCH === 0) await detector.whenIdle();
    }
    const start = process.hrtime.bigint();
    let seconds = 0;
    let done = 0;
    for (let i = BACKGROUND_WARM_UP; ; i++) {
      const { x, ts } = recordAt(stream, i);
      checksum += detector.scoreOne(x, ts);
      detector.learnOne(x, ts);
      done++;
      if (done % BATCH === 0) {
        await detector.whenIdle();
        seconds = Number(process.hrtime.bigint() - start) / 1e9;
        if (seconds > BUDGET_SECONDS) break;
      }
    }
    return { perSecond: done / seconds, checksum };
  } finally {
    await detector.dispose();
  }
}

/** The TensorFlow.js backend the autoencoder used (imported only when one was measured). */
async function tfBackend(): Promise<string> {
  const [{ initTensorFlow }, { silentLogger }] = await Promise.all([
    import('../../ml/tf/backend.ts'),
    import('../../services/common/logger.ts'),
  ]);
  return (await initTensorFlow({ logger: silentLogger })).backend;
}

const START = Date.UTC(2024, 0, 1);
const DAY_MS = 86_400_000;

/** `{ value }`: 20 + 5 sin(time of day) + N(0, 0.3), one a second, a spike of +8 about every 2,000 readings. */
function univariateStream(): Record_[] {
  const random = createRandom(1);
  const out: Record_[] = [];
  for (let i = 0; i < STREAM; i++) {
    const ts = START + i * STEP_MS;
    const spike = random.chance(0.0005) ? 8 : 0;
    const value = 20 + 5 * Math.sin((2 * Math.PI * (ts - START)) / DAY_MS) + random.normal(0, 0.3) + spike;
    out.push({ x: { value }, ts });
  }
  return out;
}

/** Rows of 4 metrics moving with one daily load, one a second; about every 2,000 rows one metric breaks away. */
function multivariateStream(): Record_[] {
  const random = createRandom(2);
  const out: Record_[] = [];
  for (let i = 0; i < STREAM; i++) {
    const ts = START + i * STEP_MS;
    const load = Math.sin((2 * Math.PI * (ts - START)) / DAY_MS) + random.normal(0, 0.1);
    const broken = random.chance(0.0005) ? 5 : 0;
    out.push({
      x: {
        temperature: 40 + 8 * load + random.normal(0, 0.3) + broken,
        power: 500 + 150 * load + random.normal(0, 5),
        current: 2.2 + 0.65 * load + random.normal(0, 0.03),
        fan: 1200 + 300 * load + random.normal(0, 20),
      },
      ts,
    });
  }
  return out;
}

/** `1.23M/s`, `456K/s`, or `4.56K/s` below 10,000 (the TensorFlow.js detectors). */
function rate(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M/s`;
  return `${(n / 1e3).toFixed(n >= 1e4 ? 0 : 2)}K/s`;
}
