import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { checkEstimatorFormat, SnapshotTemplate } from '../../../ml/core/snapshot-template.ts';
import { createDefaultDetector } from '../../../ml/detectors/default-set.ts';
import { createDetector } from '../../../ml/detectors/registry.ts';
import { HoltWinters } from '../../../ml/models/holt-winters.ts';

/** A default detector that learned a day of a noisy daily cycle, a reading every 10 minutes. */
function trained() {
  const d = createDefaultDetector();
  for (let i = 0; i < 144; i++) {
    const ts = 1_700_000_000_000 + i * 600_000;
    d.learnOne({ value: Math.sin(i / 23) + (i % 7) / 10 }, ts);
  }
  return d;
}

describe('SnapshotTemplate', () => {
  const template = new SnapshotTemplate(createDefaultDetector().snapshot());

  it('leaves out the headers every key shares, and puts them back: the snapshot restores identically', () => {
    const detector = trained();
    const snapshot = detector.snapshot();
    const compact = template.compact(snapshot);
    expect(compact).toHaveProperty(['~learned', 'members', 0, '~learned']);
    expect(template.expand(compact)).toEqual(snapshot);
    const restored = createDefaultDetector();
    restored.restore(
      template.expand(new Packr({ moreTypes: true }).unpack(new Packr({ moreTypes: true }).pack(compact))),
    );
    const ts = 1_700_000_000_000 + 145 * 600_000;
    expect(restored.scoreOne({ value: 9 }, ts)).toBe(detector.scoreOne({ value: 9 }, ts));
  });

  it('packs the default detector in about 60% of the bytes', () => {
    const packr = new Packr({ moreTypes: true });
    const snapshot = trained().snapshot();
    expect(packr.pack(template.compact(snapshot)).length).toBeLessThan(packr.pack(snapshot).length * 0.65);
  });

  it('shares nothing with the live state', () => {
    const detector = trained();
    const compact = JSON.stringify(template.compact(detector.snapshot()));
    const copy = template.compact(detector.snapshot());
    detector.learnOne({ value: 5 }, 1_700_000_000_000 + 200 * 600_000);
    expect(JSON.stringify(copy)).toBe(compact);
  });

  it('keeps a snapshot with other parameters whole, and expands a whole snapshot to itself', () => {
    const other = createDetector('rolling-z-score', { window: '20' }).snapshot();
    const wholeTemplate = new SnapshotTemplate(
      createDetector('rolling-z-score', { window: '50' }).snapshot(),
    );
    expect(wholeTemplate.compact(other)).toEqual(other);
    expect(wholeTemplate.expand(other)).toEqual(other);
  });

  it('names the kinds and state versions, nested ones too', () => {
    expect(template.format).toBe('ensemble@1(seasonal-residual@1,stuck-sensor@1,dropout@1)');
    expect(new SnapshotTemplate(new HoltWinters({}).snapshot()).format).toBe('holt-winters@1');
  });

  it('refuses operator states saved in another format, accepts its own and older ones without', () => {
    const states = (format?: string) => [{ state: format === undefined ? {} : { estimatorFormat: format } }];
    expect(() => checkEstimatorFormat('detect', states(template.format), template)).not.toThrow();
    expect(() => checkEstimatorFormat('detect', states(), template)).not.toThrow();
    expect(() => checkEstimatorFormat('detect', states('ensemble@2(seasonal-residual@1)'), template)).toThrow(
      /cannot restore operator "detect": its state was saved by ensemble@2\(seasonal-residual@1\), and this Eddy runs ensemble@1/,
    );
  });
});
