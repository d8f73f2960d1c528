import { describe, expect, it } from 'vitest';
import { LineCounter, parseDocument } from 'yaml';
import { positionOf } from '../../../services/config/yaml-positions.ts';

function at(text: string, path: (string | number)[]) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  return positionOf(doc, lineCounter, path);
}

const job = 'name: demo\nwindows:\n  - type: tumbling\n    size: ten\n  - { type: session, gap: 1m }\n';

describe('positionOf', () => {
  it('points at the key of a value in a map (the doc example)', () => {
    expect(at('windows:\n  - size: ten\n', ['windows', 0, 'size'])).toEqual({ line: 2, column: 5 });
    expect(at(job, ['windows', 0, 'size'])).toEqual({ line: 4, column: 5 });
    expect(at(job, ['windows', 1, 'gap'])).toEqual({ line: 5, column: 22 });
  });

  it('points at an item of a list, flow or block', () => {
    expect(at(job, ['windows', 1])).toEqual({ line: 5, column: 5 });
    expect(at('key: [device, device]\n', ['key', 1])).toEqual({ line: 1, column: 15 });
  });

  it('falls back to the nearest thing that exists for a missing key', () => {
    expect(at(job, ['windows', 1, 'aggregates'])).toEqual({ line: 5, column: 5 });
    expect(at(job, ['sinks', 'live'])).toEqual({ line: 1, column: 1 });
  });
});
