import { describe, expect, it } from 'vitest';
import type { Features } from '../../../../ml/core/features.ts';
import { type AnomalyDetector, type DetectorSpec, isTimerDriven } from '../../../../ml/detectors/detector.ts';
import { parseDetectorParams } from '../../../../ml/detectors/registry.ts';
import { createRandom } from '../../../../services/common/random.ts';
import { type LabelledRecord, levelShiftStream } from './planted-streams.ts';
import {
  plantedStreamFor,
  rocAucOf,
  scoreStream,
  scoreStreamSettled,
  scoreStreamWithTimers,
  whenIdle,
} from './score-stream.ts';

/** Options of {@link detectorContract}. */
export interface DetectorContractOptions {
  /** Hyperparameters over the spec's defaults, as `key=value` strings. */
  readonly params?: Readonly<Record<string, string>>;
  /** The planted-anomaly stream (default: {@link plantedStreamFor} the spec). */
  readonly stream?: () => LabelledRecord[];
  /** Records after a level shift within which the scores are back to normal (default 500). */
  readonly recoveryRecords?: number;
  /**
   * For detectors that train in the background (a `whenIdle()` method, e.g. the autoencoder):
   * await it every this many records, so that training rounds fall at the same records in every
   * run. Unset: the stream is scored synchronously.
   */
  readonly settleEvery?: number;
}

/**
 * The contract every anomaly detector keeps, as one vitest `describe` block: clone and seeding,
 * snapshot -> JSON -> restore, scores in [0, 1] with matching explanations, warm-up, feature order,
 * ROC AUC > 0.5 on a planted-anomaly stream, and recovery after a level shift.
 *
 * @example
 * detectorContract(rollingZScoreSpec, { params: { window: '50' } });
 */
