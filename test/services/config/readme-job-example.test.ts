import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseJobFile } from '../../../services/config/parse-job-file.ts';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('## Job files'));
const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? '';

/** The README's example with one line replaced, to check the errors the README shows. */
function withLine(pattern: RegExp, replacement: string): string {
  expect(example).toMatch(pattern);
  return example.replace(pattern, replacement);
}

describe('the job file example in README.md', () => {
  it('is a valid job file, as complete as it claims', () => {
    const spec = parseJobFile(example, 'plant.yaml');
    expect(spec.name).toBe('plant-stats');
    expect(spec.windows.map((w) => w.type)).toEqual(['tumbling', 'sliding', 'session']);
    expect(spec.time.idleTimeoutMs).toBe(300_000);
    expect(spec.source.exclude).toEqual(['status', 'rssi']);
  });

  it('takes the models example as it is, added to the complete example', () => {
    const models = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)]
      .map((m) => m[1] ?? '')
      .find((block) => block.startsWith('models:'));
    expect(models).toBeDefined();
    const spec = parseJobFile(`${example}\n${models}`, 'plant.yaml');
    expect(spec.models.map((m) => [m.name, m.estimator, m.per])).toEqual([
      ['forecast', 'holt-winters', 'series'],
      ['power-fit', 'linear-regression', 'device'],
      ['fleet-modes', 'online-kmeans', 'global'],
    ]);
    expect(spec.models[1]).toMatchObject({ target: 'power', timeFeatures: true, scale: true });
  });

  it('takes the detectors example as it is, added to the complete example', () => {
    const detectors = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)]
      .map((m) => m[1] ?? '')
      .find((block) => block.startsWith('detectors:'));
    expect(detectors).toBeDefined();
    const spec = parseJobFile(`${example}\n${detectors}`, 'plant.yaml');
    expect(spec.detectors.map((d) => [d.name, d.per, d.combine, d.members.length])).toEqual([
      ['anomalies', 'series', 'max', 3],
      ['correlations', 'device', 'vote', 2],
    ]);
    expect(spec.detectors[0]).toMatchObject({
      decision: { threshold: 0.5, clearThreshold: 0.4, cooldownMs: 300_000 },
    });
    expect(spec.detectors[0]?.overrides).toHaveLength(2);
  });

  it('fails with the messages the README shows', () => {
    const shapes = withLine(/ {2}timeField: time/, '  timefield: time').replace(
      / {4}size: 1m\n/,
      '    size: ten\n',
    );
    const shown = /```\n(plant\.yaml:[\s\S]*?)\n```/.exec(section)?.[1];
    expect(() => parseJobFile(shapes, 'plant.yaml')).toThrow(shown);
    const median = withLine(/\[count, mean, min, max, p95\]/, '[count, mean, median]');
    const meaning = /`(plant\.yaml:\d+:\d+: windows\[0\]\.aggregates[^`]*)`/
      .exec(section)?.[1]
      ?.replace(/\n/g, ' ');
    expect(meaning).toBeDefined();
    expect(() => parseJobFile(median, 'plant.yaml')).toThrow(meaning);
  });
});
