import { describe, expect, it } from 'vitest';
import {
  MAX_FLOW_NESTING,
  MAX_INDENT_COLUMNS,
  MAX_INDICATORS_PER_LINE,
  MAX_VALUE_NESTING,
  valueNestingProblem,
  yamlNestingProblem,
} from '../../../services/config/yaml-nesting.ts';

describe('yamlNestingProblem', () => {
  it('passes job files as people write them', () => {
    const job = [
      'name: demo # a comment with [[[[ and {{{{',
      'source: { topics: ["sensors/{device}/telemetry"] }',
      'description: |',
      `  ${'[ '.repeat(200)}`,
      'windows:',
      '  - { type: tumbling, size: 10s, aggregates: [mean, p95] }',
      `  - "${'{'.repeat(100)}"`,
    ].join('\n');
    expect(yamlNestingProblem(job)).toBeUndefined();
    expect(yamlNestingProblem('['.repeat(MAX_FLOW_NESTING) + ']'.repeat(MAX_FLOW_NESTING))).toBeUndefined();
  });

  it('stops at the first [ or { past the limit, closed or not, without parsing', () => {
    const text = 'name: x\nwindows: ' + '['.repeat(1_000_000);
    const started = performance.now();
    expect(yamlNestingProblem(text)).toEqual({
      offset: 'name: x\nwindows: '.length + MAX_FLOW_NESTING,
      message: `nests [ ] or { } more than ${MAX_FLOW_NESTING} deep`,
    });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(yamlNestingProblem('{a: '.repeat(MAX_FLOW_NESTING + 1))?.message).toMatch(/more than 32 deep/);
  });

  it('bounds block nesting by indentation and by indicators on one line', () => {
    expect(yamlNestingProblem(`${' '.repeat(MAX_INDENT_COLUMNS + 1)}x: 1`)).toEqual({
      offset: 0,
      message: `is indented more than ${MAX_INDENT_COLUMNS} columns`,
    });
    expect(yamlNestingProblem(`${' '.repeat(MAX_INDENT_COLUMNS)}x: 1`)).toBeUndefined();
    expect(yamlNestingProblem('- '.repeat(MAX_INDICATORS_PER_LINE + 1) + 'x')?.message).toBe(
      `has more than ${MAX_INDICATORS_PER_LINE} nested '- ', '? ' or ': ' on one line`,
    );
    expect(yamlNestingProblem('- '.repeat(MAX_INDICATORS_PER_LINE) + 'x')).toBeUndefined();
  });
});

describe('valueNestingProblem', () => {
  it('finds a value that holds itself, and one nested past the limit', () => {
    const loop: unknown[] = [];
    loop.push({ again: loop });
    expect(valueNestingProblem({ windows: loop })).toMatch(/^holds itself/);
    let deep: unknown = 1;
    for (let i = 0; i < MAX_VALUE_NESTING; i++) deep = [deep];
    expect(valueNestingProblem(deep)).toBeUndefined();
    expect(valueNestingProblem([deep])).toMatch(/nests more than 64 levels deep/);
  });

  it('walks a value shared many times once (aliases of aliases)', () => {
    let shared: unknown = ['lol'];
    for (let i = 0; i < 40; i++) shared = [shared, shared];
    const started = performance.now();
    expect(valueNestingProblem({ a: shared })).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
