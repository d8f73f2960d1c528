import type { AnomalyDetector, DetectorSpec } from '../../../../ml/detectors/detector.ts';
import { RocAuc } from '../../../../ml/evaluation/roc-auc.ts';
import { flatlineStream, type LabelledRecord, spikesStream } from './planted-streams.ts';

/**
 * Test-then-train over `records`: each record's score before it is learned.
 *
 * @example
 * scoreStream(new RollingZScore(), spikesStream()); // one score per record
 */
export function scoreStream(detector: AnomalyDetector, records: readonly LabelledRecord[]): number[] {
  return records.map(({ x, ts }) => {
    const score = detector.scoreOne(x, ts);
    detector.learnOne(x, ts);
    return score;
  });
}

/**
 * ROC AUC of `scores` against the records' planted labels (ml/evaluation/roc-auc.ts).
 *
 * @example
 * rocAucOf([0.1, 0.9], [{ label: 0 }, { label: 1 }]); // 1
 */
export function rocAucOf(
  scores: readonly number[],
  records: readonly Pick<LabelledRecord, 'label'>[],
): number {
  const auc = new RocAuc(1);
  scores.forEach((s, i) => {
    auc.update(records[i]!.label, new Map([[1, s]]));
  });
  return auc.get();
}

/**
 * The planted-anomaly stream a detector is built for: flatlines for flatline detectors, spikes on
 * `value` (with a correlated `aux`) for the others.
 */
export function plantedStreamFor(spec: DetectorSpec): LabelledRecord[] {
  return spec.detects.includes('flatline') ? flatlineStream() : spikesStream();
}
