import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ScoredSeries } from './labelled-series.ts';
import { formatNabResultCsv, nabResultPath } from './nab-result-file.ts';

/**
 * Writes a detector's NAB result files under `resultsDir`, one per series, at
 * `<detector>/<category>/<detector>_<file>.csv` (`timestamp,value,anomaly_score,label`), the layout
 * NAB's own scorer reads (`python run.py -d <detector> --optimize --score --normalize` with
 * `--resultsDir`), so its scores can be checked against Eddy's. Returns the paths written.
 *
 * @example
 * await writeNabResults('/tmp/results', 'holt-winters', [{ series, scores }]);
 * // ['/tmp/results/holt-winters/realKnownCause/holt-winters_nyc_taxi.csv']
 */
export async function writeNabResults(
  resultsDir: string,
  detector: string,
  scored: readonly ScoredSeries[],
): Promise<string[]> {
  const written: string[] = [];
  for (const s of scored) {
    const path = join(resultsDir, nabResultPath(detector, s.series.name));
    const text = formatNabResultCsv(s);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
    written.push(path);
  }
  return written;
}
