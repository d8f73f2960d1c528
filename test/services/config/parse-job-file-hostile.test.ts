import { describe, expect, it } from 'vitest';
import { jobFileProblems as problems } from './support/job-file-problems.ts';

const WINDOWS = 'windows: [{ type: tumbling, size: 10s }]';

describe('parseJobFile: hostile job files', () => {
  it('refuses deep nesting before parsing it (2,000 [ would abort the process in the yaml package)', () => {
    for (const depth of [33, 2_000, 500_000]) {
      expect(problems(`name: x\nwindows: ${'['.repeat(depth)}`)).toEqual([
        'job.yaml:2:42: nests [ ] or { } more than 32 deep: a job file is a few levels deep',
      ]);
    }
    expect(problems(`name: x\n${WINDOWS}\n${'- '.repeat(100_000)}x`)[0]).toMatch(
      /^job\.yaml:3:33: has more than 16 nested '- ', '\? ' or ': ' on one line/,
    );
  });

  it('refuses alias bombs (billion laughs) and an alias inside its own anchor', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const n of 'bcdefg')
      bomb.push(
        `${n}: &${n} [${Array(9)
          .fill(`*${String.fromCharCode(n.charCodeAt(0) - 1)}`)
          .join(', ')}]`,
      );
    expect(problems(`name: x\n${WINDOWS}\n${bomb.join('\n')}`)).toEqual([
      'job.yaml:1:1: Excessive alias count indicates a resource exhaustion attack',
    ]);
    expect(problems(`name: x\nwindows: &w [{ type: tumbling, size: 10s, x: *w }]`)).toEqual([
      'job.yaml:1:1: holds itself: an alias (*name) is inside the value its anchor (&name) marks',
    ]);
  });

  it('refuses tags such as !!js/function (never run: the yaml package has no such tag)', () => {
    expect(problems(`name: !!js/function "function () { process.exit(1) }"\n${WINDOWS}`)).toEqual([
      'job.yaml:1:7: Unresolved tag: tag:yaml.org,2002:js/function: a job file uses plain YAML, without tags',
    ]);
  });

  it('finds duplicate keys in linear time', () => {
    const text = `name: x\n${WINDOWS}\n${'a: 1\n'.repeat(50_000)}`;
    const started = performance.now();
    const found = problems(text);
    // The yaml package's own check compared each key with every earlier one: ~30 s here.
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(found[0]).toBe('job.yaml:4:1: Map keys must be unique');
    expect(found.at(-1)).toBe('job.yaml: and 49979 more problems');
  });

  it('never accepts a map with unknown keys, however many (TypeBox stops listing errors after 8)', () => {
    const keys = (n: number, indent: string) =>
      Array.from({ length: n }, (_, i) => `${indent}k${i}: 1`).join('\n');
    expect(problems(`name: x\nwindows:\n  - type: tumbling\n    size: 1s\n${keys(10, '    ')}`)).toEqual([
      'job.yaml:3:5: windows[0]: has keys or values a tumbling window cannot have (8 or more unknown keys?): compare it with README.md, "Job files"',
    ]);
    expect(problems(`name: x\n${WINDOWS}\n${keys(10, '')}`)).toEqual([
      'job.yaml:1:1: has keys or values a job file cannot have (8 or more unknown keys?): compare it with README.md, "Job files"',
    ]);
  });

  it('gives the {device} hint in linear time on a very long line', () => {
    const started = performance.now();
    const [first] = problems(`name: x\nsource: { topics: [${'a'.repeat(500_000)}{`);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(first).toMatch(/inside \[ \], a \{ starts a map/);
  });
});
