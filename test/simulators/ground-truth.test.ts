import { describe, expect, it } from 'vitest';
import { type AnomalyLabel, groundTruthLine, parseGroundTruth } from '../../simulators/ground-truth.ts';

const labels: AnomalyLabel[] = [
  { device: 'sim-0001', metric: 'temperature', kind: 'spike', start: 1_000, end: 1_001 },
  { device: 'sim-0002', metric: null, kind: 'dropout', start: 0, end: 5_000 },
];

describe('ground truth JSONL', () => {
  it('writes one line per label, keys in order, and reads it back', () => {
    const text = labels.map(groundTruthLine).join('');
    expect(text.split('\n')[1]).toBe(
      '{"device":"sim-0002","metric":null,"kind":"dropout","start":0,"end":5000}',
    );
    expect(parseGroundTruth(text + '\n\n')).toEqual(labels);
  });

  it('names the bad line', () => {
    expect(() => parseGroundTruth(`${groundTruthLine(labels[0]!)}{oops`)).toThrow(/line 2 is not JSON/);
    expect(() => parseGroundTruth('{"device":"a","metric":null,"kind":"meteor","start":0,"end":1}')).toThrow(
      /line 1 is not/,
    );
    expect(() => parseGroundTruth('{"device":"a","metric":null,"kind":"spike","start":5,"end":5}')).toThrow();
  });
});
