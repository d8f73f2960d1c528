import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseNumericCsv } from '../../../ml/evaluation/csv-rows.ts';
import type { Example } from './streams.ts';

/** The breast-cancer data (a copy of ../shared/data/breast-cancer.csv, see test/data/README.md). */
export const breastCancerPath = fileURLToPath(new URL('../../data/breast-cancer.csv', import.meta.url));

/** The breast-cancer rows in file order: features `f1..f30`, `y` the label (0 or 1). */
export function breastCancer(): (Example & { y: 0 | 1 })[] {
  const { rows } = parseNumericCsv(readFileSync(breastCancerPath, 'utf8'), breastCancerPath);
  return rows.map(({ label, ...x }) => {
    if (label !== 0 && label !== 1) throw new Error(`breast-cancer: label must be 0 or 1, got ${label}`);
    return { x, y: label };
  });
}
