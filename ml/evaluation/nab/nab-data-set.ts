import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LabelledSeries } from './labelled-series.ts';
import { parseNabCsv } from './nab-csv.ts';
import { parseNabLabels } from './nab-labels-file.ts';
import { NAB_PROFILES, type NabProfiles, parseNabProfiles } from './nab-profiles.ts';
import { parseNabWindows } from './nab-windows-file.ts';

/** One data file of a NAB data set: its records and labelled windows. */
export interface NabDataFile extends LabelledSeries {
  /** `<category>/<file>.csv`, the key of `windows.json`. */
  readonly name: string;
  readonly category: string;
  /** `<file>.csv`. */
  readonly file: string;
}

/** A NAB-format labelled data set as read by {@link loadNabDataSet}. */
export interface NabDataSet {
  readonly dir: string;
  /** Sorted by name. */
  readonly files: readonly NabDataFile[];
  /** Raw anomaly timestamps by file name, when the set has a `labels.json`. */
  readonly labels: ReadonlyMap<string, readonly number[]> | undefined;
  /** From `profiles.json`, else NAB's three profiles. */
  readonly profiles: NabProfiles;
}

/**
 * Loads a NAB-format data set from `dir`: every `<category>/<file>.csv` (`timestamp,value`, read by
 * `parseNabCsv`), `windows.json` (required: an entry for every data file, `[]` for a file without
 * anomalies, and no entry without a file), and optionally `labels.json` and `profiles.json` (NAB's
 * three profiles when absent). As NAB's labeller requires, each window's start and end must be
 * timestamps of records in its file. Any other file at the top level (a README) is ignored, as are
 * non-CSV files and hidden entries. Every problem throws an error naming the file (and line or
 * window) at fault.
 *
 * @example
 * const nab = await loadNabDataSet('test/data/nab');
 * nab.files.length; // 13
 * nab.files[0]?.name; // 'artificialWithAnomaly/art_daily_flatmiddle.csv'
 */
export async function loadNabDataSet(dir: string): Promise<NabDataSet> {
  const windowsByFile = parseNabWindows(await readJson(dir, 'windows.json', true), join(dir, 'windows.json'));
  const labelsJson = await readJson(dir, 'labels.json', false);
  const profilesJson = await readJson(dir, 'profiles.json', false);
  const files: NabDataFile[] = [];
  for (const category of await subdirectories(dir)) {
    const names = (await readdir(join(dir, category), { withFileTypes: true }))
      .filter((e) => e.isFile() && e.name.endsWith('.csv') && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
    for (const file of names) {
      const name = `${category}/${file}`;
      const path = join(dir, category, file);
      const data = parseNabCsv(await readFile(path, 'utf8'), path);
      const entries = windowsByFile.get(name);
      if (entries === undefined) {
        throw new Error(
          `${path}: no entry "${name}" in ${join(dir, 'windows.json')} (use [] for a file without anomalies)`,
        );
      }
      const known = new Set(data.timestamps);
      entries.forEach((w, k) => {
        for (const [text, ms] of [
          [w.start, w.startMs],
          [w.end, w.endMs],
        ] as const) {
          if (!known.has(ms)) {
            throw new Error(
              `${join(dir, 'windows.json')}: "${name}" window ${k + 1}: ${text} is not the timestamp of a record in ${path} ` +
                '(NAB windows must start and end on records)',
            );
          }
        }
      });
      const windows = entries.map(({ startMs, endMs }) => ({ startMs, endMs }));
      files.push({ name, category, file, timestamps: data.timestamps, values: data.values, windows });
    }
  }
  const names = new Set(files.map((f) => f.name));
  for (const name of windowsByFile.keys()) {
    if (!names.has(name))
      throw new Error(`${join(dir, 'windows.json')}: "${name}" names no data file in ${dir}`);
  }
  if (files.length === 0) throw new Error(`${dir}: no data files (expected <category>/<file>.csv)`);
  const labels = labelsJson === undefined ? undefined : parseNabLabels(labelsJson, join(dir, 'labels.json'));
  for (const name of labels?.keys() ?? []) {
    if (!names.has(name))
      throw new Error(`${join(dir, 'labels.json')}: "${name}" names no data file in ${dir}`);
  }
  const profiles =
    profilesJson === undefined ? NAB_PROFILES : parseNabProfiles(profilesJson, join(dir, 'profiles.json'));
  return { dir, files, labels, profiles };
}

async function subdirectories(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((cause: unknown) => {
    throw new Error(`${dir}: cannot read the NAB data set directory`, { cause });
  });
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
}

async function readJson(dir: string, name: string, required: boolean): Promise<unknown> {
  const path = join(dir, name);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    if (!required && (cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(
      `${path}: cannot read it${required ? ' (a NAB data set needs its anomaly windows)' : ''}`,
      {
        cause,
      },
    );
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new Error(`${path}: not valid JSON: ${(cause as Error).message}`, { cause });
  }
}