export function detectorContract(spec: DetectorSpec, options: DetectorContractOptions = {}): void {
  const params = parseDetectorParams(spec, options.params ?? {});
  const fresh = (): AnomalyDetector => spec.create(params);
  const stream = options.stream ?? (() => plantedStreamFor(spec));
  const recovery = options.recoveryRecords ?? 500;
  const { settleEvery } = options;
  const run = async (d: AnomalyDetector, records: readonly LabelledRecord[]): Promise<number[]> =>
    settleEvery === undefined ? scoreStream(d, records) : scoreStreamSettled(d, records, settleEvery);

  describe(`detector ${spec.name} keeps the detector contract`, () => {
    it('has a kind and JSON-safe params, from the params it was built with', async () => {
      const d = fresh();
      expect(d.kind).toBe(spec.name);
      expect(JSON.parse(JSON.stringify(d.params))).toEqual(d.params);
      expect(d.params).toEqual(params);
    });

    it('clone() is an unfitted twin: it scores a stream exactly as a fresh detector', async () => {
      const records = stream();
      const fitted = fresh();
      await run(fitted, records.slice(0, 700));
      const twin = fitted.clone();
      expect(twin).not.toBe(fitted);
      expect(twin.params).toEqual(fitted.params);
      expect(await run(twin, records)).toEqual(await run(fresh(), records));
    });

    it('is seeded: two detectors with the same params agree on every score', async () => {
      const records = stream();
      expect(await run(fresh(), records)).toEqual(await run(fresh(), records));
      if ('seed' in spec.params) {
        const other = spec.create({ ...params, seed: (params.seed as number) + 1 });
        expect(await run(other, records), 'another seed, other scores').not.toEqual(
          await run(fresh(), records),
        );
      }
    });

    it('scores the first records 0 (warm-up)', async () => {
      const [first] = stream();
      const d = fresh();
      expect(d.scoreOne(first!.x, first!.ts)).toBe(0);
      expect(d.explainOne(first!.x, first!.ts).score).toBe(0);
    });

    it('gives finite scores in [0, 1], explained with the same score, and scoring changes nothing', async () => {
      const records = stream();
      const d = fresh();
      for (const [i, { x, ts }] of records.entries()) {
        const score = d.scoreOne(x, ts);
        expect(Number.isFinite(score) && score >= 0 && score <= 1, `score ${score} at ${i}`).toBe(true);
        const e = d.explainOne(x, ts);
        expect(e.score, `explained score at ${i}`).toBe(score);
        expect(e.reason.length).toBeGreaterThan(0);
        for (const v of [e.expected, e.lower, e.upper])
          if (v !== undefined) expect(Number.isFinite(v)).toBe(true);
        if (e.lower !== undefined && e.upper !== undefined) expect(e.lower).toBeLessThanOrEqual(e.upper);
        if (i % 97 === 0) {
          const before = JSON.stringify(d.snapshot());
          d.scoreOne(x, ts);
          d.explainOne(x, ts);
          if (isTimerDriven(d)) d.explainSilence(ts);
          expect(JSON.stringify(d.snapshot()), `state changed by scoring at ${i}`).toBe(before);
        }
        if (isTimerDriven(d)) {
          const silence = d.explainSilence(ts).score;
          expect(silence >= 0 && silence <= 1, `silence score ${silence} at ${i}`).toBe(true);
        }
        d.learnOne(x, ts);
        if (settleEvery !== undefined && i % settleEvery === settleEvery - 1) await whenIdle(d);
      }
    });

    it('does not depend on the order of the features', async () => {
      const records = stream();
      const random = createRandom(99);
      const shuffled = records.map((r) => ({ ...r, x: shuffleKeys({ ...r.x, extra: r.ts % 7 }, random) }));
      const withExtra = records.map((r) => ({ ...r, x: { ...r.x, extra: r.ts % 7 } }));
      expect(await run(fresh(), shuffled)).toEqual(await run(fresh(), withExtra));
    });

    it('takes records with missing features: finite scores, 0 for an empty record', async () => {
      const records = stream().map((r, i) => (i % 5 === 3 ? { ...r, x: dropFirst(r.x) } : r));
      const d = fresh();
      const scores = await run(d, records);
      expect(scores.every((s) => Number.isFinite(s) && s >= 0 && s <= 1)).toBe(true);
      const last = records[records.length - 1]!;
      expect(d.scoreOne({}, last.ts + 1)).toBe(0);
    });

    it('snapshot -> JSON -> restore into a clone scores the rest of the stream identically', async () => {
      const records = stream();
      const half = Math.floor(records.length / 2);
      const original = fresh();
      await run(original, records.slice(0, half));
      const snapshot = original.snapshot();
      const text = JSON.stringify(snapshot);
      expect(snapshot.kind).toBe(spec.name);
      expect(Number.isInteger(snapshot.version)).toBe(true);
      expect(JSON.parse(text), 'JSON-safe: no NaN, Infinity, Maps or typed arrays').toEqual(snapshot);
      const restored = original.clone();
      restored.restore(JSON.parse(text));
      const rest = records.slice(half);
      expect(await run(restored, rest)).toEqual(await run(original, rest));
      expect(JSON.stringify(snapshot), 'the snapshot is a copy').toBe(text);
      expect(restored.snapshot()).toEqual(original.snapshot());
      if (isTimerDriven(original) && isTimerDriven(restored)) {
        const at = original.nextCheck();
        expect(restored.nextCheck()).toBe(at);
        if (at !== undefined)
          expect(restored.explainSilence(at + 1)).toEqual(original.explainSilence(at + 1));
      }
    });

    it('refuses a snapshot of another kind, version or params', async () => {
      const original = fresh();
      await run(original, stream().slice(0, 50));
      const snapshot = JSON.parse(JSON.stringify(original.snapshot()));
      const target = original.clone();
      expect(() => target.restore({ ...snapshot, kind: 'other' })).toThrow(/other/);
      expect(() => target.restore({ ...snapshot, version: snapshot.version + 1 })).toThrow(/version/);
      expect(() => target.restore({ ...snapshot, params: { ...snapshot.params, x: 1 } })).toThrow(
        /hyperparameters/,
      );
    });

    it('ranks the planted anomalies above normal records (ROC AUC > 0.5)', async () => {
      const records = stream();
      expect(records.some((r) => r.label === 1)).toBe(true);
      const d = fresh();
      // Timer-driven detectors (dropout) score silences at their timers, as the operator does.
      const scores = isTimerDriven(d) ? scoreStreamWithTimers(d, records) : await run(d, records);
      const auc = rocAucOf(scores, records);
      expect(auc).toBeGreaterThan(0.5);
    });

    it(`adapts to a level shift: scores are back to normal within ${recovery} records`, async () => {
      const at = 2000;
      const scores = await run(fresh(), levelShiftStream({ n: at + recovery + 1000, at }));
      const normal = quantile(scores.slice(at - 500, at), 0.9);
      for (let from = at + recovery; from + 100 <= scores.length; from += 100) {
        const median = quantile(scores.slice(from, from + 100), 0.5);
        expect(median, `median score of records ${from}..${from + 99}`).toBeLessThanOrEqual(normal);
      }
      if (spec.detects.includes('spike')) {
        const peak = Math.max(...scores.slice(at, at + 20));
        expect(peak, 'the shift itself stands out').toBeGreaterThan(
          quantile(scores.slice(at - 500, at), 0.99),
        );
      }
    });
  });
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function dropFirst(x: Features): Features {
  const [, ...rest] = Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1));
  return Object.fromEntries(rest);
}

function shuffleKeys(x: Features, random: ReturnType<typeof createRandom>): Features {
  const keys = Object.keys(x);
  for (let i = keys.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [keys[i], keys[j]] = [keys[j]!, keys[i]!];
  }
  return Object.fromEntries(keys.map((k) => [k, x[k]!]));
}
