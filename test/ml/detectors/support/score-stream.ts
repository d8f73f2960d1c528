import { type AnomalyDetector, type DetectorSpec, isTimerDriven } from '../../../../ml/detectors/detector.ts';
import { RocAuc } from '../../../../ml/evaluation/roc-auc.ts';
import { flatlineStream, gapStream, type LabelledRecord, spikesStream } from './planted-streams.ts';

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
 * {@link scoreStream} for a detector that trains in the background (a `whenIdle()` method):
 * awaits its training every `every` records and at the end, so that training rounds fall at the
 * same records in every run (the scores are then reproducible).
 *
 * @example
 * await scoreStreamSettled(autoencoder, correlationStream({ n: 300 }), 16);
 */
export async function scoreStreamSettled(
  detector: AnomalyDetector,
  records: readonly LabelledRecord[],
  every: number,
): Promise<number[]> {
  const scores: number[] = [];
  for (const [i, { x, ts }] of records.entries()) {
    scores.push(detector.scoreOne(x, ts));
    detector.learnOne(x, ts);
    if (i % every === every - 1) await whenIdle(detector);
  }
  await whenIdle(detector);
  return scores;
}

/**
 * Awaits a detector's background training if it has any (a `whenIdle()` method), else nothing.
 *
 * @example
 * await whenIdle(detector);
 */
export function whenIdle(detector: AnomalyDetector): Promise<void> {
  const idle = (detector as Partial<{ whenIdle(): Promise<void> }>).whenIdle;
  return idle ? idle.call(detector) : Promise.resolve();
}

/**
 * Test-then-train over `records`, with timers as an operator would fire them for a timer-driven
 * detector: before each record, if the detector's `nextCheck()` falls before it, the silence is
 * scored at that time; a record's score is the larger of that and its own `scoreOne`.
 *
 * @example
 * scoreStreamWithTimers(new DropoutDetector(), gapStream()); // 0.5 for the records that end a gap
 */
export function scoreStreamWithTimers(
  detector: AnomalyDetector,
  records: readonly LabelledRecord[],
): number[] {
  return records.map(({ x, ts }) => {
    const at = isTimerDriven(detector) ? detector.nextCheck() : undefined;
    const silence =
      at !== undefined && at < ts && isTimerDriven(detector) ? detector.explainSilence(at).score : 0;
    const score = Math.max(silence, detector.scoreOne(x, ts));
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
 * The planted-anomaly stream a detector is built for: flatlines for flatline detectors, gaps for
 * dropout detectors, spikes on `value` (with a correlated `aux`) for the others.
 */
export function plantedStreamFor(spec: DetectorSpec): LabelledRecord[] {
  if (spec.detects.includes('flatline')) return flatlineStream();
  if (spec.detects.includes('dropout')) return gapStream();
  return spikesStream();
}
