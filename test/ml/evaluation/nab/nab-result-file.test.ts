import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNabDataSet, type NabDataSet } from '../../../../ml/evaluation/nab/nab-data-set.ts';
import {
  formatNabResultCsv,
  nabResultPath,
  parseNabResultCsv,
} from '../../../../ml/evaluation/nab/nab-result-file.ts';
import { writeNabResults } from '../../../../ml/evaluation/nab/nab-results-writer.ts';
import { createRandom } from '../../../../services/common/random.ts';
import { MINUTE, syntheticSeries, T0 } from './synthetic-series.ts';

describe('NAB result files', () => {
  it('are named <detector>/<category>/<detector>_<file>.csv', () => {
    expect(nabResultPath('holt-winters', 'realKnownCause/nyc_taxi.csv')).toBe(
      'holt-winters/realKnownCause/holt-winters_nyc_taxi.csv',
    );
    expect(() => nabResultPath('my_detector', 'a/b.csv')).toThrow('detector name "my_detector"');
    expect(() => nabResultPath('x', 'b.csv')).toThrow(
      'series name "b.csv": a NAB result file needs a name of the form <category>/<file>.csv',
    );
    expect(() => nabResultPath('x', 'a/b/c.csv')).toThrow('series name');
    expect(() => nabResultPath('x', '../b.csv')).toThrow('series name');
  });

  it('hold timestamp,value,anomaly_score,label with label 1 inside windows', () => {
    const series = syntheticSeries(5, [[1, 2]]);
    expect(formatNabResultCsv({ series, scores: [0, 0.5, 1, 1e-7, 0.25] })).toBe(
      [
        'timestamp,value,anomaly_score,label',
        '2014-01-01 00:00:00,0,0,0',
        '2014-01-01 00:01:00,1,0.5,1',
        '2014-01-01 00:02:00,2,1,1',
        '2014-01-01 00:03:00,3,1e-7,0',
        '2014-01-01 00:04:00,4,0.25,0',
        '',
      ].join('\n'),
    );
    expect(() => formatNabResultCsv({ series, scores: [1] })).toThrow(
      'synthetic/file.csv: 5 records, 5 values, 1 scores',
    );
  });

  it('are read back strictly, with line-numbered errors', () => {
    const text = 'timestamp,value,anomaly_score,label\n2014-04-01 00:00:00,3.5,0.25,0\n';
    expect(parseNabResultCsv(text)).toEqual({
      timestamps: [Date.UTC(2014, 3, 1)],
      values: [3.5],
      anomalyScores: [0.25],
      labels: [0],
    });
    expect(() => parseNabResultCsv('timestamp,value\n', 'r.csv')).toThrow('r.csv:1: expected the header');
    expect(() => parseNabResultCsv(`${text}2014-04-01 00:05:00,1,x,0\n`, 'r.csv')).toThrow(
      'r.csv:3: anomaly_score: expected a finite number, got "x"',
    );
    expect(() => parseNabResultCsv(`${text}2014-04-01 00:05:00,1,0.5,2\n`, 'r.csv')).toThrow(
      'r.csv:3: label: expected 0 or 1, got "2"',
    );
    expect(() => parseNabResultCsv(`${text}2014-04-01 00:05:00,1,0.5\n`, 'r.csv')).toThrow(
      'r.csv:3: 3 cells, expected 4',
    );
  });

  describe('written for the vendored subset', () => {
    let nab: NabDataSet;
    let dir: string;
    beforeAll(async () => {
      nab = await loadNabDataSet('test/data/nab');
      dir = await mkdtemp(join(tmpdir(), 'eddy-nab-results-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('round-trip: every record, value, score and window label reads back exactly', async () => {
      const random = createRandom(7);
      const scored = nab.files.map((series) => ({
        series,
        scores: series.timestamps.map(() => random.next()),
      }));
      const paths = await writeNabResults(dir, 'random', scored);
      expect(paths[10]).toBe(join(dir, 'random/realKnownCause/random_nyc_taxi.csv'));
      for (const [k, { series, scores }] of scored.entries()) {
        const back = parseNabResultCsv(await readFile(paths[k]!, 'utf8'), paths[k]);
        expect(back.timestamps).toEqual(series.timestamps);
        expect(back.values).toEqual(series.values);
        expect(back.anomalyScores).toEqual(scores);
        const inWindow = series.timestamps.map((t) =>
          series.windows.some((w) => w.startMs <= t && t <= w.endMs) ? 1 : 0,
        );
        expect(back.labels).toEqual(inWindow);
      }
      const taxi = await readFile(paths[10]!, 'utf8');
      expect(taxi.split('\n')[1]).toMatch(/^2014-07-01 00:00:00,10844,[0-9.e-]+,0$/);
    });
  });

  it('keep sub-second timestamps', () => {
    const series = {
      name: 'a/b.csv',
      timestamps: [T0, T0 + 500, T0 + MINUTE],
      values: [1, 2, 3],
      windows: [],
    };
    const back = parseNabResultCsv(formatNabResultCsv({ series, scores: [0, 0, 0] }));
    expect(back.timestamps).toEqual(series.timestamps);
  });
});
