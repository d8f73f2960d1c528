import type { EstimatorSnapshot } from '../../../ml/core/estimator.ts';
import type { Features } from '../../../ml/core/features.ts';
import type {
  AnomalyExplanation,
  DetectorSpec,
  TimerDrivenDetector,
} from '../../../ml/detectors/detector.ts';
import { DETECTOR_SPECS } from '../../../ml/detectors/registry.ts';
import { createRandom } from '../../../services/common/random.ts';
import type { Reading } from '../../../services/domain/reading.ts';

/**
 * A stand-in for the dropout detector: silence of `gapMs` or more after the last record learned
 * scores 1 (0 before); records score 0. Timer-driven: the next check is `gapMs` after the last record.
 */
export class SilenceDetector implements TimerDrivenDetector {
  readonly kind = 'silence';
  private lastTs: number | null = null;

  constructor(readonly params: { readonly gapMs: number }) {}

  scoreOne(_x: Features, _ts: number): number {
    return 0;
  }

  explainOne(_x: Features, _ts: number): AnomalyExplanation {
    return { score: 0, reason: 'a record arrived' };
  }

  learnOne(_x: Features, ts: number): void {
    this.lastTs = Math.max(ts, this.lastTs ?? ts);
  }

  nextCheck(): number | undefined {
    return this.lastTs === null ? undefined : this.lastTs + this.params.gapMs;
  }

  explainSilence(now: number): AnomalyExplanation {
    const silent = this.lastTs === null ? 0 : now - this.lastTs;
    const score = silent >= this.params.gapMs ? 1 : 0;
    return { score, expected: this.params.gapMs, reason: `no record for ${silent} ms` };
  }

  snapshot(): EstimatorSnapshot {
    return { kind: this.kind, version: 1, params: { ...this.params }, state: { lastTs: this.lastTs } };
  }

  restore(snapshot: EstimatorSnapshot): void {
    if (snapshot.kind !== this.kind || snapshot.params.gapMs !== this.params.gapMs)
      throw new Error(`silence: cannot restore a ${snapshot.kind} snapshot`);
    this.lastTs = (snapshot.state as { lastTs: number | null }).lastTs;
  }

  clone(): this {
    return new SilenceDetector(this.params) as this;
  }
}

export const silenceSpec: DetectorSpec = {
  name: 'silence',
  description: 'Silence for gapMs or more (a test stand-in for the dropout detector).',
  input: 'univariate',
  detects: ['dropout'],
  params: { gapMs: { type: 'integer', default: 10_000, min: 1, description: 'Silence that is an anomaly.' } },
  create: (p) => new SilenceDetector({ gapMs: p.gapMs as number }),
};

/** The registry plus the silence detector. */
export const SPECS_WITH_SILENCE: readonly DetectorSpec[] = [...DETECTOR_SPECS, silenceSpec];

/**
 * One reading a second of `metric` per device from `start`: 20 ± noise (seeded), with `spikes`
 * (second → value) replacing the value at those seconds.
 */
export function series(
  devices: readonly string[],
  seconds: number,
  options: { start?: number; metric?: string; seed?: number; spikes?: ReadonlyMap<number, number> } = {},
): Reading[] {
  const { start = 0, metric = 'temperature', seed = 1, spikes = new Map() } = options;
  const random = createRandom(seed);
  const readings: Reading[] = [];
  for (let s = 0; s < seconds; s++) {
    for (const device of devices) {
      const noise = random.next() - 0.5;
      readings.push({ device, metric, ts: start + s * 1_000, value: spikes.get(s) ?? 20 + noise });
    }
  }
  return readings;
}
