import { describe, expect, it } from 'vitest';
import {
  createDetector,
  DETECTOR_SPECS,
  DetectorRegistryError,
  describeDetectorParams,
  findDetectorSpec,
  parseDetectorParams,
} from '../../../ml/detectors/registry.ts';
import { rollingZScoreSpec } from '../../../ml/detectors/rolling-z-score.ts';

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof DetectorRegistryError ? e.code : 'not a DetectorRegistryError';
  }
  return undefined;
}

describe('the detector registry', () => {
  it('finds specs by name and lists the known ones for an unknown name', () => {
    expect(findDetectorSpec('stuck-sensor').detects).toEqual(['flatline']);
    expect(() => findDetectorSpec('zscore')).toThrow(
      `unknown detector "zscore"; the detectors are: ${DETECTOR_SPECS.map((s) => s.name).join(', ')}`,
    );
    expect(codeOf(() => findDetectorSpec('zscore'))).toBe('EDDY_UNKNOWN_DETECTOR');
  });

  it('parses parameters by their specs, filling defaults', () => {
    expect(parseDetectorParams(rollingZScoreSpec, { window: '50', feature: 'temperature' })).toEqual({
      feature: 'temperature',
      window: 50,
      threshold: 3,
      warmup: 30,
    });
  });

  it('names the parameter and what it accepts when a value does not fit', () => {
    expect(codeOf(() => parseDetectorParams(rollingZScoreSpec, { size: '5' }))).toBe(
      'EDDY_UNKNOWN_DETECTOR_PARAM',
    );
    expect(() => parseDetectorParams(rollingZScoreSpec, { window: '1.5' })).toThrow(
      'rolling-z-score: parameter window: expected an integer >= 2, got "1.5" (Values the statistics cover)',
    );
    expect(() => parseDetectorParams(rollingZScoreSpec, { threshold: '0' })).toThrow(
      'expected a finite number > 0, got "0"',
    );
    expect(codeOf(() => createDetector('ewma', { alpha: '2' }))).toBe('EDDY_INVALID_DETECTOR_PARAM');
    expect(() => createDetector('ewma', { alpha: '2' })).toThrow('expected a finite number > 0 and <= 1');
  });

  it('builds detectors from strings and describes their parameters', () => {
    const d = createDetector('median-mad', { window: '60', feature: 'temperature' });
    expect(d.kind).toBe('median-mad');
    expect(d.params).toEqual({ feature: 'temperature', window: 60, threshold: 3.5, warmup: 30 });
    expect(describeDetectorParams(rollingZScoreSpec)).toContain(
      '  window (integer >= 2, default 100): Values the statistics cover.',
    );
  });

  it('builds every registered detector from its defaults', () => {
    for (const spec of DETECTOR_SPECS) expect(createDetector(spec.name).kind).toBe(spec.name);
  });
});
